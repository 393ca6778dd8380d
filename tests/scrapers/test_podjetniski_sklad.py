"""podjetniski_sklad crawled for real: statuses from the AJAX listing, calls from the REST posts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from crawling import fixture_page
from spider_runs import Crawled, crawl_once, crawl_twice, feed

from scrapers.sample_site import Page

AJAX = "/wp-admin/admin-ajax.php"
POSTS = "/wp-json/wp/v2/posts?categories=83&per_page={}&page={}&_fields=id,date,modified,link,title,content"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice("podjetniski_sklad", tmp_path_factory.mktemp("podjetniski_sklad"))


def test_open_and_announced_calls_only(crawled: Crawled) -> None:
    assert crawled.first.verdict == "loaded", crawled.first.reason
    assert crawled.hits[1:3] == [AJAX, POSTS.format(50, 1)]  # statuses first
    assert set(crawled.items) == {"sps-39120", "sps-39241"}  # sps-38800 is "zaprto" in the listing
    assert crawled.items["sps-39120"]["source_status"] == "open"
    assert crawled.items["sps-39241"]["source_status"] == "forthcoming"  # "načrtovano"


def test_sections_of_a_post(crawled: Crawled) -> None:
    startups = crawled.items["sps-39120"]
    assert startups["title"] == "P3 2026 – Spodbude za rast startupov"  # entity decoded
    assert startups["budget_eur"] == 3_600_000  # the "Razpisana sredstva" section
    assert startups["published_on"] == "2026-06-05"  # "Objava razpisa", not the post's date
    assert startups["deadlines"] == ["2026-09-30"] and startups["funds"] == ["ERDF"]
    assert startups["summary"] == "Spodbuditi rast startupov, ki širijo prodajo na tuje trge."
    assert startups["url"] == "https://www.podjetniskisklad.si/p3-2026-spodbude-za-rast-startupov/"
    loans = crawled.items["sps-39241"]
    assert loans["published_on"] == "2026-07-01"  # no "Objava razpisa": the post's date
    assert loans["until_funds_spent"] is True and loans["deadlines"] == ["2026-12-31"]


def test_second_crawl_is_stable(crawled: Crawled) -> None:
    assert (crawled.second.verdict, crawled.second.created, crawled.second.changed) == ("loaded", 0, 0)


def test_rest_paging_follows_the_total_pages_header(tmp_path: Path) -> None:
    first = fixture_page("podjetniski_sklad", POSTS.format(50, 1))
    extra = [
        {
            "id": 39500,
            "date": "2026-08-03T09:00:00",
            "modified": "2026-08-03T09:00:00",
            "link": "https://www.podjetniskisklad.si/sk100-2026-garancije/",
            "title": {"rendered": "SK100 2026 | Garancije za naložbe"},
            "content": {
                "rendered": "<p><strong>Razpisana sredstva</strong><br>Skupna višina garancij znaša 20.000.000,00 EUR.</p>"
                "<p><strong>Razpisani roki:</strong> Vloge se oddajajo do 30. 11. 2026.</p>"
            },
        }
    ]
    listing = json.loads(fixture_page("podjetniski_sklad", AJAX).body)
    card = (
        '<li class="post-card"><a href="https://www.podjetniskisklad.si/sk100-2026-garancije/">'
        '<h3 class="fusion-title-heading">SK100 2026</h3></a>'
        '<span class="sps-status"><span class="sps-status__text">odprto</span></span></li>'
    )
    listing["data"]["html"] = listing["data"]["html"].replace("</ul>", card + "</ul>")
    pages = {
        AJAX: Page(json.dumps(listing).encode(), "application/json"),
        POSTS.format(50, 1): Page(first.body, first.content_type, headers=(("X-WP-TotalPages", "2"),)),
        POSTS.format(50, 2): Page(json.dumps(extra).encode(), "application/json", headers=(("X-WP-TotalPages", "2"),)),
    }
    outcome = crawl_once("podjetniski_sklad", tmp_path, pages=pages)
    assert outcome.verdict == "loaded", outcome.reason
    items = feed(outcome)
    assert set(items) == {"sps-39120", "sps-39241", "sps-39500"}
    # Labels in <strong> before a <br> or a colon open their sections too.
    assert items["sps-39500"]["budget_eur"] == 20_000_000 and items["sps-39500"]["deadlines"] == ["2026-11-30"]


def test_a_post_the_listing_does_not_show_is_skipped(tmp_path: Path) -> None:
    listing = json.loads(fixture_page("podjetniski_sklad", AJAX).body)
    listing["data"]["html"] = re.sub(
        r'<li class="post-card">.*?p3-2026.*?</li>', "", listing["data"]["html"], flags=re.S
    )
    outcome = crawl_once("podjetniski_sklad", tmp_path, pages={AJAX: Page(json.dumps(listing).encode())})
    assert set(feed(outcome)) == {"sps-39241"}
    assert outcome.summary["stats"]["fundscout/podjetniski_sklad/skipped_not_listed"] == 1


def test_a_listing_of_another_shape_fails_the_run(tmp_path: Path) -> None:
    pages = {AJAX: Page(b"0", "text/html")}  # WordPress's answer to an unknown action
    outcome = crawl_once("podjetniski_sklad", tmp_path, pages=pages)
    assert outcome.verdict == "failed" and outcome.summary["layout_errors"] == 1
