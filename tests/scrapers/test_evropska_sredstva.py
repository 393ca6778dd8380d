"""evropska_sredstva crawled for real: calls read by their status word and label texts, whatever the markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from spider_runs import Crawled, crawl_once, crawl_twice

from scrapers.sample_site import Page


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice("evropska_sredstva", tmp_path_factory.mktemp("evropska_sredstva"))


def test_both_lists_are_read(crawled: Crawled) -> None:
    assert crawled.first.verdict == "loaded", crawled.first.reason
    assert {"/razpisi/aktualen", "/razpisi/napovedan"} <= set(crawled.hits)
    assert set(crawled.items) == {
        "eusr-ucinkovita-raba-vode-v-industriji",
        "eusr-skupnostne-soncne-elektrarne-2026",
        "eusr-javni-razpis-za-socialno-vkljucevanje-starejsih-v-lokalnih-skupnostih-2027",
        "eusr-javni-razpis-za-zeleno-preobrazbo-turisticnih-destinacij-2027",
    }


def test_labelled_facts(crawled: Crawled) -> None:
    item = crawled.items["eusr-ucinkovita-raba-vode-v-industriji"]
    assert item["title"] == "Javni razpis za učinkovito rabo vode v industriji"
    assert item["publisher"] == "Ministrstvo za naravne vire in prostor"
    assert item["programme"] == "Program evropske kohezijske politike 2021–2027 (ESRR)"
    assert item["budget_eur"] == 7_300_000  # Razpisana vrednost, not Prispevek EU
    assert item["deadlines"] == ["2027-03-19"] and item["published_on"] == "2026-11-13"
    assert item["source_status"] == "open" and item["funds"] == ["ERDF"]
    assert item["url"] == "https://evropskasredstva.si/razpisi/ucinkovita-raba-vode-v-industriji/"
    assert "Izvozi" not in item["text"] and "Več" not in item["text"]  # buttons are not facts


def test_status_words_decide_the_state(crawled: Crawled) -> None:
    closed = crawled.items["eusr-skupnostne-soncne-elektrarne-2026"]
    assert closed["source_status"] == "closed" and closed["deadlines"] == ["2026-06-15", "2026-09-15"]
    announced = crawled.items["eusr-javni-razpis-za-socialno-vkljucevanje-starejsih-v-lokalnih-skupnostih-2027"]
    assert announced["source_status"] == "forthcoming" and announced["opens_on"] == "2027-02-12"


def test_other_markup_and_links_shown_as_text(crawled: Crawled) -> None:
    """The announced list uses other tags (dl, p with inline labels, status and title in one line)."""
    announced = crawled.items["eusr-javni-razpis-za-socialno-vkljucevanje-starejsih-v-lokalnih-skupnostih-2027"]
    assert announced["url"] == "https://www.gov.si/zbirke/javne-objave/socialno-vkljucevanje-starejsih-2027/"
    assert announced["cohesion_regions"] == ["west"] and announced["budget_eur"] == 4_000_000
    inline = crawled.items["eusr-javni-razpis-za-zeleno-preobrazbo-turisticnih-destinacij-2027"]
    assert inline["title"] == "Javni razpis za zeleno preobrazbo turističnih destinacij 2027"
    assert inline["publisher"] == "Ministrstvo za gospodarstvo, turizem in šport"
    assert inline["deadlines"] == ["2027-06-30"] and "summary" not in inline  # "Namen tega …" is no label
    assert "vse novice" not in inline["text"]  # the footer is not part of the last call


def test_second_crawl_is_stable(crawled: Crawled) -> None:
    assert (crawled.second.verdict, crawled.second.created, crawled.second.changed) == ("loaded", 0, 0)


def test_a_list_without_calls_fails_the_run(tmp_path: Path) -> None:
    redesigned = "<html><body><main><h1>Aktualen</h1><p>Seznam se nalaga …</p></main></body></html>"
    outcome = crawl_once("evropska_sredstva", tmp_path, pages={"/razpisi/aktualen": Page(redesigned.encode())})
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
