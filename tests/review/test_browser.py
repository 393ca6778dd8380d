"""The reviewer's flow end to end in headless Chromium against a real uvicorn server (run as
`fundscout serve` runs it): log in, the list, a brief in both languages, comment, send to review,
approve, reject with a reason, the audit log, and logging out for good. Saves screenshots of the
list, a brief and the audit log to FUNDSCOUT_SCREENS for the closing note."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fundscout.db import upgrade
from reports.briefs import draft_briefs
from tests.brief_seed import DIGITAL_CALL, MOBILITY_CALL, TODAY
from tests.browser import chromium
from tests.review_helpers import PASSWORD, USERNAME

pytestmark = pytest.mark.slow

# Screenshots for a closing note or a look by eye; a temporary folder unless FUNDSCOUT_SCREENS says.
SCREENS = Path(os.environ.get("FUNDSCOUT_SCREENS", Path(tempfile.gettempdir()) / "fundscout-screens"))
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The browser test runs on SQLite only; the HTTP tests cover both backends."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    return url


@pytest.fixture
def bilingual(db_url: str, review_store: dict[str, int], tmp_path: Path) -> dict[str, int]:
    """The review store plus English briefs of the same calls: {call id: English brief id}."""
    drafted = draft_briefs(db_url, min_score=50, lang="en", out_dir=tmp_path / "en", today=TODAY)
    return {d.call_id: d.brief_id for d in drafted}


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(viewport=LAPTOP, locale="sl-SI")
        yield context.new_page()
        context.close()


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"review_{name}.png"), full_page=full_page)


def log_in(page: Page, server: str) -> None:
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/login")  # anonymous: sent to the login form
    page.get_by_label("Uporabniško ime").fill(USERNAME)
    page.get_by_label("Geslo").fill(PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    expect(page.get_by_role("heading", name="Osnutki")).to_be_visible()


def confirm(page: Page, action: str, confirm_button: str) -> None:
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("heading", name="Potrditev")).to_be_visible()
    page.get_by_role("button", name=confirm_button).click()


def test_reviewer_flow_from_login_to_audit(server: str, page: Page, bilingual: dict[str, int]) -> None:
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{server}/")
    page.get_by_label("Uporabniško ime").fill(USERNAME)
    page.get_by_label("Geslo").fill("napačno-geslo")
    page.get_by_role("button", name="Prijava").click()
    expect(page.get_by_role("alert")).to_have_text("Napačno uporabniško ime ali geslo.")
    log_in(page, server)

    # One row per call, with its deadline as a Slovenian date, the days left and the score explained.
    rows = page.locator("tr.brief-row")
    expect(rows).to_have_count(2)
    digital = rows.filter(has_text=DIGITAL_CALL["title"])
    expect(digital).to_contain_text("EN, SL")
    expect(rows.filter(has_text=MOBILITY_CALL["title"])).to_contain_text("10. 12. 2026")
    expect(page.locator("#legend")).to_contain_text("verjetnost, da razpis ustreza")
    assert "verjetnost" in page.locator("th abbr").get_attribute("title")
    # The stylesheet is served by the app itself and allowed by the CSP.
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 61, 92)"
    shot(page, "list")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    shot(page, "list_phone", full_page=True)
    page.set_viewport_size(LAPTOP)

    # A brief, and its other language one click away.
    digital.get_by_role("link", name=DIGITAL_CALL["title"]).click()
    expect(page.get_by_role("heading", name="Razpis na kratko")).to_be_visible()
    expect(page.locator("#status")).to_have_text("osnutek")
    page.locator("#brief-lang").get_by_role("link", name="angleščina").click()
    expect(page.get_by_role("heading", name="The call at a glance")).to_be_visible()
    page.locator("#brief-lang").get_by_role("link", name="slovenščina").click()
    expect(page.get_by_role("heading", name="Razpis na kratko")).to_be_visible()

    page.get_by_label("Komentar").fill("Predlagam, da MOK vodi konzorcij. <script>alert(1)</script>")
    page.get_by_role("button", name="Dodaj komentar").click()
    expect(page.get_by_role("status")).to_have_text("Komentar je dodan.")
    expect(page.locator(".comment")).to_contain_text("Predlagam, da MOK vodi konzorcij. <script>alert(1)</script>")

    confirm(page, "Pošlji v pregled", "Da, pošlji v pregled")
    expect(page.get_by_role("status")).to_contain_text("je poslan v pregled")
    expect(page.locator("#status")).to_have_text("v pregledu")
    confirm(page, "Odobri", "Da, odobri")
    expect(page.get_by_role("status")).to_contain_text("je odobren")
    expect(page.locator("#status")).to_have_text("odobren")
    shot(page, "brief", full_page=True)

    # The other call: sent to review, then rejected, which needs a reason.
    page.get_by_role("link", name="Nazaj na seznam").click()
    page.get_by_role("link", name=MOBILITY_CALL["title"]).click()
    confirm(page, "Pošlji v pregled", "Da, pošlji v pregled")
    page.get_by_role("button", name="Zavrni", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Zavrnitev potrebuje utemeljitev.")
    page.get_by_label("Utemeljitev (obvezna pri zavrnitvi)").fill("Rok je prekratek za pripravo vloge.")
    page.get_by_role("button", name="Zavrni", exact=True).click()
    expect(page.locator("#question")).to_contain_text(MOBILITY_CALL["title"])
    expect(page.get_by_text("Rok je prekratek za pripravo vloge.")).to_be_visible()
    page.get_by_role("button", name="Da, zavrni").click()
    expect(page.locator("#status")).to_have_text("zavrnjen")

    # The audit log, in Slovenian, naming the brief and linking to it.
    page.get_by_role("link", name="Dnevnik dejanj").click()
    newest = page.locator("tr.audit-entry").first
    expect(newest).to_contain_text("Ana Novak")
    expect(newest).to_contain_text("sprememba stanja")
    expect(newest).to_contain_text("iz »v pregledu« v »zavrnjen«; utemeljitev: Rok je prekratek za pripravo vloge.")
    expect(page.locator("tr.audit-entry", has_text="komentar")).to_have_count(1)
    expect(page.locator("tr.audit-entry", has_text="iz »v pregledu« v »odobren«")).to_have_count(1)
    shot(page, "audit")
    newest.get_by_role("link", name=f"osnutek »{MOBILITY_CALL['title']}« (slovenščina)").click()
    expect(page.locator("#status")).to_have_text("zavrnjen")
    assert not csp_errors, csp_errors


def test_logout_ends_the_session_for_a_copied_cookie(server: str, page: Page, review_store: dict[str, int]) -> None:
    log_in(page, server)
    kept = page.context.cookies()
    page.get_by_role("button", name="Odjava").click()
    expect(page).to_have_url(f"{server}/login")
    expect(page.get_by_role("status")).to_have_text("Odjavljeni ste.")
    page.context.clear_cookies()
    page.context.add_cookies(kept)  # the cookie from before the logout
    page.goto(f"{server}/audit")
    expect(page).to_have_url(f"{server}/login")
    expect(page.get_by_role("heading", name="Prijava")).to_be_visible()
