"""EU Funding & Tenders Portal: calls and topics of directly managed programmes (SEDIA search API).

As the portal's own page sends it (reference real_structure.md §9): a multipart POST whose parts
`query`, `languages` and `sort` are JSON blobs typed application/json; paging only in the URL.
Every metadata value is a list of strings, and `budgetOverview` is JSON inside that list. The
portal's status code lags the dates, so the state is read from the dates themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Response
from urllib3 import encode_multipart_formdata

from scrapers.spiders.base import FundingSpider, clean_text

PAGE_SIZE = 100
SEARCH_PATH = "/search-api/prod/rest/search?apiKey=SEDIA&text=***&pageSize={size}&pageNumber={page}"
TOPIC_URL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{}"
# Topics (1), call-level grants (2) and calls run by third parties (8); type 6 records are topic
# updates without status or deadline. Statuses: forthcoming and open.
CALL_TYPES = ("1", "2", "8")
QUERY = {"bool": {"must": [{"terms": {"type": list(CALL_TYPES)}}, {"terms": {"status": ["31094501", "31094502"]}}]}}
LANGUAGES = ["en"]  # without it every topic comes once per EU language
SORT = {"field": "sortStatus", "order": "ASC"}
PORTAL_STATUSES = {"31094501": "forthcoming", "31094502": "open", "31094503": "closed"}
BRUSSELS = ZoneInfo("Europe/Brussels")
CUT_OFF = dt.time(17, 0)  # a deadline given as a bare date closes at 17:00 Brussels time
# frameworkProgramme code -> (identifier prefix, programme, fund), from the portal's facet values.
PROGRAMMES = {
    "43108390": ("HORIZON", "Obzorje Evropa (Horizon Europe)", "HORIZON"),
    "31045243": ("H2020", "Obzorje 2020 (Horizon 2020)", "HORIZON"),
    "43152860": ("DIGITAL", "Digitalna Evropa (Digital Europe)", "OTHER_EU"),
    "43251567": ("CEF", "Instrument za povezovanje Evrope (CEF)", "OTHER_EU"),
    "43353764": ("ERASMUS", "Erasmus+", "OTHER_EU"),
    "43252405": ("LIFE", "Program LIFE", "LIFE"),
    "43252476": ("SMP", "Program za enotni trg (SMP)", "OTHER_EU"),
    "43251814": ("CREA", "Ustvarjalna Evropa (Creative Europe)", "OTHER_EU"),
    "43251589": ("CERV", "Državljani, enakost, pravice in vrednote (CERV)", "OTHER_EU"),
    "43332642": ("EU4H", "EU za zdravje (EU4Health)", "OTHER_EU"),
    "43089234": ("INNOVFUND", "Inovacijski sklad (Innovation Fund)", "OTHER_EU"),
    "44416173": ("I3", "Medregionalne naložbe v inovacije (I3)", "OTHER_EU"),
    "43254019": ("ESF", "Evropski socialni sklad plus (ESS+)", "ESF+"),
    "43392145": ("EMFAF", "Evropski sklad za pomorstvo, ribištvo in akvakulturo (ESPRA)", "EMFF"),
    "44773066": ("JTM", "Mehanizem za pravični prehod (JTM)", "OTHER_EU"),
    "44181033": ("EDF", "Evropski obrambni sklad (EDF)", "OTHER_EU"),
    "43298203": ("UCPM", "Mehanizem Unije na področju civilne zaščite (UCPM)", "OTHER_EU"),
    "43637601": ("PPPA", "Pilotni projekti in pripravljalni ukrepi (PPPA)", "OTHER_EU"),
    "43254037": ("ESC", "Evropska solidarnostna enota (ESC)", "OTHER_EU"),
}
BY_PREFIX = {prefix: (name, fund) for prefix, name, fund in PROGRAMMES.values()}


def first(metadata: dict[str, list[str]], key: str) -> str | None:
    """The first value of a metadata field (each is a list; a bare string is taken as it is)."""
    values = metadata.get(key) or []
    if isinstance(values, str):
        return values
    return values[0] if values else None


def portal_time(value: str, bare_date_time: dt.time) -> dt.datetime:
    """`2024-04-18T19:00:00.000+0200` or a bare `2024-04-18` (then at `bare_date_time`) in Brussels time."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.datetime.combine(dt.date.fromisoformat(value), bare_date_time, BRUSSELS)
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(BRUSSELS)


def search_body() -> tuple[bytes, str]:
    """The multipart form as the portal sends it: each part a JSON blob."""
    return encode_multipart_formdata(
        {
            name: ("blob", json.dumps(value), "application/json")
            for name, value in (("query", QUERY), ("languages", LANGUAGES), ("sort", SORT))
        }
    )


