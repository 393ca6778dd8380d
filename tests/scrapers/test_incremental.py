"""Persistent crawl state and polite incremental crawls, on real crawls of the probe spider.

The first crawl fetches everything; an unchanged second crawl asks only for the listing pages
(conditionally, answered 304) and re-emits the calls it knows unchanged; a changed listing entry,
a changed page (at its recheck) or a new call is still fetched and loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

from crawling import Fault, crawl_probe, probe_server, read_items, stored_calls
from probe_spider import LISTING, ProbeCall, probe_calls, probe_site
from sqlalchemy import select

from fundscout.db import session_scope
from fundscout.db.models import ScrapeRun

CALLS = 25  # three listing pages of ten


def detail_hits(hits: list[str]) -> list[str]:
    return [h for h in hits if h.startswith("/calls/razpis-")]


def strip_seen(calls: dict[str, dict]) -> dict[str, dict]:
    return {i: {k: v for k, v in c.items() if k != "last_seen_at"} for i, c in calls.items()}


def state_of(home: Path) -> dict:
    return json.loads((home / "state" / "probe.json").read_text(encoding="utf-8"))


def test_unchanged_second_crawl_fetches_listings_only_and_loads_as_unchanged(sqlite_url: str, tmp_path: Path) -> None:
    with probe_server(probe_site(probe_calls(CALLS))) as (origins, handler):
        first = crawl_probe(sqlite_url, tmp_path, origins)
        first_hits = list(handler.hits)
        handler.hits.clear()
        before = stored_calls(sqlite_url)
        second = crawl_probe(sqlite_url, tmp_path, origins)
    assert (first.verdict, second.verdict) == ("loaded", "loaded"), second.reason
    assert len(first_hits) == 1 + 3 + CALLS  # robots.txt, three listing pages, every call
    # robots.txt is still fresh; the three listing pages are asked for with their ETag and answer 304
    assert handler.hits == [LISTING, f"{LISTING}?page=2", f"{LISTING}?page=3"]
    assert second.summary["not_modified"] == 3
    assert (second.summary["calls_unchanged"], second.summary["pages_unchanged"]) == (CALLS, CALLS)
    assert second.items == CALLS and second.changed == 0  # the feed is whole: no call looks gone
    assert sorted(i["id"] for i in read_items(second)) == sorted(i["id"] for i in read_items(first))
    after = stored_calls(sqlite_url)
    assert all(after[i]["last_seen_at"] > before[i]["last_seen_at"] for i in before)  # seen again, still listed
    assert strip_seen(after) == strip_seen(before)


def test_changed_listing_entry_or_new_call_is_fetched_and_loaded(sqlite_url: str, tmp_path: Path) -> None:
    calls = probe_calls(CALLS)
    with probe_server(probe_site(calls)) as (origins, handler):
        assert crawl_probe(sqlite_url, tmp_path, origins).verdict == "loaded"
        calls[4] = ProbeCall(calls[4].slug, calls[4].title, deadline="2027-05-15")  # the row shows the new date
        calls.insert(0, ProbeCall("razpis-novi", "Javni razpis za nove kolesarske poti"))
        handler.script.update({k: (lambda key, p=p: p) for k, p in probe_site(calls).items()})
        handler.hits.clear()
        second = crawl_probe(sqlite_url, tmp_path, origins)
    assert second.verdict == "loaded", second.reason
    assert sorted(detail_hits(handler.hits)) == ["/calls/razpis-005/", "/calls/razpis-novi/"]
    stored = stored_calls(sqlite_url)
    assert stored["probe-razpis-005"]["deadlines"] == ["2027-05-15"]
    assert "probe-razpis-novi" in stored and len(stored) == CALLS + 1
    assert second.summary["calls_unchanged"] == CALLS - 1


def test_changed_page_with_same_listing_entry_is_picked_up_at_its_recheck(sqlite_url: str, tmp_path: Path) -> None:
    calls = probe_calls(CALLS)
    with probe_server(probe_site(calls)) as (origins, handler):
        assert crawl_probe(sqlite_url, tmp_path, origins).verdict == "loaded"
        calls[6].budget = 400000.0  # on the call's page only: its listing entry stays the same
        handler.script.update({k: (lambda key, p=p: p) for k, p in probe_site(calls).items()})
        handler.hits.clear()
        not_due = crawl_probe(sqlite_url, tmp_path, origins)
        assert detail_hits(handler.hits) == []  # within the recheck period the listing entry decides
        handler.hits.clear()
        due = crawl_probe(sqlite_url, tmp_path, origins, FUNDSCOUT_RECHECK_DAYS=0)
    assert (not_due.verdict, due.verdict) == ("loaded", "loaded"), due.reason
    # every page is revalidated: the changed one answers 200 with its new text, the others 304
    assert len(detail_hits(handler.hits)) == CALLS
    assert due.summary["not_modified"] == 3 + CALLS - 1
    assert stored_calls(sqlite_url)["probe-razpis-007"]["budget_eur"] == 400000.0
    assert due.changed == 1


def test_crawl_state_is_kept_only_from_runs_that_passed(sqlite_url: str, tmp_path: Path) -> None:
    with probe_server(probe_site(probe_calls(12))) as (origins, handler):
        assert crawl_probe(sqlite_url, tmp_path, origins).verdict == "loaded"
        assert state_of(tmp_path)["spider"] == {"listing_pages_read": 2}
        assert len(state_of(tmp_path)["pages"]) == 12
        handler.script[f"{LISTING}?page=2"] = [Fault(status=503)]
        failed = crawl_probe(sqlite_url, tmp_path, origins, RETRY_TIMES=0)
        assert failed.verdict == "failed"
        assert state_of(tmp_path)["spider"] == {"listing_pages_read": 2}  # the failed run's count is dropped
        del handler.script[f"{LISTING}?page=2"]
        handler.hits.clear()
        again = crawl_probe(sqlite_url, tmp_path, origins)
    assert again.verdict == "loaded", again.reason
    assert state_of(tmp_path)["spider"] == {"listing_pages_read": 4}
    assert detail_hits(handler.hits) == []  # the state of the last good run still saves the detail pages
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["probe.json"]  # no temporary file left
    with session_scope(sqlite_url) as session:
        verdicts = session.scalars(select(ScrapeRun.verdict).order_by(ScrapeRun.id)).all()
    assert verdicts == ["loaded", "failed", "loaded"]


def test_a_page_whose_call_was_refused_is_read_again(sqlite_url: str, tmp_path: Path) -> None:
    """One invalid call of twenty passes the gate (≤ 10 %), but its page is not remembered."""
    calls = probe_calls(20)
    calls[3] = ProbeCall(calls[3].slug, " ", deadline="2027-01-01")  # no title: the validator drops it
    with probe_server(probe_site(calls)) as (origins, handler):
        first = crawl_probe(sqlite_url, tmp_path, origins)
        handler.hits.clear()
        second = crawl_probe(sqlite_url, tmp_path, origins)
    assert (first.verdict, second.verdict) == ("loaded", "loaded")
    assert first.summary["invalid_items"] == 1
    assert detail_hits(handler.hits) == ["/calls/razpis-004/"]


def test_a_call_listed_twice_is_emitted_once_when_unchanged(sqlite_url: str, tmp_path: Path) -> None:
    calls = probe_calls(6)
    calls.append(calls[2])  # the same call in a second row, as on a site with two audience listings
    with probe_server(probe_site(calls)) as (origins, _):
        first = crawl_probe(sqlite_url, tmp_path, origins)
        second = crawl_probe(sqlite_url, tmp_path, origins)
    assert (first.items, second.items) == (6, 6), second.reason
    assert second.summary["calls_unchanged"] == 6
