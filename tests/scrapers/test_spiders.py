"""Each spider, crawled for real against its fixtures: item count, fields, and ids stable across runs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from crawling import crawl, fixture_site, stored_calls

from fundscout.db import upgrade
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
    "eu_skladi": {"euskladi-pametna-omrezja-2017", "euskladi-socialna-vkljucenost-romov-2016"},
    "evropska_sredstva": {"eusr-ucinkovita-raba-vode-v-industriji", "eusr-socialno-vkljucevanje-starejsih-2027"},
    "podjetniski_sklad": {"sps-39120", "sps-39241"},
    "spirit": {"spirit-4871", "spirit-4902"},
    "euro_access": {"euroaccess-2382"},
    "eu_ft_portal": {
        "ft-horizon-cl6-2026-governance-01-04",
        "ft-horizon-cl6-2026-governance-01-05",
        "ft-cef-t-2026-simobgen-urban",
    },
}


def test_every_spider_has_fixtures_and_tests() -> None:
    """Spiders not listed here are crawled by a test file of their own, tests/scrapers/test_<spider>.py."""
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


def test_eu_skladi_follows_plone_paging_and_marks_cohesion(crawled: dict[str, Crawled]) -> None:
    items = crawled["eu_skladi"].items
    roma = items["euskladi-socialna-vkljucenost-romov-2016"]  # on the second listing page
    assert roma["programme_period"] == "2014-2020" and roma["eu_funded"] is True
    assert roma["funds"] == ["ESF"]
    assert roma["published_on"] == "2016-04-08"
    assert items["euskladi-pametna-omrezja-2017"]["funds"] == ["CF"]


def test_evropska_sredstva_labelled_fields(crawled: dict[str, Crawled]) -> None:
    item = crawled["evropska_sredstva"].items["eusr-ucinkovita-raba-vode-v-industriji"]
    assert item["budget_eur"] == 7_300_000
    assert item["deadlines"] == ["2027-03-19"]
    assert item["published_on"] == "2026-11-13"
    assert item["programme"] == "Program evropske kohezijske politike 2021–2027 (ESRR)"
    assert item["url"] == "https://evropskasredstva.si/razpisi/ucinkovita-raba-vode-v-industriji/"
    forthcoming = crawled["evropska_sredstva"].items["eusr-socialno-vkljucevanje-starejsih-2027"]
    assert forthcoming["cohesion_regions"] == ["west"]


def test_podjetniski_sklad_rest_posts(crawled: dict[str, Crawled]) -> None:
    items = crawled["podjetniski_sklad"].items
    assert items["sps-39120"]["title"] == "P3 2026 – Spodbude za rast startupov"  # entity decoded
    assert items["sps-39120"]["budget_eur"] == 3_600_000
    assert items["sps-39120"]["url"] == "https://www.podjetniskisklad.si/p3-2026-spodbude-za-rast-startupov/"
    assert items["sps-39241"]["published_on"] == "2026-07-01"


def test_eu_ft_portal_api_quirks(crawled: dict[str, Crawled]) -> None:
    result = crawled["eu_ft_portal"]
    topic = result.items["ft-horizon-cl6-2026-governance-01-04"]
    # budgetOverview is JSON in a list, shared by two topics: only this topic's action counts.
    assert topic["budget_eur"] == 7_000_000
    assert topic["deadlines"] == ["2026-09-17", "2027-02-18"]
    assert topic["funds"] == ["HORIZON"] and topic["programme_period"] == "2021-2027"
    assert topic["url"].endswith("/topic-details/HORIZON-CL6-2026-GOVERNANCE-01-04")
    assert result.items["ft-cef-t-2026-simobgen-urban"].get("budget_eur") is None
    # totalResults promises 5 but page 3 repeats page 2: the spider stops there.
    assert result.first.summary["requests"] <= 4
    assert dt.date.fromisoformat(topic["published_on"]) == dt.date(2026, 5, 6)


def test_spirit_follows_calls_only(crawled: dict[str, Crawled]) -> None:
    items = crawled["spirit"].items
    assert "spirit-4880" not in items  # the annual report in the same list is not a call
    tourism = items["spirit-4871"]
    assert tourism["url"] == "https://www.spiritslovenia.si/razpisi/4871-inovativnost-turizem-2026"
    assert tourism["deadlines"] == ["2026-05-29"] and tourism["published_on"] == "2026-03-04"
    assert tourism["budget_eur"] == 1_750_000 and tourism["funds"] == ["ERDF"]
    assert crawled["spirit"].first.summary["requests"] == 4  # robots.txt, the list, two calls


def test_euro_access_keeps_calls_open_to_slovenia(crawled: dict[str, Crawled]) -> None:
    result = crawled["euro_access"]
    danube = result.items["euroaccess-2382"]  # the Baltic Sea call, closed to Slovenia, is left out
    assert danube["programme"] == "Interreg Danube Region 2021-2027" and danube["funds"] == ["INTERREG"]
    assert danube["programme_period"] == "2021-2027" and danube["eu_funded"] is True
    assert danube["deadlines"] == ["2026-04-30"] and danube["budget_eur"] == 28_500_000
    assert danube["url"] == "https://www.euro-access.eu/en/calls/2382/Danube-Region-Programme-Third-Call"
    assert result.first.summary["requests"] == 4  # robots.txt, the listing, both calls
