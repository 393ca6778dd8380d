"""The runner's gate and load path on SQLite and PostgreSQL: run records, source states,
cross-source matching and amendments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crawling import Fault, crawl, fixture_site, stored_calls
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import CallHistory, CallSource, ScrapeRun
from fundscout.load import load_run
from fundscout.records import CallRecord
from scrapers.runner import source_states, spider_names

LISTING = "/zbirke/javne-objave/?status=*&titleref=&type=2&year=0&nrOfItems=100&start=0"


def test_failed_run_keeps_last_good_data_and_says_why(db_url: str, tmp_path: Path) -> None:
    with fixture_site("gov_si") as (origins, _):
        good = crawl("gov_si", db_url, tmp_path, origins)
    before = stored_calls(db_url)
    with fixture_site("gov_si", script={LISTING: [Fault(status=503)]}) as (origins, handler):
        bad = crawl("gov_si", db_url, tmp_path, origins)  # 503 for ever
    assert handler.hits.count(LISTING) == 3  # the first try and two retries
    assert (good.verdict, bad.verdict) == ("loaded", "failed")
    assert "the site answered with HTTP errors (HTTP 503 ×3" in bad.reason
    assert stored_calls(db_url) == before and len(before) == 3
    with session_scope(db_url) as session:
        runs = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)).all()
        assert [(r.verdict, r.item_count, r.loaded_count) for r in runs] == [("loaded", 3, 3), ("failed", 0, 0)]
        assert runs[1].finish_reason == "finished" and runs[1].summary["retries_given_up"] == 1
    state = next(s for s in source_states(db_url) if s.source == "gov_si")
    assert (state.state, state.failure, state.last_good_items, state.calls) == ("failing", "http", 3, 3)
    assert state.last_reason == bad.reason and state.last_good_at == runs[0].started_at
    assert {s.state for s in source_states(db_url) if s.source != "gov_si"} == {"never run"}


def test_sources_command_lists_each_source(fundscout_env: str, tmp_path: Path) -> None:
    with fixture_site("gov_si", script={LISTING: [Fault(status=503)]}) as (origins, _):
        crawl("gov_si", fundscout_env, tmp_path, origins)
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("gov_si"))
    assert "failing" in row and "http" in row and "HTTP 503" in row
    assert sum(line.split()[1:3] == ["never", "run"] for line in result.output.splitlines()) == len(spider_names()) - 1


def test_crawl_command_rejects_unknown_spider(fundscout_env: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "no_such_source"])
    assert result.exit_code == 2 and "unknown spider(s) no_such_source" in result.output


def record(**values: object) -> CallRecord:
    base = {"url": f"https://example.si/{values['id']}", "source": "uradni_list"}
    return CallRecord.model_validate({**base, **values})


def test_one_call_seen_in_two_sources(db_url: str) -> None:
    """Matched on the notice number first, then on a near-identical title; gaps are filled, and
    the call's own source keeps its facts."""
    with session_scope(db_url) as session:
        load_run(
            session,
            [
                record(
                    id="ul-2019-071-ob-3702-19",
                    title="Javni razpis za usposabljanje zaposlenih 2020–2022",
                    notice_number="Ob-3702/19",
                    deadlines=["2020-01-20"],
                ),
                record(
                    id="govsi-pametne-svetilke",
                    source="gov_si",
                    title="Javni razpis za sofinanciranje pametne javne razsvetljave v občinah 2026",
                ),
            ],
            {},
        )
    second_sources = [
        record(
            id="euskladi-usposabljanje",
            source="eu_skladi",
            title="Usposabljanje zaposlenih (ESS)",
            notice_number="Ob-3702/19",
            deadlines=["2020-02-01"],
            budget_eur=3_800_000,
        ),
        record(
            id="eusr-pametna-razsvetljava",
            source="evropska_sredstva",
            title="Javni razpis za sofinanciranje pametne javne razsvetljave v občinah – 2026",
            programme="Program evropske kohezijske politike 2021–2027",
        ),
        record(id="eusr-drugo", source="evropska_sredstva", title="Javni razpis za čisto drugo stvar"),
    ]
    with session_scope(db_url) as session:
        report = load_run(session, second_sources, {})
    with session_scope(db_url) as session:  # the same pages again: found by the page they were seen on
        again = load_run(session, second_sources, {})
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    calls = stored_calls(db_url)
    assert set(calls) == {"ul-2019-071-ob-3702-19", "govsi-pametne-svetilke", "eusr-drugo"}
    assert report.changed == 2 and report.created == 1
    training = calls["ul-2019-071-ob-3702-19"]
    assert training["budget_eur"] == 3_800_000  # a gap filled from the second source
    assert training["deadlines"] == ["2020-01-20"]  # the call's own source keeps its deadline
    assert calls["govsi-pametne-svetilke"]["programme"] == "Program evropske kohezijske politike 2021–2027"
    with session_scope(db_url) as session:
        seen = {(s.call_id, s.source) for s in session.scalars(select(CallSource))}
    assert ("ul-2019-071-ob-3702-19", "eu_skladi") in seen and ("govsi-pametne-svetilke", "evropska_sredstva") in seen


def test_amendment_updates_its_call_and_is_not_undone(db_url: str) -> None:
    original = record(
        id="ul-2019-038-ob-2241-19",
        title="Javni razpis za digitalno preobrazbo MSP",
        notice_number="Ob-2241/19",
        deadlines=["2019-09-16"],
        budget_eur=6_000_000,
    )
    amendment = record(
        id="ul-2019-047-ob-2790-19",
        title="Sprememba javnega razpisa za digitalno preobrazbo MSP",
        notice_number="Ob-2790/19",
        call_type="amendment",
        deadlines=["2019-09-30"],
        budget_eur=7_500_000,
    )
    orphan = record(
        id="ul-2019-050-ob-2900-19",
        title="Sprememba javnega razpisa, ki ga ni v zbirki",
        notice_number="Ob-2900/19",
        call_type="amendment",
        deadlines=["2019-10-10"],
    )
    for _ in range(2):  # the second run re-reads the original notice: the amendment stays
        with session_scope(db_url) as session:
            load_run(
                session,
                [original, amendment, orphan],
                {amendment.id: "Ob-2241/19", orphan.id: "Ob-1111/19"},
                run_id=None,
            )
    calls = stored_calls(db_url)
    call = calls["ul-2019-038-ob-2241-19"]
    assert call["deadlines"] == ["2019-09-30"] and call["budget_eur"] == 7_500_000
    assert call["title"] == "Javni razpis za digitalno preobrazbo MSP" and call["notice_number"] == "Ob-2241/19"
    assert amendment.id not in calls and orphan.id in calls  # an amendment of an unknown call is kept
    with session_scope(db_url) as session:
        history = session.scalars(select(CallHistory).where(CallHistory.call_id == original.id)).all()
    assert [(h.kind, h.diff) for h in history] == [
        ("amendment", {"deadlines": [["2019-09-16"], ["2019-09-30"]], "budget_eur": [6_000_000, 7_500_000]})
    ]
    assert isinstance(history[0].changed_at, dt.datetime)
