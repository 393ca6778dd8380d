"""EuroAccess: one table of calls from many Interreg and other European programmes.

The listing names the programme, the call and its deadline; a call's page holds its key data as
title/value rows and a description in English. Only calls open to applicants from Slovenia are
kept. Selectors from the reference notes (sources.md §7.3); check the site's terms before use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.amounts import parse_amount
from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text


class EuroAccessSpider(FundingSpider):
    name = "euro_access"
    host = "www.euro-access.eu"
    allowed_domains = ["www.euro-access.eu"]
    start_paths = ("/en/calls",)
    id_prefix = "euroaccess"

    def parse(self, response: Response) -> Iterator[Any]:
        rows = response.css("#calls-overview tbody tr")
        if not rows:
            self.layout_unrecognised(response, "a #calls-overview table of calls")
            return
        for row in rows:
            link = row.css("td a[title]")
            yield response.follow(
                link.attrib["href"],
                self.parse_call,
                cb_kwargs={
                    "title": link.attrib["title"].strip(),
                    "programme": row.css("td.title").xpath("string()").get("").strip() or None,
                },
            )

    def parse_call(self, response: Response, title: str, programme: str | None) -> Iterator[dict[str, Any]]:
        data = self._key_data(response)
        if not data:
            self.layout_unrecognised(response, "#calldata key data rows")
            return
        if "slovenia" not in data.get("Eligible countries", "").lower():
            return
        description = response.css("#calldata .description").css("p, li").xpath("string()").getall()
        text = clean_text([*(f"{k}: {v}" for k, v in data.items()), *description])
        yield self.call(
            response,
            text=text,
            id=self.page_id_from_number(response),
            title=title,
            programme=programme,
            publisher=data.get("Managing authority"),
            eu_funded=True,
            programme_period=self._parse_programme_period(programme or ""),
            funds=["INTERREG"] if "interreg" in (programme or "").lower() else None,
            deadlines=self._parse_deadlines(data),
            budget_eur=parse_amount(data.get("Budget", "")),
            evidence={"deadlines": data.get("Deadline", ""), "budget_eur": data.get("Budget", "")},
        )

    def page_id_from_number(self, response: Response) -> str:
        """`/en/calls/2382/Danube-Region-…` -> `euroaccess-2382`: the site's own call number."""
        return f"{self.id_prefix}-{response.url.split('/calls/', 1)[1].split('/', 1)[0]}"

    def _key_data(self, response: Response) -> dict[str, str]:
        rows = response.css("#calldata .subtable .tr")
        return {
            r.css(".title").xpath("string()").get("").strip().rstrip(":"): clean_text(
                [r.css(".td").xpath("string()").get("")]
            )
            for r in rows
        }

    def _parse_programme_period(self, programme: str) -> str | None:
        """Programme names carry their period: `Interreg Central Europe 2021-2027`."""
        return next((p for p in ("2021-2027", "2014-2020") if p in programme.replace("–", "-")), None)

    def _parse_deadlines(self, data: dict[str, str]) -> list:
        deadline = parse_date(data.get("Deadline", ""))
        return [deadline] if deadline else []
