"""The review flow end to end in headless Chromium against a real uvicorn server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from fundscout.db import upgrade
from tests.brief_seed import DIGITAL_CALL
from tests.browser import chromium
from tests.review_helpers import PASSWORD, USERNAME
from web.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The browser test runs on SQLite only; the HTTP tests cover both backends."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(db_url: str, review_store: dict[str, int]) -> Iterator[str]:
    """Base URL of the review app served by uvicorn on a free loopback port, mounted nowhere special."""
    config = uvicorn.Config(create_app(db_url), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        yield browser.new_page()


def test_log_in_comment_approve_and_see_the_audit_entry(server: str, page: Page) -> None:
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/login")  # anonymous: sent to the login form

    page.get_by_label("Uporabniško ime").fill(USERNAME)
    page.get_by_label("Geslo").fill("napačno-geslo")
    page.get_by_role("button", name="Prijava").click()
    expect(page.get_by_role("alert")).to_have_text("Napačno uporabniško ime ali geslo.")

    page.get_by_label("Uporabniško ime").fill(USERNAME)
    page.get_by_label("Geslo").fill(PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    expect(page.get_by_role("heading", name="Osnutki")).to_be_visible()

    page.get_by_role("link", name=DIGITAL_CALL["title"]).click()
    expect(page.get_by_role("heading", name="Razpis na kratko")).to_be_visible()
    expect(page.locator("#status")).to_have_text("osnutek")

    page.get_by_label("Komentar").fill("Predlagam, da MOK vodi konzorcij. <script>alert(1)</script>")
    page.get_by_role("button", name="Dodaj komentar").click()
    expect(page.locator(".comment")).to_contain_text("Predlagam, da MOK vodi konzorcij. <script>alert(1)</script>")

    page.get_by_role("button", name="v pregledu").click()
    expect(page.locator("#status")).to_have_text("v pregledu")
    page.get_by_role("button", name="odobren").click()
    expect(page.locator("#status")).to_have_text("odobren")

    page.get_by_role("link", name="Dnevnik dejanj").click()
    newest = page.locator("tr.audit-entry").first
    expect(newest).to_contain_text("Ana Novak")
    expect(newest).to_contain_text("sprememba stanja")
    expect(newest).to_contain_text("to_status: odobren")
    expect(page.locator("tr.audit-entry", has_text="komentar")).to_have_count(1)

    page.get_by_role("button", name="Odjava").click()
    expect(page).to_have_url(f"{server}/login")
    page.goto(f"{server}/audit")
    expect(page).to_have_url(f"{server}/login")
