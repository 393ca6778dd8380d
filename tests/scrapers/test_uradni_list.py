"""uradni_list walks the gazette by notice id: real crawls against fixtures with the real notice markup.

The fixture site holds issue 2/2025 (a call, a job vacancy, an auction, a missing item 4, a call
at item 5), no Razglasni del in issue 3, issue 4/2025 (an amendment, and a call in a container
the spider does not know), then nothing until issue 2/2026 (a call).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from crawling import crawl, fixture_page, fixture_site, stored_calls
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope, upgrade
from fundscout.db.models import CallHistory
from scrapers.runner import RunOutcome
from scrapers.sample_site import Page
from scrapers.spiders.uradni_list import is_call_notice

NOTICE = "/glasilo-uradni-list-rs/vsebina/"
ALL_CALLS = {
    "ul-2025-002-ob-1021-25",
    "ul-2025-002-ob-1040-25",
    "ul-2025-004-ob-1102-25",  # the amendment, merged into ob-1021-25 in the store
    "ul-2025-004-ob-1110-25",
    "ul-2026-002-ob-1005-26",
}


def items_of(outcome: RunOutcome) -> dict[str, dict[str, Any]]:
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def walked(hits: list[str]) -> list[str]:
    return [h.removeprefix(NOTICE) for h in hits if h.startswith(NOTICE)]


@pytest.fixture(scope="module")
def first_walk(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunOutcome, list[str], str]:
    """A first run on the copy, with no stored position: it walks the copy from 2014."""
    home = tmp_path_factory.mktemp("ul")
    url = f"sqlite:///{home / 'store.db'}"
    upgrade(url)
    with fixture_site("uradni_list") as (origins, handler):
        outcome = crawl("uradni_list", url, home, origins)
    return outcome, list(handler.hits), url


def test_walk_keeps_calls_and_amendments_only(first_walk) -> None:
    outcome, _, url = first_walk
    assert outcome.verdict == "loaded", outcome.reason
    items = items_of(outcome)
    assert set(items) == ALL_CALLS  # the vacancy (Ob-1030/25) and the auction (Ob-1034/25) are left out
    kamnik = items["ul-2025-002-ob-1021-25"]
    assert (
        kamnik["title"]
        == "Javni razpis za sofinanciranje energetske prenove večstanovanjskih stavb v Občini Kamnik za leto 2025"
    )
    assert (kamnik["gazette_issue"], kamnik["published_on"], kamnik["notice_number"]) == (
        "2/2025",
        "2025-01-10",
        "Ob-1021/25",
    )
    assert kamnik["budget_eur"] == 120_000 and kamnik["deadlines"] == ["2025-02-28"]
    assert kamnik["url"] == "https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/2025000200001"
    fund = items["ul-2025-002-ob-1040-25"]  # header "Št. 303-1/2025 Ob-1040/25, Stran 20"
    assert fund["call_type"] == "javni_poziv" and fund["deadlines"] == ["2025-03-14", "2025-06-13"]
    amendment = items["ul-2025-004-ob-1102-25"]  # header with a space before the comma
    assert amendment["call_type"] == "amendment" and amendment["amends"] == "Ob-1021/25"
    calls = stored_calls(url)
    assert "ul-2025-004-ob-1102-25" not in calls and calls["ul-2025-002-ob-1021-25"]["deadlines"] == ["2025-03-14"]
    with session_scope(url) as session:
        kinds = session.scalars(select(CallHistory.kind).where(CallHistory.call_id == "ul-2025-002-ob-1021-25")).all()
        assert kinds == ["amendment"]


def test_walk_ends_an_issue_after_a_run_of_missing_items(first_walk) -> None:
    _, hits, _ = first_walk
    ids = walked(hits)
    # Item 4 of issue 2/2025 is missing, item 5 is read; three misses (6-8) end the issue.
    assert ids[ids.index("2025000200001") : ids.index("2025000300001")] == [f"202500020000{n}" for n in range(1, 9)]
    assert "2025000200009" not in ids
    # Issue 3 has no Razglasni del: its first item is tried, then issue 4 is read.
    assert ids[ids.index("2025000300001") + 1] == "2025000400001"


def test_walk_moves_to_the_next_year_and_stops_where_nothing_is_published(first_walk) -> None:
    outcome, hits, _ = first_walk
    ids = walked(hits)
    after_2025 = ids[ids.index("2025000400005") + 1 :]
    # Issues 5-9 of 2025 have no Razglasni del; past years go on with issue 1 of the next year.
    assert after_2025[:7] == [f"2025000{n}00001" for n in range(5, 10)] + ["2026000100001", "2026000200001"]
    assert ["2014000100001", "2015000100001"] == [i for i in ids if i.endswith("000100001")][:2]
    assert len(ids) == len(set(ids))  # no page asked twice
    assert "no newer issue after 2/2026" in (outcome.run_dir / "crawl.log").read_text(encoding="utf-8") or (
        dt.date.today().year > 2026
    )


def test_notice_in_an_unknown_container_is_found_by_its_header_line(first_walk) -> None:
    outcome, _, _ = first_walk
    ministry = items_of(outcome)["ul-2025-004-ob-1110-25"]
    assert ministry["notice_number"] == "Ob-1110/25" and ministry["gazette_issue"] == "4/2025"
    assert ministry["budget_eur"] == 4_500_000 and ministry["programme_period"] == "2021-2027"
    assert ministry["title"].startswith("Javni razpis za sofinanciranje regionalnih centrov za digitalne storitve")
    assert outcome.summary["stats"]["uradni_list/read_by_header_line"] == 1


def test_redesigned_notice_pages_still_read_by_header_line(sqlite_url: str, tmp_path: Path) -> None:
    """Every class the spider knows renamed: each notice is still found by its `Ob-…` header line."""
    pages = {}
    for key in ("2025000200001", "2025000200005", "2026000200001"):
        body = fixture_page("uradni_list", NOTICE + key).body
        for known, new in ((b"esegment_", b"odstavek_"), (b"ul-content-title", b"naslov"), (b"ul-issue-text", b"st")):
            body = body.replace(known, new)
        pages[NOTICE + key] = Page(body)
    with fixture_site("uradni_list", pages=pages) as (origins, _):
        outcome = crawl("uradni_list", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert set(items_of(outcome)) == ALL_CALLS
    assert outcome.summary["stats"]["uradni_list/read_by_header_line"] == 4
    assert items_of(outcome)["ul-2026-002-ob-1005-26"]["budget_eur"] == 38_000


def test_a_page_without_a_notice_header_is_a_layout_error(sqlite_url: str, tmp_path: Path) -> None:
    body = fixture_page("uradni_list", NOTICE + "2025000200005").body
    broken = Page(body.replace(b"Ob-1040/25, Stran 20", b"Objava"))
    with fixture_site("uradni_list", pages={NOTICE + "2025000200005": broken}) as (origins, _):
        outcome = crawl("uradni_list", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and "1 pages not recognised" in outcome.reason


def test_since_skips_older_issues_reading_one_page_of_each(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("uradni_list") as (origins, handler):
        outcome = crawl("uradni_list", sqlite_url, tmp_path, origins, spider_args={"since": "2025-01-20"})
    assert outcome.verdict == "loaded", outcome.reason
    assert set(items_of(outcome)) == {"ul-2025-004-ob-1102-25", "ul-2025-004-ob-1110-25", "ul-2026-002-ob-1005-26"}
    ids = walked(handler.hits)
    assert ids[0] == "2025000100001"  # the walk starts with that year's issues
    assert "2025000200001" in ids and "2025000200002" not in ids  # issue 2 (10. 1. 2025): its first page only


def test_budget_stops_the_walk_and_it_passes(sqlite_url: str, tmp_path: Path) -> None:
    """A walk cut by its page budget still finishes and passes, with what it read so far."""
    with fixture_site("uradni_list") as (origins, handler):
        outcome = crawl(
            "uradni_list", sqlite_url, tmp_path, origins, spider_args={"since": "2025-01-01", "budget": "4"}
        )
    assert outcome.verdict == "loaded", outcome.reason
    assert walked(handler.hits) == ["2025000100001", "2025000200001", "2025000200002", "2025000200003"]
    assert set(items_of(outcome)) == {"ul-2025-002-ob-1021-25"}


def test_opening_lines_decide_what_is_a_call() -> None:
    assert is_call_notice("Občina X objavlja\njavni razpis\nza sofinanciranje programov")
    assert is_call_notice("Na podlagi … ministrstvo objavlja Javni razpis za sofinanciranje občinskih strategij")
    assert is_call_notice("Sprememba\nMinistrstvo objavlja spremembo Javnega razpisa za vavčerje, objavljenega …")
    assert is_call_notice("Sklad objavlja\njavno povabilo k oddaji predlogov projektov")
    assert not is_call_notice("Upravna enota objavlja\njavni natečaj za zasedbo uradniškega delovnega mesta")
    assert not is_call_notice("Občina objavlja\njavno dražbo za prodajo zemljišča")
    # A call named deep in a preamble, not in the opening lines, is not the notice's own kind.
    preamble = "\n".join(["Preklic"] + ["(besedilo)"] * 20 + ["javni razpis"])
    assert not is_call_notice(preamble)


def test_cli_refuses_a_malformed_since(fundscout_env: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "uradni_list", "--since", "2014-13-01"])
    assert result.exit_code == 2 and "--since '2014-13-01' is not a date YYYY-MM-DD" in result.output
    result = CliRunner().invoke(app, ["crawl", "gov_si", "--since", "2014-01-01"])
    assert result.exit_code == 2 and "applies to uradni_list only" in result.output


def test_next_run_resumes_where_the_walk_stopped(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("uradni_list") as (origins, _):
        first = crawl("uradni_list", sqlite_url, tmp_path, origins)
    assert first.verdict == "loaded", first.reason
    # Issue 3/2026 comes out: its notice is a copy of 2/2026's with its own number and issue line.
    new = fixture_page("uradni_list", NOTICE + "2026000200001").body
    new = new.replace(b"Ob-1005/26", b"Ob-1077/26").replace(b"2/2026 z dne 9. 1. 2026", b"3/2026 z dne 16. 1. 2026")
    with fixture_site("uradni_list", pages={NOTICE + "2026000300001": Page(new)}) as (origins, handler):
        second = crawl("uradni_list", sqlite_url, tmp_path, origins)
    assert second.verdict == "loaded", second.reason
    recent = {"2025000200001", "2025000200005", "2025000400001", "2025000400002", "2026000200001"}
    ids = walked(handler.hits)
    # The rechecks and the walk are fetched side by side (several requests at once), so the
    # server sees them in no fixed order: only what was fetched is asserted, not when.
    assert sorted(i for i in ids if i in recent) == sorted(recent)  # the calls found last, read again once
    walk = [i for i in ids if i not in recent]
    assert walk[0] == min(walk) == "2026000300001"  # the walk goes on where it stopped, nothing older
    assert "ul-2026-003-ob-1077-26" in items_of(second)
    # The calls found last time are read again: a run with nothing new still proves the pages read.
    assert "ul-2026-002-ob-1005-26" in items_of(second)


def test_a_200_page_without_any_gazette_text_counts_as_a_missing_item(sqlite_url: str, tmp_path: Path) -> None:
    """A "page not found" served with 200 (a soft 404) ends an issue like a 404, and is counted."""
    soft = Page(b"<html><body><h1>Stran ne obstaja</h1><p>Iskane vsebine ni.</p></body></html>")
    with fixture_site("uradni_list", pages={NOTICE + "2025000200006": soft}) as (origins, handler):
        outcome = crawl("uradni_list", sqlite_url, tmp_path, origins, spider_args={"since": "2025-01-01"})
    assert outcome.verdict == "loaded", outcome.reason
    assert outcome.summary["stats"]["uradni_list/soft_404"] == 1
    ids = walked(handler.hits)
    assert "2025000200008" in ids and "2025000200009" not in ids
