"""ess reads ZRSZ's incentives for employers from the JSON list of ess.gov.si."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import crawl, fixture_site

from scrapers.sample_site import Page

LIST = "/?id=351&type=871"


def items(outcome) -> dict[str, dict]:
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def test_each_incentive_of_the_list(sqlite_url: str, tmp_path: Path) -> None:
    with fixture_site("ess") as (origins, handler):
        outcome = crawl("ess", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "loaded", outcome.reason
    assert handler.hits == ["/robots.txt", LIST]
    calls = items(outcome)
    assert set(calls) == {"ess-1481", "ess-1502", "ess-1377"}
    hire = calls["ess-1481"]
    assert hire["title"] == "Zaposli.me 2026" and hire["publisher"] == "Zavod Republike Slovenije za zaposlovanje"
    assert (hire["opens_on"], hire["deadlines"]) == ("2026-02-01", ["2026-12-31"])
    assert hire["url"] == "https://www.ess.gov.si/delodajalci/financne-spodbude/zaposli-me-2026"
    assert "zaposlitev brezposelnih" in hire["text"] and "<strong>" not in hire["text"]
    assert "budget_eur" not in hire  # 5000 EUR is per employment, not the programme's budget
    training = calls["ess-1502"]  # a relative link, a Slovenian date, no last day
    assert (
        training["url"] == "https://www.ess.gov.si/delodajalci/financne-spodbude/usposabljanje-na-delovnem-mestu-2026"
    )
    assert training["opens_on"] == "2026-01-15" and "deadlines" not in training
    assert training["source_status"] == "open"  # on the list of incentives offered, with no last day
    assert "source_status" not in hire  # its last day decides
    assert calls["ess-1377"]["publisher"] == "Finančna uprava Republike Slovenije"


def test_an_answer_that_is_not_the_list_is_a_layout_error(sqlite_url: str, tmp_path: Path) -> None:
    html = Page(b"<html><body>Vzdrzevanje</body></html>")
    with fixture_site("ess", pages={LIST: html}) as (origins, _):
        outcome = crawl("ess", sqlite_url, tmp_path, origins)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
