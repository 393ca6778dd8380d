"""podjetniski_portal reads the yearly lists (20 a page) and each call's labelled paragraphs."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import crawl, fixture_page, fixture_site

from scrapers.sample_site import Page


def items(outcome) -> dict[str, dict]:
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def test_newest_two_years_page_by_page_until_nothing_new(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("podjetniski_portal") as (origins, handler):
        outcome = crawl("podjetniski_portal", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    lists = [h for h in handler.hits if h.startswith("/razpisi?")]
    # Page 3 of 2026 repeats page 2 (the server's answer past the end): nothing new, the year ends.
    assert sorted(lists) == sorted(
        ["/razpisi?year=2026&page=1", "/razpisi?year=2026&page=2", "/razpisi?year=2026&page=3"]
        + ["/razpisi?year=2025&page=1", "/razpisi?year=2025&page=2"]
    )
    assert not any("year=2024" in h for h in handler.hits)  # only the newest year and the one before
    calls = items(outcome)
    assert len(calls) == 4
    mezica = calls["pp-javni-razpis-za-spodbujanje-podjetnistva-v-obcini-mezica-2026-2026-03-02"]
    assert mezica["title"] == "Javni razpis za spodbujanje podjetništva v Občini Mežica 2026"
    assert mezica["publisher"] == "Občina Mežica"  # Razpisnik
    assert mezica["published_on"] == "2026-03-02" and mezica["deadlines"] == ["2026-05-15"]  # "do 15. maja 2026"
    assert mezica["budget_eur"] == 35_000
    assert "Izvirna objava: https://www.mezica.si/razpisi/podjetnistvo-2026" in mezica["text"]
    assert "Nazaj" not in mezica["text"].splitlines()
    voucher = calls["pp-javni-poziv-za-vavcerje-za-digitalni-marketing-2026-02-16"]
    assert voucher["publisher"] == "Slovenski podjetniški sklad"  # no Razpisnik: the first part of Objavljeno
    assert voucher["until_funds_spent"] is True and voucher["deadlines"] == ["2026-10-30"]


def test_a_list_without_the_year_selector_is_a_layout_error(sqlite_url: str, tmp_path: Path) -> None:
    body = fixture_page("podjetniski_portal", "/razpisi").body.replace(b'class="years"', b'class="leta"')
    with fixture_site("podjetniski_portal", pages={"/razpisi": Page(body)}) as (origins, _):
        outcome = crawl("podjetniski_portal", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
