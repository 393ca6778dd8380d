"""Faults a real crawl meets, each ending with no bad data loaded and the good data kept.

Most cases crawl gov_si against its fixtures after a good run is already in the store (a copy of
one baseline store per test), then compare the store before and after.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from crawling import Fault, ScriptedHandler, crawl, fixture_page, fixture_site, stored_calls
from sqlalchemy import select

from fundscout.db import engine_for, session_scope, upgrade
from fundscout.db.models import ScrapeRun
from scrapers.runner import RunOutcome, gate
from scrapers.sample_site import Page, serve_sites

LISTING = "/zbirke/javne-objave/?status=*&titleref=&type=2&year=0&nrOfItems=100&start=0"
DETAIL = "/zbirke/javne-objave/javni-razpis-sofinanciranje-zdravstvenih-postaj-2026/"
GOOD_IDS = {
    "govsi-javni-razpis-pametna-razsvetljava-2026",
    "govsi-javni-razpis-vavcerji-kibernetska-varnost-2026",
    "govsi-javni-razpis-sofinanciranje-zdravstvenih-postaj-2026",
}
MAINTENANCE = "<html><body><h1>Vzdrževanje strani</h1><p>Stran je začasno nedosegljiva.</p></body></html>".encode()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one good gov_si run."""
    home = tmp_path_factory.mktemp("baseline")
    url = f"sqlite:///{home / 'store.db'}"
    upgrade(url)
    with fixture_site("gov_si") as (origins, _):
        assert crawl("gov_si", url, home, origins).verdict == "loaded"
    engine_for(url).dispose()  # closes the last connection, so the WAL is folded into store.db
    return home / "store.db"


@pytest.fixture
def store(baseline: Path, tmp_path: Path) -> str:
    shutil.copy(baseline, tmp_path / "store.db")
    return f"sqlite:///{tmp_path / 'store.db'}"


def listing_with(rows: str) -> Page:
    """The gov_si listing with extra table rows before the real ones."""
    body = fixture_page("gov_si", LISTING).body.decode().replace("<tbody>", "<tbody>" + rows, 1)
    return Page(body.encode())


def assert_refused(outcome: RunOutcome, url: str, before: dict, reason: str) -> None:
    assert outcome.verdict == "failed"
    assert reason in outcome.reason
    assert stored_calls(url) == before  # nothing loaded, nothing lost
    with session_scope(url) as session:
        last = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id.desc())).first()
        assert (last.verdict, last.reason) == ("failed", outcome.reason)


def test_redesigned_listing_is_refused(store: str, tmp_path: Path) -> None:
    before = stored_calls(store)
    redesigned = fixture_page("gov_si", LISTING).body.replace(b"tender-list-table", b"objave-seznam")
    with fixture_site("gov_si", pages={LISTING: Page(redesigned)}) as (origins, _):
        outcome = crawl("gov_si", store, tmp_path, origins)
    assert outcome.summary["finish_reason"] == "finished"  # Scrapy itself sees nothing wrong
    assert_refused(outcome, store, before, "layout may have changed")


def test_maintenance_page_with_status_200_is_refused(store: str, tmp_path: Path) -> None:
    before = stored_calls(store)
    with fixture_site("gov_si", script={DETAIL: [Fault(body=MAINTENANCE)]}) as (origins, _):
        outcome = crawl("gov_si", store, tmp_path, origins)
    # Two good pages and one maintenance page: the run is incomplete, so none of it loads.
    assert outcome.summary["items"] == 2 and outcome.summary["layout_errors"] == 1
    assert_refused(outcome, store, before, "1 pages not recognised")


