"""spirit crawled for real: the active-call list of the agency's API, then each call's snippets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spider_runs import Crawled, crawl_once, crawl_twice, feed

from scrapers.sample_site import Page

QUERY = "sortBy=PUBLISH_DATE&sort=DESC&queryString=&status=ACTIVE&validity=ACTIVE&queryFullContent=true&language=SL"
FIRST_PAGE = f"/api/v1/backend/tender/paginatedlist?limit=100&offset=0&{QUERY}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice("spirit", tmp_path_factory.mktemp("spirit"))


def test_only_calls_are_kept(crawled: Crawled) -> None:
    assert crawled.first.verdict == "loaded", crawled.first.reason
    assert crawled.hits[1] == FIRST_PAGE  # active and valid only, filtered by the server
    assert "/api/v1/backend/tender/get?id=4880" not in crawled.hits  # the annual report: not a call
    assert len(crawled.items) == 3 and crawled.first.summary["requests"] == 4  # robots, list, two calls


def test_a_call_with_its_body(crawled: Crawled) -> None:
    tourism = crawled.items["spirit-2026-03-04-javni-razpis-za-spodbujanje-inovativnosti-v-turizmu-2026"]
    assert tourism["url"] == (
        "https://www.spiritslovenia.si/razpisi/2026-03-04-Javni-razpis-za-spodbujanje-inovativnosti-v-turizmu-2026"
    )
    assert tourism["title"] == "Javni razpis za spodbujanje inovativnosti v turizmu 2026"
    assert tourism["deadlines"] == ["2026-05-29"] and tourism["published_on"] == "2026-03-04"  # Ljubljana days
    assert tourism["budget_eur"] == 1_750_000 and tourism["funds"] == ["ERDF"]  # from the snippets
    assert tourism["source_status"] == "open"


def test_external_url_and_every_cut_off(crawled: Crawled) -> None:
    vouchers = crawled.items["spirit-2026-04-08-javni-razpis-za-vavcerje-za-digitalni-marketing-2026"]
    assert vouchers["url"] == "https://www.podjetniskisklad.si/v2-2026-vavcerji-digitalni-marketing/"
    # The deadline text names both cut-offs; validTo only the last one.
    assert vouchers["deadlines"] == ["2026-06-20", "2026-10-20"]


def test_an_item_without_id_is_read_from_the_list(crawled: Crawled) -> None:
    fair = crawled.items["spirit-2026-04-01-javni-poziv-za-sodelovanje-na-skupni-stojnici-na-sejmu-lesa"]
    assert fair["deadlines"] == ["2026-06-15"] and fair["call_type"] == "javni_poziv"


def test_second_crawl_is_stable(crawled: Crawled) -> None:
    assert (crawled.second.verdict, crawled.second.created, crawled.second.changed) == ("loaded", 0, 0)


def test_a_full_page_asks_for_the_next_and_inactive_items_are_left_out(tmp_path: Path) -> None:
    def item(n: int, validity: str = "ACTIVE") -> dict:
        return {
            "id": None,
            "title": f"Javni poziv št. {n} za sejemske nastope",
            "link": f"2026-05-01-Javni-poziv-{n}",
            "status": "ACTIVE",
            "validity": validity,
            "validTo": "2026-09-30T10:00:00Z",
            "publishDate": "2026-05-01T08:00:00Z",
        }

    full = [item(n) for n in range(99)] + [item(99, validity="ARCHIVED")]
    second = f"/api/v1/backend/tender/paginatedlist?limit=100&offset=100&{QUERY}"
    pages = {
        FIRST_PAGE: Page(json.dumps({"data": {"items": full}}).encode(), "application/json"),
        second: Page(json.dumps({"data": {"items": [item(100)]}}).encode(), "application/json"),
    }
    outcome = crawl_once("spirit", tmp_path, pages=pages)
    assert outcome.verdict == "loaded", outcome.reason
    ids = set(feed(outcome))
    assert len(ids) == 100 and "spirit-2026-05-01-javni-poziv-100" in ids
    assert "spirit-2026-05-01-javni-poziv-99" not in ids  # archived


def test_an_answer_of_another_shape_fails_the_run(tmp_path: Path) -> None:
    pages = {FIRST_PAGE: Page(b'{"data": [{"id": 1, "title": "Javni razpis"}]}', "application/json")}
    outcome = crawl_once("spirit", tmp_path, pages=pages)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
