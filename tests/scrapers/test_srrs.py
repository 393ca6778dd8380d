"""srrs reads SRRS's open calls from the real table markup; tooltips never enter the dates."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import crawl, fixture_page, fixture_site

from scrapers.sample_site import Page

LIST = "/javni-razpisi/?_sft_status-razpisa=odprto"


def items(outcome) -> dict[str, dict]:
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def test_rows_of_every_table_are_open_calls(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("srrs") as (origins, handler):
        outcome = crawl("srrs", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert handler.hits == ["/robots.txt", LIST]  # one page: the row carries the record
    calls = items(outcome)
    assert set(calls) == {
        "srrs-regionalne-spodbude-za-podjetja-2026",
        "srrs-spodbude-za-razvoj-podezelja-2026",
        "srrs-garancije-za-bancne-kredite-2026",  # in the second table
    }
    loans = calls["srrs-regionalne-spodbude-za-podjetja-2026"]
    assert loans["url"] == "https://www.srrs.si/javni-razpisi/regionalne-spodbude-za-podjetja-2026/"
    assert loans["publisher"] == "Slovenski regionalno razvojni sklad" and loans["source_status"] == "open"
    # Two windows: each one's end is a deadline, the first one's start the opening day.
    assert loans["deadlines"] == ["2026-03-31", "2026-09-30"] and loans["opens_on"] == "2026-01-15"
    assert "budget_eur" not in loans  # 50.000 – 1.500.000 is per applicant, not the call's budget
    assert "Min in max sredstev (v €): 50.000 – 1.500.000" in loans["text"]
    assert "Št. javnega razpisa: PRG 2026" in loans["text"] and "Vrsta: Posojila" in loans["text"]
    assert "Rok za oddajo vloge v tem obdobju" not in loans["text"]  # the tooltip
    assert calls["srrs-garancije-za-bancne-kredite-2026"]["text"].count("Vrsta: Garancije") == 1


def test_a_page_without_the_table_is_a_layout_error(sqlite_url: str, tmp_path: Path) -> None:
    body = fixture_page("srrs", LIST).body.replace(b"javni-razpisi-collapsible", b"razpisi-seznam")
    with fixture_site("srrs", pages={LIST: Page(body)}) as (origins, _):
        outcome = crawl("srrs", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
