"""euro_access crawled for real: the Slovenia-filtered listing, then each call page's key-data rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from crawling import fixture_page
from parsel import Selector
from spider_runs import REAL_PAGES, Crawled, crawl_once, crawl_real, crawl_twice, feed

from scrapers.sample_site import Page

LISTING = "/en/calls?eu_nuts[]=1507&sent=search"
DANUBE = "/en/calls/2382/Danube-Region-Programme-Third-Call"
EU_WIDE = "/en/calls/2401/Digital-skills-for-local-administrations-2026"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice("euro_access", tmp_path_factory.mktemp("euro_access"))


def test_listing_to_call_page_gives_the_call(crawled: Crawled) -> None:
    assert crawled.first.verdict == "loaded", crawled.first.reason
    assert crawled.hits[1] == LISTING  # the listing filtered to Slovenia (eu_nuts[]=1507)
    danube = crawled.items["euroaccess-2382"]
    assert danube["title"] == "Third call for proposals – resilient river communities"  # #calldata h1
    assert danube["programme"] == "Interreg Danube Region 2021-2027"  # the Funding Program row
    assert danube["funds"] == ["INTERREG"] and danube["programme_period"] == "2021-2027"
    # The deadline paragraph holds two cut-offs; the opening paragraph the opening day.
    assert danube["deadlines"] == ["2026-04-30", "2026-10-29"] and danube["opens_on"] == "2026-02-02"
    assert danube["cofinancing_rate"] == 80
    assert danube["applicant_types"] == ["municipality", "research_org", "ngo"]
    assert danube["summary"].startswith("Transnational projects strengthen")
    assert danube["url"] == "https://www.euro-access.eu" + DANUBE
    # Slovenian eligibility: the regions row names Slovenia, and it is kept in the call's text.
    assert "Regions / countries for funding: " in danube["text"] and "Slovenia (Slovenija)" in danube["text"]
    assert "read more" not in danube["text"]  # the button under the objectives is not text
    assert danube["text"].count("Funding Program") == 1  # the commented-out legacy table is not read
    assert "Link to the call: https://www.interreg-danube.eu/calls/third-call" in danube["text"]


def test_an_eu_wide_call_counts_as_open_to_slovenia(crawled: Crawled) -> None:
    call = crawled.items["euroaccess-2401"]
    assert "EU Member States, Overseas Countries and Territories (OCT)" in call["text"]
    assert "Slovenia" not in call["text"]  # never named, yet kept
    assert call["programme"] == "Digital Europe Programme (DIGITAL)" and call["funds"] == ["OTHER_EU"]


def test_a_call_closed_to_slovenia_is_read_and_left_out(crawled: Crawled) -> None:
    assert "/en/calls/2390/Baltic-Sea-Small-Projects" in crawled.hits
    assert set(crawled.items) == {"euroaccess-2382", "euroaccess-2401"}
    assert crawled.first.summary["items"] == 2


def test_second_crawl_is_stable(crawled: Crawled) -> None:
    assert crawled.second.verdict == "loaded"
    assert (crawled.second.created, crawled.second.changed) == (0, 0)


def test_without_a_deadline_row_the_listing_deadline_cell_counts(tmp_path: Path) -> None:
    """The third cell of a row is the deadline (the fourth only holds an arrow link)."""
    page = fixture_page("euro_access", EU_WIDE).body.decode()
    without = re.sub(r'<div class="tr flex deadline">.*?</div>', "", page, count=1, flags=re.S)
    outcome = crawl_once("euro_access", tmp_path, pages={EU_WIDE: Page(without.encode())})
    assert outcome.verdict == "loaded", outcome.reason
    item = feed(outcome)["euroaccess-2401"]
    assert item["deadlines"] == ["2026-09-22"] and "opens_on" not in item


@pytest.mark.parametrize(
    "body",
    [
        "<html><body><h1>Wartungsarbeiten</h1><p>Bitte versuchen Sie es später.</p></body></html>",
        '<html><body><div id="calldata"><div class="subtable"><h1>X</h1>'
        '<div class="tr flex"><p class="title td">Förderprogramm</p><p class="td">Y</p></div></div></div></body></html>',
    ],
    ids=["no-calldata", "no-known-label"],
)
def test_a_call_page_of_another_layout_fails_the_run(tmp_path: Path, body: str) -> None:
    outcome = crawl_once("euro_access", tmp_path, pages={DANUBE: Page(body.encode())})
    assert outcome.verdict == "failed"
    assert outcome.summary["layout_errors"] == 1 and "1 pages not recognised" in outcome.reason


def test_the_real_saved_pages_are_read(tmp_path: Path) -> None:
    """The real EuroAccess listing and call page (reference real_pages, served as the site answers)."""
    outcome = crawl_real("euro_access", "www.euro-access.eu", tmp_path)
    assert outcome.verdict == "loaded", outcome.reason
    listing = Selector(text=(REAL_PAGES / "euro_access" / "SearchForFunding.html").read_text(encoding="utf-8"))
    rows = listing.css("table#calls-overview tbody tr")
    items = feed(outcome)
    # real_site.py answers every call address with the one saved call page (call 135).
    assert len(items) == len(rows)
    call = items["euroaccess-135"]
    page = Selector(text=(REAL_PAGES / "euro_access" / "ErasmusCharterForHigherEducation.html").read_text("utf-8"))
    assert call["title"] == page.css("#calldata h1::text").get().strip()
    assert call["programme"] == rows[0].css("td.title::text").get().strip()
    deadline = page.css('p[id^="call-deadline"]::text').getall()[-1].strip()  # "DD.MM.YYYY HH:MM"
    day, month, year = deadline.split()[0].split(".")
    assert call["deadlines"] == [f"{year}-{month}-{day}"]
    assert call["opens_on"] and call["summary"]
    assert "EU Member States" in call["text"]  # the EU-wide regions row: kept as open to Slovenia
    assert call["text"].count("Regions / countries for funding") == 1  # not again from the legacy table