class EuFtPortalSpider(FundingSpider):
    name = "eu_ft_portal"
    host = "api.tech.ec.europa.eu"
    allowed_domains = ["api.tech.ec.europa.eu"]
    id_prefix = "ft"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self._search(1, frozenset())

    def _now(self) -> dt.datetime:
        """The moment the state is judged at; `FUNDSCOUT_NOW` (ISO) fixes it for tests and replays."""
        fixed = self.settings.get("FUNDSCOUT_NOW")
        if not fixed:
            return dt.datetime.now(BRUSSELS)
        now = dt.datetime.fromisoformat(fixed)
        return now if now.tzinfo else now.replace(tzinfo=BRUSSELS)

    def _search(self, page: int, seen: frozenset[str]) -> scrapy.Request:
        body, content_type = search_body()
        return self.request(
            SEARCH_PATH.format(size=PAGE_SIZE, page=page),
            method="POST",
            body=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
            dont_filter=True,
            cb_kwargs={"page": page, "seen": seen},
        )

    def parse(self, response: Response, page: int, seen: frozenset[str]) -> Iterator[Any]:
        try:
            data = json.loads(response.text)
            results, total = data["results"], int(data["totalResults"])
            records = [(r, r["metadata"]) for r in results]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            self.layout_unrecognised(response, "a SEDIA search response with results[].metadata and totalResults")
            return
        new = [(r, m) for r, m in records if first(m, "identifier") and first(m, "identifier") not in seen]
        for record, metadata in new:
            if first(metadata, "type") not in CALL_TYPES or record.get("language", "en") not in LANGUAGES:
                self.crawler.stats.inc_value("fundscout/eu_ft_portal/skipped_records")
                continue
            yield self._parse_record(response, metadata)
        seen = seen | {first(m, "identifier") or "" for _, m in new}
        # Past the last page the API repeats a page: stop at the total or when nothing new came back.
        if new and page * PAGE_SIZE < total:
            yield self._search(page + 1, seen)

    def _parse_record(self, response: Response, metadata: dict[str, list[str]]) -> dict[str, Any]:
        identifier = first(metadata, "identifier") or ""
        programme, fund = self._parse_programme(metadata, identifier)
        start = first(metadata, "startDate")
        opens = portal_time(start, dt.time(0, 0)) if start else None
        deadlines = sorted(portal_time(d, CUT_OFF) for d in metadata.get("deadlineDate", []))
        return self.call(
            response,
            url=TOPIC_URL.format(identifier),
            id=f"{self.id_prefix}-{identifier.lower()}",
            title=first(metadata, "title") or first(metadata, "callTitle"),
            publisher="Evropska komisija",
            call_type="other" if first(metadata, "type") == "8" else "javni_razpis",
            programme=programme,
            programme_period=self._parse_programme_period(metadata),
            eu_funded=True,
            funds=[fund],
            opens_on=opens.date() if opens else None,
            deadlines=sorted({d.date() for d in deadlines}),
            source_status=self._parse_status(metadata, opens, deadlines),
            budget_eur=self._parse_budget(metadata, identifier),
            summary=self._parse_summary(metadata),
            evidence={
                "deadlines": ", ".join(metadata.get("deadlineDate", [])),
                "opens_on": start or "",
                "programme": ", ".join(metadata.get("frameworkProgramme", [])),
            },
        )

    def _parse_programme(self, metadata: dict[str, list[str]], identifier: str) -> tuple[str, str]:
        """The programme's name from its code; else from the identifier's prefix (`LIFE-2026-…`)."""
        code = first(metadata, "frameworkProgramme") or ""
        if code in PROGRAMMES:
            _prefix, name, fund = PROGRAMMES[code]
            return name, fund
        prefix = identifier.split("-", 1)[0].upper()
        return BY_PREFIX.get(prefix, (prefix, "OTHER_EU"))

    def _parse_status(
        self, metadata: dict[str, list[str]], opens: dt.datetime | None, deadlines: list[dt.datetime]
    ) -> str | None:
        """forthcoming before the start, closed after the last cut-off, open between them."""
        now = self._now()
        if opens is None and not deadlines:
            return PORTAL_STATUSES.get(first(metadata, "status") or "")
        if opens is not None and now < opens:
            return "forthcoming"
        if deadlines and now > deadlines[-1]:
            return "closed"
        return "open"

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
                # "HORIZON-X-01-1 - HORIZON-RIA": the topic's id, then its type of action.
                name = str(action.get("action", ""))
                if name == identifier or name.startswith(identifier + " "):
                    total += sum(float(v) for v in action.get("budgetYearMap", {}).values())
        return total or None

    def _parse_summary(self, metadata: dict[str, list[str]]) -> str | None:
        html = first(metadata, "descriptionByte")
        if not html:
            return None
        text = clean_text(scrapy.Selector(text=html).xpath("//text()").getall()).replace("\n", " ")
        return text[:600] or None
