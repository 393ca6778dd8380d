"""Each spider, crawled for real against its fixtures: item count, fields, and ids stable across runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from crawling import crawl, fixture_site, stored_calls
from sqlalchemy import select

from fundscout.db import session_scope, upgrade
from fundscout.db.models import CallHistory
from scrapers.runner import RunOutcome, spider_names


@dataclass
class Crawled:
    first: RunOutcome
    second: RunOutcome
    items: dict[str, dict[str, Any]]  # the first run's feed, by id
    calls: dict[str, dict[str, Any]]  # the store after both runs
    database_url: str


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Crawled]:
    """Every spider crawled twice against its fixtures, each into a store of its own."""
    out = {}
    for spider in EXPECTED_IDS:
        home = tmp_path_factory.mktemp(spider)
        url = f"sqlite:///{home / 'store.db'}"
        upgrade(url)
        with fixture_site(spider) as (origins, _handler):
            first = crawl(spider, url, home, origins)
            second = crawl(spider, url, home, origins)
        lines = (first.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
        items = {row["id"]: row for row in map(json.loads, lines)}
        out[spider] = Crawled(first, second, items, stored_calls(url), url)
    return out


EXPECTED_IDS = {
    "gov_si": {
        "govsi-javni-razpis-pametna-razsvetljava-2026",
        "govsi-javni-razpis-vavcerji-kibernetska-varnost-2026",
        "govsi-javni-razpis-sofinanciranje-zdravstvenih-postaj-2026",
    },
    "uradni_list": {"ul-2022-148-ob-3621-22", "ul-2018-042-ob-2450-18", "ul-2018-051-ob-2981-18"},
    "eko_sklad": {"eko-86fs-po26", "eko-77sub-obpr26"},
}


def test_every_spider_has_fixtures_and_expectations() -> None:
    """Each spider is tested here or in a test file of its own (test_<spider>.py)."""
    here = Path(__file__).parent
    assert all(name in EXPECTED_IDS or (here / f"test_{name}.py").is_file() for name in spider_names())
    assert all((here.parent / "fixtures" / name).is_dir() for name in spider_names())


@pytest.mark.parametrize("spider", sorted(EXPECTED_IDS))
def test_items_ids_and_loading(crawled: dict[str, Crawled], spider: str) -> None:
    result = crawled[spider]
    assert result.first.verdict == "loaded", result.first.reason
    assert set(result.items) == EXPECTED_IDS[spider]
    assert result.first.items == len(EXPECTED_IDS[spider])
    for item in result.items.values():
        assert item["source"] == spider
        assert item["url"].startswith("https://")  # the public page, never the loopback copy
        assert "127.0.0.1" not in json.dumps(item)
        assert item["title"]


@pytest.mark.parametrize("spider", sorted(EXPECTED_IDS))
def test_second_crawl_is_stable(crawled: dict[str, Crawled], spider: str) -> None:
    """Same pages, same ids, nothing new or changed: ids do not depend on ports, order or time."""
    second = crawled[spider].second
    assert second.verdict == "loaded"
    assert (second.created, second.changed) == (0, 0)


def test_gov_si_fields(crawled: dict[str, Crawled]) -> None:
    item = crawled["gov_si"].items["govsi-javni-razpis-pametna-razsvetljava-2026"]
    assert item["title"] == "Javni razpis za sofinanciranje pametne javne razsvetljave v občinah 2026"
    assert item["publisher"] == "Ministrstvo za okolje, podnebje in energijo"
    assert item["published_on"] == "2026-10-02"
    assert item["deadlines"] == ["2027-01-12"]
    assert item["budget_eur"] == 3_200_000
    assert item["url"] == "https://www.gov.si/zbirke/javne-objave/javni-razpis-pametna-razsvetljava-2026/"
    assert "3.200.000,00 EUR" in item["evidence"]["budget_eur"]


def test_uradni_list_notice_and_amendment(crawled: dict[str, Crawled]) -> None:
    result = crawled["uradni_list"]
    kranj = result.items["ul-2022-148-ob-3621-22"]
    assert kranj["notice_number"] == "Ob-3621/22" and kranj["gazette_issue"] == "148/2022"
    assert kranj["published_on"] == "2022-11-25"
    assert kranj["budget_eur"] == 45_000
    amendment = result.items["ul-2018-051-ob-2981-18"]
    assert amendment["call_type"] == "amendment" and amendment["amends"] == "Ob-2450/18"
    # The amendment updated the call it amends instead of standing as a call of its own.
    assert "ul-2018-051-ob-2981-18" not in result.calls
    original = result.calls["ul-2018-042-ob-2450-18"]
    assert original["deadlines"] == ["2018-09-28"] and original["call_type"] != "amendment"
    with session_scope(result.database_url) as session:
        history = session.scalars(select(CallHistory).where(CallHistory.call_id == "ul-2018-042-ob-2450-18")).all()
        assert [(h.kind, h.diff) for h in history] == [("amendment", {"deadlines": [["2018-08-31"], ["2018-09-28"]]})]


def test_eko_sklad_open_calls(crawled: dict[str, Crawled]) -> None:
    items = crawled["eko_sklad"].items
    assert {i["call_type"] for i in items.values()} == {"javni_poziv"}
    assert items["eko-86fs-po26"]["until_funds_spent"] is True
    assert items["eko-86fs-po26"]["published_on"] == "2026-03-06"
    assert items["eko-77sub-obpr26"]["withdrawn"] is True
    assert "withdrawn" not in items["eko-86fs-po26"]
    assert items["eko-77sub-obpr26"]["applicant_types"] == ["municipality"]
