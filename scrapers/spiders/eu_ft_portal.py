"""EU Funding & Tenders Portal: calls and topics of directly managed programmes (SEDIA search API).

The API wants a multipart POST whose parts are typed application/json; every metadata value is
a list of strings, and `budgetOverview` is JSON inside that list (reference sources.md §4).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from urllib3 import encode_multipart_formdata

from scrapers.spiders.base import FundingSpider, clean_text

SEARCH_PATH = "/search-api/prod/rest/search?apiKey=SEDIA&text=***&pageSize=50&pageNumber={page}"
TOPIC_URL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{}"
# Topics (1) and call-level grants (2) are calls for proposals; 8 are calls run by third parties.
QUERY = {"bool": {"must": [{"terms": {"type": ["1", "2", "8"]}}, {"terms": {"status": ["31094501", "31094502"]}}]}}
PROGRAMMES = {  # frameworkProgramme code -> (programme, fund)
    "43108390": ("Obzorje Evropa (Horizon Europe)", "HORIZON"),
    "43252405": ("Program LIFE", "LIFE"),
    "43152860": ("Digitalna Evropa (Digital Europe)", "OTHER_EU"),
    "43251567": ("Instrument za povezovanje Evrope (CEF)", "OTHER_EU"),
    "43252476": ("Program za enotni trg (SMP)", "OTHER_EU"),
    "43332642": ("EU4Health", "OTHER_EU"),
}


def first(metadata: dict[str, list[str]], key: str) -> str | None:
    values = metadata.get(key) or []
    return values[0] if values else None


class EuFtPortalSpider(FundingSpider):
    name = "eu_ft_portal"
    host = "api.tech.ec.europa.eu"
    allowed_domains = ["api.tech.ec.europa.eu"]
    id_prefix = "ft"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self._search(1, frozenset())

    def _search(self, page: int, seen: frozenset[str]) -> scrapy.Request:
        body, content_type = encode_multipart_formdata(
            {
                "query": (None, json.dumps(QUERY), "application/json"),
                "languages": (None, json.dumps(["en"]), "application/json"),
                "sort": (None, json.dumps({"field": "sortStatus", "order": "ASC"}), "application/json"),
            }
        )
        return self.request(
            SEARCH_PATH.format(page=page),
            method="POST",
            body=body,
            headers={"Content-Type": content_type},
            dont_filter=True,
            cb_kwargs={"page": page, "seen": seen},
        )

    def parse(self, response: Response, page: int, seen: frozenset[str]) -> Iterator[Any]:
        try:
            data = json.loads(response.text)
            results, total = data["results"], int(data["totalResults"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            self.layout_unrecognised(response, "a SEDIA search response with results and totalResults")
            return
        new = [r for r in results if first(r.get("metadata", {}), "identifier") not in seen]
        for record in new:
            yield self._parse_record(response, record["metadata"])
        seen = seen | {first(r["metadata"], "identifier") for r in new}
        # Past the last page the API repeats a page: stop when nothing new came back.
        if new and len(seen) < total:
            yield self._search(page + 1, seen)

    def _parse_record(self, response: Response, metadata: dict[str, list[str]]) -> dict[str, Any]:
        identifier = first(metadata, "identifier") or ""
        programme, fund = PROGRAMMES.get(first(metadata, "frameworkProgramme") or "", (None, "OTHER_EU"))
        return self.call(
            response,
            url=TOPIC_URL.format(identifier),
            id=f"{self.id_prefix}-{identifier.lower()}",
            title=first(metadata, "title") or first(metadata, "callTitle"),
            publisher="Evropska komisija",
            call_type=self._parse_call_type(metadata),
            programme=programme,
            programme_period=self._parse_programme_period(metadata),
            eu_funded=True,
            funds=[fund],
            published_on=self._date(first(metadata, "startDate")),
            deadlines=sorted({self._date(d) for d in metadata.get("deadlineDate", [])} - {None}),
            budget_eur=self._parse_budget(metadata, identifier),
            summary=self._parse_summary(metadata),
            evidence={"deadlines": ", ".join(metadata.get("deadlineDate", []))},
        )

    def _parse_call_type(self, metadata: dict[str, list[str]]) -> str:
        return "other" if first(metadata, "type") == "8" else "javni_razpis"

    def _parse_programme_period(self, metadata: dict[str, list[str]]) -> str | None:
        period = (first(metadata, "programmePeriod") or "").replace(" ", "")
        return period if period in ("2014-2020", "2021-2027") else None

    def _parse_budget(self, metadata: dict[str, list[str]], identifier: str) -> float | None:
        """Sum the yearly budgets of this topic's actions; one overview may list several topics."""
        try:
            overview = json.loads(first(metadata, "budgetOverview") or "{}")
        except json.JSONDecodeError:
            return None
        total = 0.0
        for actions in overview.get("budgetTopicActionMap", {}).values():
            for action in actions:
                if str(action.get("action", "")).startswith(identifier):
                    total += sum(float(v) for v in action.get("budgetYearMap", {}).values())
        return total or None

    def _parse_summary(self, metadata: dict[str, list[str]]) -> str | None:
        html = first(metadata, "descriptionByte")
        if not html:
            return None
        text = clean_text(scrapy.Selector(text=html).xpath("//text()").getall()).replace("\n", " ")
        return text[:600] or None

    def _date(self, value: str | None) -> dt.date | None:
        """`2023-12-07T01:00:00.000+0100` -> the date in the portal's own (Brussels) time."""
        if not value:
            return None
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").date()
