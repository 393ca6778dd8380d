"""The public call finder over HTTP: filters, default order, the call page, downloads."""

from __future__ import annotations

import io

import pandas as pd
from fastapi.testclient import TestClient
from lxml import html

from tests.finder.seed import CALLS, DEADLINE_SNIPPET, HOSTILE_TITLE


def _ids(client: TestClient, **params: str) -> list[str]:
    response = client.get("/calls", params=params)
    assert response.status_code == 200
    return [row.get("data-call-id") for row in html.fromstring(response.text).cssselect("tr.call-row")]


def test_default_lists_open_and_forthcoming_calls_by_deadline(client: TestClient) -> None:
    assert _ids(client) == ["hostile", "mob-open", "health-open", "energy-forth"]


def test_each_filter_narrows_the_list(client: TestClient) -> None:
    assert _ids(client, status="closed") == ["old-closed"]
    assert _ids(client, status="forthcoming") == ["energy-forth"]
    assert set(_ids(client, status="all")) == set(CALLS)
    assert _ids(client, domain="health") == ["health-open"]
    assert _ids(client, applicant_type="ngo") == ["health-open"]
    assert _ids(client, period="2014-2020", status="all") == ["old-closed"]
    assert _ids(client, fund="ERDF") == ["mob-open"]
    assert _ids(client, source="uradni_list") == ["mob-open"]  # a second source of the call
    assert _ids(client, region="east") == ["hostile", "health-open", "energy-forth"]  # no limit = both
    assert _ids(client, text="ZDRAVSTVU") == ["health-open"]
    assert _ids(client, text="prenovo stavb") == ["energy-forth"]
    deadline = CALLS["mob-open"]["deadlines"][0]
    assert _ids(client, deadline_from=deadline, deadline_to=deadline) == ["mob-open"]


def test_other_orders_and_bad_values(client: TestClient) -> None:
    assert _ids(client, sort="newest")[-1] in ("mob-open", "hostile")
    response = client.get("/calls", params={"status": "nonsense", "deadline_from": "1. 12. 2026"})
    assert response.status_code == 200
    assert "status, deadline_from" in response.text  # named, ignored, and the list still shows


def test_call_page_has_facts_with_evidence_history_sources_domains(client: TestClient) -> None:
    response = client.get("/calls/mob-open")
    assert response.status_code == 200
    page = html.fromstring(response.text)
    assert page.cssselect("h1")[0].text_content() == CALLS["mob-open"]["title"]
    assert DEADLINE_SNIPPET in page.cssselect("table.facts")[0].text_content()
    assert "1.500.000 EUR" in response.text
    history = page.cssselect("tr.history-row")[0].text_content()
    assert "sprememba razpisa" in history and "1.000.000 EUR" in history
    sources = page.cssselect("ul.sources")[0].text_content()
    assert "uradni_list" in sources and "evropska_sredstva" in sources
    assert "urbana mobilnost" in page.cssselect("table.domains")[0].text_content()
    assert page.cssselect('p.cta a[href$="/firms/signup"]')


def test_scraped_text_is_escaped_and_english_on_request(client: TestClient) -> None:
    response = client.get("/calls/hostile", params={"lang": "en"})
    assert "<script>alert(1)</script>" not in response.text
    assert html.fromstring(response.text).cssselect("h1")[0].text_content() == HOSTILE_TITLE
    assert "Facts of the call" in response.text
    assert client.get("/calls/none-such").status_code == 404


def test_downloads_hold_the_filtered_list(client: TestClient) -> None:
    response = client.get("/export/calls.csv", params={"domain": "urban_mobility"})
    assert response.headers["content-type"].startswith("text/csv")
    assert list(pd.read_csv(io.BytesIO(response.content))["id"]) == ["mob-open"]
    response = client.get("/export/calls.xlsx", params={"status": "all"})
    frame = pd.read_excel(io.BytesIO(response.content))
    assert set(frame["id"]) == set(CALLS) and HOSTILE_TITLE in set(frame["title"])
    assert client.get("/export/calls.pdf").status_code == 404
