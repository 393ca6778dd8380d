"""The public finder and firm self-service end to end in headless Chromium against a real uvicorn
server and a real SMTP server on loopback. Screenshots go to $FUNDSCOUT_SCREENS
(default: a temporary folder) as finder_*.png."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from fundscout.db import session_scope, upgrade
from fundscout.db.models import Firm
from tests.browser import chromium
from tests.digests.conftest import Recorder, SmtpServer, free_port
from tests.finder.firm_helpers import NUMBER, SIGNUP, link_in
from tests.finder.seed import CALLS, DEADLINE_SNIPPET, seed_calls, seed_firm_with_matches
from web.app import create_app

pytestmark = pytest.mark.slow

# Screenshots for a closing note or a look by eye; a temporary folder unless FUNDSCOUT_SCREENS says.
SCREENS = Path(os.environ.get("FUNDSCOUT_SCREENS", Path(tempfile.gettempdir()) / "fundscout-screens"))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The browser tests run on SQLite only; the HTTP tests cover both backends."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    seed_calls(url)
    seed_firm_with_matches(url)
    return url


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Recorder())
    server.start()
    monkeypatch.setenv("FUNDSCOUT_SMTP_URL", server.url)
    yield server
    server.stop()


@pytest.fixture
def server(db_url: str, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "browser-test-secret")
    config = uvicorn.Config(create_app(db_url), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    monkeypatch.setenv("FUNDSCOUT_PUBLIC_URL", base)  # the links in the mails point here
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()


def _shot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"finder_{name}.png"), full_page=True)


def test_search_with_filters_and_read_a_call(server: str, page: Page) -> None:
    page.goto(f"{server}/calls")
    expect(page.get_by_role("heading", name="Iskalnik razpisov")).to_be_visible()
    expect(page.locator("tr.call-row")).to_have_count(4)
    page.get_by_label("Področja").select_option("urban_mobility")
    page.get_by_label("Skladi").select_option("ERDF")
    page.get_by_label("Besedilo").fill("mobilnost")
    page.get_by_role("button", name="Išči").click()
    expect(page.locator("tr.call-row")).to_have_count(1)
    expect(page.locator("#result-count")).to_have_text("Najdenih razpisov: 1")
    _shot(page, "finder")

    page.get_by_role("link", name=CALLS["mob-open"]["title"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CALLS["mob-open"]["title"])
    expect(page.locator("table.facts")).to_contain_text(DEADLINE_SNIPPET)
    expect(page.locator("tr.history-row")).to_contain_text("sprememba razpisa")
    expect(page.locator("ul.sources li")).to_have_count(2)
    _shot(page, "call")


def test_sign_up_confirm_see_matches_edit_and_unsubscribe(
    server: str, page: Page, smtp: SmtpServer, db_url: str
) -> None:
    page.goto(f"{server}/calls/mob-open")
    page.locator("p.cta a").click()
    expect(page.get_by_role("heading", name="Prijava na tedenski izbor")).to_be_visible()
    page.get_by_label("Matična številka").fill(NUMBER)
    page.get_by_label("E-pošta").fill(SIGNUP["email"])
    page.get_by_label("Ime podjetja").fill(SIGNUP["name"])
    page.get_by_label("Občina sedeža").select_option("Kranj")
    page.get_by_label("Pravnoorganizacijska oblika").select_option("d.o.o.")
    page.get_by_label("Velikost").select_option("small")
    page.get_by_label("Dejavnosti (šifre SKD) 1").fill("49 – Kopenski promet")
    page.get_by_label("Kratek opis dejavnosti").fill(SIGNUP["description"])
    page.get_by_label("Teme, ki vas zanimajo (ločite s podpičjem)").fill(SIGNUP["interests"])
    page.get_by_label("Strinjam se", exact=False).check()
    _shot(page, "signup")
    page.get_by_role("button", name="Prijavi podjetje").click()
    expect(page.get_by_role("heading", name="Preverite svoj e-poštni predal")).to_be_visible()
    assert smtp.handler.recipients() == [SIGNUP["email"]]

    page.goto(link_in(smtp.handler.delivered[0][1], "/firms/confirm/"))
    page.get_by_role("button", name="Potrjujem prijavo").click()
    expect(page.get_by_role("heading", name="Vaši razpisi zdaj")).to_be_visible()
    # the page refreshes itself (no JavaScript) until the background match run is done
    expect(page.locator("tr.match-row").first).to_be_visible(timeout=60_000)
    expect(page.locator("#computing")).to_have_count(0)
    expect(page.locator("tr.match-row").first).to_contain_text("Upravičenost")
    _shot(page, "matches")

    page.get_by_role("link", name="Uredite profil").click()
    expect(page.locator("#firm-state")).to_have_text("prejemate tedenski izbor")
    page.get_by_label("Ime podjetja").fill("Kolesa Kranj in partnerji d.o.o.")
    page.get_by_role("button", name="Shrani spremembe").click()
    expect(page.get_by_role("status")).to_have_text("Spremembe so shranjene.")
    page.get_by_role("button", name="Odjavi se od izbora").click()
    expect(page.locator("#firm-state")).to_have_text("odjavljeni")
    with session_scope(db_url) as session:
        firm = session.get(Firm, f"ms{NUMBER}000")
        assert firm.name == "Kolesa Kranj in partnerji d.o.o." and not firm.subscribed
    assert urlsplit(page.url).path.startswith("/firms/profile/")