def test_503_then_200_is_retried_and_loaded(store: str, tmp_path: Path) -> None:
    script = {LISTING: [Fault(status=503), Fault(status=503), Fault()]}
    with fixture_site("gov_si", script=script) as (origins, handler):
        outcome = crawl("gov_si", store, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert handler.hits.count(LISTING) == 3
    assert outcome.summary["stats"]["retry/count"] == 2
    assert set(stored_calls(store)) == GOOD_IDS


def test_timeout_is_refused(store: str, tmp_path: Path) -> None:
    before = stored_calls(store)
    with fixture_site("gov_si", script={DETAIL: [Fault(delay=1.6)]}) as (origins, _):
        outcome = crawl("gov_si", store, tmp_path, origins)
    assert any(k.startswith("downloader/exception_type_count/") and "Timeout" in k for k in outcome.summary["stats"])
    assert_refused(outcome, store, before, "network failure: timed out")


def test_crawl_killed_mid_run_is_refused(store: str, tmp_path: Path) -> None:
    before = stored_calls(store)
    with fixture_site("gov_si", script={DETAIL: [Fault(delay=6)]}) as (origins, handler):
        outcome = crawl("gov_si", store, tmp_path, origins, timeout=4.5, DOWNLOAD_TIMEOUT=20)
    assert LISTING in handler.hits  # stopped mid-run, with a page still loading
    # Scrapy lets the loading page finish, so the items may look complete; a shutdown still loads nothing.
    assert_refused(outcome, store, before, "'shutdown'")


def test_a_crawl_that_left_no_summary_or_no_monitor_results_is_refused() -> None:
    assert "no run summary" in gate(None, -9)
    unmonitored = {"finish_reason": "finished", "items": 3, "invalid_items": 0, "errors": 0, "monitors": []}
    assert "monitors did not run" in gate(unmonitored, 0)
    assert gate({**unmonitored, "monitors": [{"monitor": "m", "status": "OK", "reason": ""}]}, 0) is None


def test_wrong_declared_encoding_keeps_slovenian_letters(sqlite_url: str, tmp_path: Path) -> None:
    """UTF-8 pages that declare windows-1250 (and a real windows-1250 page) read as written."""

    def lying(key: str) -> Page:
        body = fixture_page("gov_si", key).body.replace(b'<meta charset="utf-8">', b'<meta charset="windows-1250">')
        return Page(body, "text/html")

    honest_1250 = fixture_page("gov_si", DETAIL).body.decode().replace('charset="utf-8"', 'charset="windows-1250"')
    pages = {DETAIL: Page(honest_1250.encode("cp1250"), "text/html; charset=windows-1250")}
    script = {LISTING: lying, "/zbirke/javne-objave/javni-razpis-pametna-razsvetljava-2026/": lying}
    with fixture_site("gov_si", script=script, pages=pages) as (origins, _):
        outcome = crawl("gov_si", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    titles = {c["title"] for c in stored_calls(sqlite_url).values()}
    assert "Javni razpis za sofinanciranje zdravstvenih postaj v manjših občinah 2026" in titles
    assert "Javni razpis za sofinanciranje pametne javne razsvetljave v občinah 2026" in titles
    assert not any("Ä" in t or "Å" in t for t in titles)


@pytest.mark.parametrize("depth_limit", [6, 0])
def test_pagination_that_never_ends_is_stopped(sqlite_url: str, tmp_path: Path, depth_limit: int) -> None:
    """A list whose pages never run out (every `start` answers the same rows): the depth limit ends
    the crawl with each call loaded once; without it the no-new-items fuse stops the crawl and the
    run is refused."""
    first_page = fixture_page("gov_si", LISTING)
    script = {LISTING.removesuffix("0") + "*": lambda key: first_page}
    with fixture_site("gov_si", script=script) as (origins, handler):
        outcome = crawl(
            "gov_si", sqlite_url, tmp_path, origins, DEPTH_LIMIT=depth_limit, CLOSESPIDER_PAGECOUNT_NO_ITEM=6
        )
    assert len(handler.hits) < 20
    if depth_limit:
        assert outcome.verdict == "loaded", outcome.reason
        assert outcome.items == 2 and len(stored_calls(sqlite_url)) == 2
    else:
        assert outcome.summary["finish_reason"] == "closespider_pagecount_no_item"
        assert outcome.verdict == "failed" and stored_calls(sqlite_url) == {}


def test_links_to_file_and_localhost_are_never_fetched(store: str, tmp_path: Path) -> None:
    internal_handler = type("Internal", (ScriptedHandler,), {"script": {}, "hits": []})
    with serve_sites({"internal": {"/admin": Page(b"secret")}}, internal_handler) as internal:
        port = internal["internal"].rsplit(":", 1)[1]
        rows = (
            '<tr><td class="td-title"><div class="cell"><a href="file:///etc/hostname">Priloga</a></div></td></tr>'
            f'<tr><td class="td-title"><div class="cell"><a href="http://localhost:{port}/admin">Interno</a>'
            "</div></td></tr>"
        )
        with fixture_site("gov_si", pages={LISTING: listing_with(rows)}) as (origins, _):
            outcome = crawl("gov_si", store, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert outcome.summary["links_skipped"] == {"file": 1}  # no crawl follows a file:// link
    assert outcome.summary["offsite_filtered"] == 1  # the localhost link: another origin
    assert internal_handler.hits == []  # neither was fetched
    assert set(stored_calls(store)) == GOOD_IDS


def test_robots_txt_is_obeyed(sqlite_url: str, tmp_path: Path) -> None:
    robots = Page(b"User-agent: *\nDisallow: /zbirke/javne-objave/javni-razpis-vavcerji\n", "text/plain")
    with fixture_site("gov_si", pages={"/robots.txt": robots}) as (origins, handler):
        outcome = crawl("gov_si", sqlite_url, tmp_path, origins)
    assert not any("vavcerji" in hit for hit in handler.hits)
    assert outcome.summary["robots_forbidden"] == 1
    assert len(stored_calls(sqlite_url)) == 2


def test_too_many_invalid_items_are_refused(store: str, tmp_path: Path) -> None:
    """A link the validator refuses (a URL longer than 2,000 characters) drops its call; one of
    three dropped is above the 10 % threshold, so the whole run is refused."""
    before = stored_calls(store)
    long_path = "/zbirke/javne-objave/javni-razpis-x/?sid=" + "a" * 2000
    row = f'<tr><td class="td-title"><div class="cell"><a href="{long_path}">Javni razpis X</a></div></td></tr>'
    script = {"/zbirke/javne-objave/javni-razpis-x/*": lambda key: fixture_page("gov_si", DETAIL)}
    with fixture_site("gov_si", script=script, pages={LISTING: listing_with(row)}) as (origins, _):
        outcome = crawl("gov_si", store, tmp_path, origins)
    assert outcome.summary["invalid_items"] == 1
    assert_refused(outcome, store, before, "Invalid items")


def test_oversized_page_is_cancelled_and_refused(store: str, tmp_path: Path) -> None:
    before = stored_calls(store)
    huge = fixture_page("gov_si", DETAIL).body.replace(
        b"</article>", b"<p>" + b"x" * (2 * 1024 * 1024) + b"</p></article>"
    )
    with fixture_site("gov_si", pages={DETAIL: Page(huge)}) as (origins, handler):
        outcome = crawl("gov_si", store, tmp_path, origins, DOWNLOAD_MAXSIZE=1024 * 1024)
    assert handler.hits.count(DETAIL) == 1  # cancelled, not retried
    assert_refused(outcome, store, before, "errors during the crawl")
