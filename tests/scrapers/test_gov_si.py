"""gov_si reads the real `type=2` list page by page (`start`) and each call's `article.tender-page`."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import crawl, fixture_page, fixture_site

from scrapers.sample_site import Page

LIST = "/zbirke/javne-objave/?status=*&titleref=&type=2&year=0&nrOfItems=100&start={}"


def items(outcome) -> dict[str, dict]:
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def test_pages_until_one_without_rows(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("gov_si") as (origins, handler):
        outcome = crawl("gov_si", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert [h for h in handler.hits if h.startswith("/zbirke/javne-objave/?")] == [
        LIST.format(s) for s in (0, 100, 200)
    ]
    calls = items(outcome)
    assert set(calls) == {
        "govsi-javni-razpis-pametna-razsvetljava-2026",
        "govsi-javni-razpis-vavcerji-kibernetska-varnost-2026",
        "govsi-javni-razpis-sofinanciranje-zdravstvenih-postaj-2026",  # on the second page
    }
    lights = calls["govsi-javni-razpis-pametna-razsvetljava-2026"]
    assert lights["title"] == "Javni razpis za sofinanciranje pametne javne razsvetljave v občinah 2026"
    assert lights["publisher"] == "Ministrstvo za okolje, podnebje in energijo"
    assert (lights["published_on"], lights["deadlines"]) == ("2026-10-02", ["2027-01-12"])
    assert lights["source_status"] == "open" and lights["budget_eur"] == 3_200_000
    assert lights["url"] == "https://www.gov.si/zbirke/javne-objave/javni-razpis-pametna-razsvetljava-2026/"
    assert "3.200.000,00 EUR" in lights["evidence"]["budget_eur"]
    assert "Šifra: 430-12/2026" in lights["text"]
    assert calls["govsi-javni-razpis-vavcerji-kibernetska-varnost-2026"]["source_status"] == "closed"  # "Zaključeno"


def test_a_first_page_without_the_table_is_a_layout_error(sqlite_url: str, tmp_path: Path) -> None:
    body = fixture_page("gov_si", LIST.format(0)).body.replace(b"tender-list-table", b"seznam-objav")
    with fixture_site("gov_si", pages={LIST.format(0): Page(body)}) as (origins, handler):
        outcome = crawl("gov_si", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
    assert LIST.format(100) not in handler.hits


def test_a_later_page_without_any_table_is_a_layout_error_not_the_end(sqlite_url: str, tmp_path: Path) -> None:
    """The list ends with a page whose table has no rows; a page with no table at all is a change."""
    maintenance = Page("<html><body><h1>Vzdrževanje</h1></body></html>".encode())
    with fixture_site("gov_si", pages={LIST.format(100): maintenance}) as (origins, _):
        outcome = crawl("gov_si", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
