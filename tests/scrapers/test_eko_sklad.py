"""eko_sklad reads the real card markup of both listings; a closed call is kept, as closed."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import crawl, fixture_site

from scrapers.sample_site import Page

MUNICIPALITIES = "/obcine/pridobite-spodbudo/objava"


def items(outcome) -> dict[str, dict]:
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def test_cards_of_firms_and_municipalities(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("eko_sklad") as (origins, _):
        outcome = crawl("eko_sklad", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    calls = items(outcome)
    assert set(calls) == {"eko-86fs-po26", "eko-71fs-po25", "eko-77sub-obpr26"}
    solar = calls["eko-86fs-po26"]
    assert solar["title"] == "86FS-PO26 Krediti za sončne elektrarne podjetij"
    assert solar["published_on"] == "2026-03-06"  # "06. 03. 2026" in the <p><strong> after "Datum objave"
    assert solar["source_status"] == "open" and solar["until_funds_spent"] is True
    assert solar["deadlines"] == ["2027-11-30"] and solar["call_type"] == "javni_poziv"
    assert solar["url"] == "https://www.ekosklad.si/gospodarstvo/pridobite-spodbudo/javni-poziv/86FS-PO26"
    closed = calls["eko-71fs-po25"]  # "Poziv je zaprt": recorded, as closed, not as open
    assert closed["source_status"] == "closed" and "withdrawn" not in closed
    assert calls["eko-77sub-obpr26"]["applicant_types"] == ["municipality"]


def test_a_missing_municipal_listing_is_a_loud_specific_error(sqlite_url: str, tmp_path: Path) -> None:
    """That listing's path is not verified: a 404 there fails the run and names the listing."""
    with fixture_site("eko_sklad", pages={MUNICIPALITIES: Page(b"<h1>Stran ne obstaja</h1>", status=404)}) as (
        origins,
        _,
    ):
        outcome = crawl("eko_sklad", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
    log = (outcome.run_dir / "crawl.log").read_text(encoding="utf-8")
    assert "the Eko sklad listing for municipalities (path unverified); the site answered 404" in log
