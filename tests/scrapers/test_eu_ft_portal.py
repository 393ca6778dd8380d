"""eu_ft_portal crawled for real against a SEDIA search API on loopback that answers in the real
shape (every metadata value a list, budgetOverview as JSON in a list, type 6 topic updates)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from crawling import FIXTURES, crawl
from spider_runs import REAL_PAGES, crawl_real, feed

from fundscout.db import upgrade
from scrapers.runner import RunOutcome
from scrapers.sample_site import SiteHandler, read_sites_dir, serve_sites

# On 11 June 2026 at 18:00 in Brussels: after the CEF topic's 17:00 cut-off of that day.
EVENING = "2026-06-11T18:00:00+02:00"


class RecordingHandler(SiteHandler):
    """Serves the fixtures and keeps every POST: (path, content type, body)."""

    posts: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.posts.append((self.path, self.headers.get("Content-Type", ""), body))
        del self.headers["Content-Length"]  # read here already
        self._respond(True)


@contextmanager
def portal(home: Path, now: str) -> Iterator[tuple[RunOutcome, list[tuple[str, str, bytes]]]]:
    url = f"sqlite:///{home / 'store.db'}"
    upgrade(url)
    handler = type("Recording", (RecordingHandler,), {"posts": []})
    with serve_sites(read_sites_dir(FIXTURES / "eu_ft_portal"), handler) as origins:
        yield crawl("eu_ft_portal", url, home, origins, FUNDSCOUT_NOW=now), handler.posts


@pytest.fixture(scope="module")
def evening(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunOutcome, dict[str, Any], list]:
    with portal(tmp_path_factory.mktemp("ft"), EVENING) as (outcome, posts):
        return outcome, feed(outcome), posts


def multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_content_type(),
            json.loads(part.get_payload(decode=True)),
        )
        for part in message.get_payload()
    }


def test_the_search_is_posted_as_the_portal_sends_it(evening) -> None:
    outcome, _, posts = evening
    assert outcome.verdict == "loaded", outcome.reason
    path, content_type, body = posts[0]
    assert content_type.startswith("multipart/form-data; boundary=")
    parts = multipart(content_type, body)
    assert set(parts) == {"query", "languages", "sort"}
    assert all(filename == "blob" and kind == "application/json" for filename, kind, _ in parts.values())
    assert parts["languages"][2] == ["en"]  # one language, or each topic comes once per language
    types = next(t["terms"]["type"] for t in parts["query"][2]["bool"]["must"] if "type" in t["terms"])
    assert types == ["1", "2", "8"]
    # Paging only in the URL: page 1, 2, then 3 repeats page 2 and the crawl stops.
    pages = [parse_qs(urlsplit(p).query) for p, _, _ in posts]
    assert [(q["pageNumber"], q["pageSize"]) for q in pages] == [(["1"], ["100"]), (["2"], ["100"]), (["3"], ["100"])]
    assert b"pageNumber" not in body


def test_a_real_shaped_record_gives_the_right_call(evening) -> None:
    _, items, _ = evening
    topic = items["ft-horizon-cl6-2026-governance-01-04"]
    assert topic["title"] == "Local food-system governance labs in small towns"
    assert topic["programme"] == "Obzorje Evropa (Horizon Europe)" and topic["funds"] == ["HORIZON"]
    assert topic["programme_period"] == "2021-2027"
    assert topic["deadlines"] == ["2026-09-17", "2027-02-18"]  # multi cut-off: both kept
    assert topic["opens_on"] == "2026-05-06" and topic["source_status"] == "open"
    # The overview lists both topics of the call: only this topic's action counts (4 + 3 million).
    assert topic["budget_eur"] == 7_000_000
    assert items["ft-horizon-cl6-2026-governance-01-05"]["budget_eur"] == 2_500_000
    assert topic["url"].endswith("/topic-details/HORIZON-CL6-2026-GOVERNANCE-01-04")
    assert topic["summary"] == "Labs bring farmers, shops and town councils together to plan local food supply."


def test_status_comes_from_the_dates_not_the_portal_code(evening) -> None:
    _, items, _ = evening
    # Both marked "open" (31094502) by the portal; one opens in July, one closed at 17:00 today.
    assert items["ft-horizon-cl6-2026-governance-01-05"]["source_status"] == "forthcoming"
    assert items["ft-cef-t-2026-simobgen-urban"]["source_status"] == "closed"
    # Marked "forthcoming" (31094501) but opened in April.
    assert items["ft-life-2026-cet-homereno"]["source_status"] == "open"


def test_a_bare_date_deadline_closes_at_five_in_brussels(tmp_path: Path) -> None:
    with portal(tmp_path, "2026-06-11T16:30:00+02:00") as (outcome, _):
        assert feed(outcome)["ft-cef-t-2026-simobgen-urban"]["source_status"] == "open"


def test_topic_updates_are_dropped_and_programmes_named(evening) -> None:
    outcome, items, _ = evening
    assert set(items) == {
        "ft-horizon-cl6-2026-governance-01-04",
        "ft-horizon-cl6-2026-governance-01-05",
        "ft-cef-t-2026-simobgen-urban",
        "ft-life-2026-cet-homereno",
    }  # the type 6 record is not a call
    assert items["ft-cef-t-2026-simobgen-urban"]["programme"] == "Instrument za povezovanje Evrope (CEF)"
    assert items["ft-cef-t-2026-simobgen-urban"]["call_type"] == "javni_razpis"
    # No programme code in the record: the identifier's prefix names it.
    assert items["ft-life-2026-cet-homereno"]["programme"] == "Program LIFE"
    assert items["ft-life-2026-cet-homereno"]["funds"] == ["LIFE"]


def test_the_real_saved_search_response_is_read(tmp_path: Path) -> None:
    outcome = crawl_real("eu_ft_portal", "api.tech.ec.europa.eu", tmp_path, FUNDSCOUT_NOW=EVENING)
    assert outcome.verdict == "loaded", outcome.reason
    saved = json.loads((REAL_PAGES / "eu_ft_portal" / "sedia_search_response.json").read_text(encoding="utf-8"))
    metadata = saved["results"][0]["metadata"]
    (item,) = feed(outcome).values()
    assert item["id"] == "ft-" + metadata["identifier"][0].lower()
    assert item["title"] == metadata["title"][0]
    assert item["programme"] == "Obzorje Evropa (Horizon Europe)"  # code 43108390
    assert item["deadlines"] == [metadata["deadlineDate"][0][:10]] and item["source_status"] == "closed"
    assert item["opens_on"] == metadata["startDate"][0][:10]
