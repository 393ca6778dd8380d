"""ZRSZ / ess.gov.si: the Employment Service's incentives for employers, from the JSON its site loads.

`https://www.ess.gov.si/?id=351&type=871` answers `{"list": [...]}`, one entry per incentive with
`nazivSpodbude` (title), `kratekOpisSpodbude` (a short description, HTML), `linkElement` (its
page), `zacetek` / `zakljucek` (first and last day), `visinaSpodbude` (what one employer may get),
`pristojnaInstitucija` (the body in charge, a short code) and `uid` (real_structure.md §10, from a
working client). The format of the dates is not known: ISO and Slovenian forms are both read.
The list holds only the incentives on offer, so one without `zakljucek` is kept as open.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from parsel import Selector
from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text, slug

INSTITUTIONS = {
    "ZRSZ": "Zavod Republike Slovenije za zaposlovanje",
    "FURS": "Finančna uprava Republike Slovenije",
    "ZPIZ": "Zavod za pokojninsko in invalidsko zavarovanje Slovenije",
}


class EssSpider(FundingSpider):
    name = "ess"
    host = "www.ess.gov.si"
    allowed_domains = ["www.ess.gov.si"]
    id_prefix = "ess"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request("/?id=351&type=871", self.parse)

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        try:
            entries = json.loads(response.text)["list"]
        except (ValueError, KeyError, TypeError, AttributeError):
            entries = None
        if not isinstance(entries, list) or not entries:
            self.layout_unrecognised(response, 'a JSON object {"list": [...]} with incentives')
            return
        for entry in entries:
            title = clean_text([str(entry.get("nazivSpodbude") or "")])
            uid = str(entry.get("uid") or "").strip()
            if not title or not uid:
                self.layout_unrecognised(response, "an incentive with nazivSpodbude and uid")
                continue
            yield self._call(response, entry, title, uid)

    def _call(self, response: Response, entry: dict[str, Any], title: str, uid: str) -> dict[str, Any]:
        summary = clean_text(
            Selector(text=f"<div>{entry.get('kratekOpisSpodbude') or ''}</div>").xpath("//text()").getall()
        )
        amount = entry.get("visinaSpodbude")
        institution = str(entry.get("pristojnaInstitucija") or "ZRSZ").strip()
        text = "\n".join(
            filter(None, [title, summary, f"Višina spodbude: {amount} EUR na zaposlitev" if amount else ""])
        )
        start, end = parse_date(str(entry.get("zacetek") or "")), parse_date(str(entry.get("zakljucek") or ""))
        item = self.call(
            response,
            url=response.urljoin(str(entry.get("linkElement") or f"/?uid={uid}")),
            text=text,
            id=f"{self.id_prefix}-{slug(uid)}",
            title=title,
            publisher=INSTITUTIONS.get(institution, institution),
            opens_on=start,
            deadlines=[end] if end else [],
            # the list holds the incentives on offer now, so one without a last day is open by
            # the source's own statement (with a last day, the deadline decides)
            source_status=None if end else "open",
            call_type="javni_poziv",
        )
        item.pop("budget_eur", None)  # the amount is per employer, not the programme's budget
        item["evidence"].pop("budget_eur", None)
        return item
