"""eu_skladi crawled for real: the Plone news list, its paging, and the news items that are calls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from crawling import fixture_page
from spider_runs import Crawled, crawl_once, crawl_twice, feed

from scrapers.sample_site import Page


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice("eu_skladi", tmp_path_factory.mktemp("eu_skladi"))


def test_news_list_paging_and_calls_only(crawled: Crawled) -> None:
    assert crawled.first.verdict == "loaded", crawled.first.reason
    assert "/sl/aktualno/novice?b_start:int=3" in crawled.hits  # span.next a, an absolute link
    assert set(crawled.items) == {"euskladi-pametna-omrezja-2017", "euskladi-socialna-vkljucenost-romov-2016"}
    # News that is not a call is not even fetched.
    assert not any("odbor-za-spremljanje" in hit or "delavnica" in hit for hit in crawled.hits)
    assert not any("rezultati" in hit for hit in crawled.hits)  # results of a call name it, but are no call


def test_fields_of_a_call(crawled: Crawled) -> None:
    roma = crawled.items["euskladi-socialna-vkljucenost-romov-2016"]  # on the second list page
    assert roma["title"] == "Javni poziv za socialno vključenost Romov 2016–2019"
    assert roma["published_on"] == "2016-04-08"  # span.documentByLine "objavljeno 08.04.2016"
    assert roma["programme_period"] == "2014-2020" and roma["eu_funded"] is True
    assert roma["funds"] == ["ESF"] and roma["notice_number"] == "Ob-1190/16"
    assert roma["url"] == "https://www.eu-skladi.si/sl/aktualno/novice/socialna-vkljucenost-romov-2016"
    grids = crawled.items["euskladi-pametna-omrezja-2017"]
    assert grids["funds"] == ["CF"] and grids["deadlines"] == ["2017-09-29"]


def test_second_crawl_is_stable(crawled: Crawled) -> None:
    assert (crawled.second.verdict, crawled.second.created, crawled.second.changed) == ("loaded", 0, 0)


def test_a_news_page_without_its_text_block_fails_the_run(tmp_path: Path) -> None:
    page = Page(b"<html><body><h1 class='documentFirstHeading'>Stran ni na voljo</h1></body></html>")
    outcome = crawl_once("eu_skladi", tmp_path, pages={"/sl/aktualno/novice/pametna-omrezja-2017": page})
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1


def test_a_call_without_a_deadline_is_closed_after_its_period(tmp_path: Path) -> None:
    key = "/sl/aktualno/novice/pametna-omrezja-2017"
    page = fixture_page("eu_skladi", key).body.decode()
    undated = re.sub(r"<p>Rok za oddajo vlog[^<]*</p>", "<p>Vloge se oddajajo do porabe sredstev.</p>", page)
    outcome = crawl_once("eu_skladi", tmp_path, pages={key: Page(undated.encode())})
    item = feed(outcome)["euskladi-pametna-omrezja-2017"]
    assert "deadlines" not in item and item["source_status"] == "closed"  # 2014–2020 ended 31 Dec 2023
    assert "source_status" not in feed(outcome)["euskladi-socialna-vkljucenost-romov-2016"]  # it has a deadline
