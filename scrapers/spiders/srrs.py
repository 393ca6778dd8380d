"""Slovenski regionalno razvojni sklad (SRRS): its open calls, from one server-rendered table.

The list `/javni-razpisi/?_sft_status-razpisa=odprto` is filtered server-side (FacetWP) to open
calls, grouped in tables `table.javni-razpisi-collapsible` under a heading per kind of aid; each
row is one call with its number (`td.javni-razpis-number`), the least and most an applicant may
get (`td.min-in-max-sredstev`) and its windows (`td.javni-razpisi-roki`, whose `.tooltiptext`
hints are not part of the dates), as a working client reads it (real_structure.md §10). The
call's own page is not read: the row carries what the record needs, and its markup is unknown.
SRRS's amendments appear only in Uradni list (spider `uradni_list`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import find_dates
from scrapers.spiders.base import FundingSpider, clean_text

PUBLISHER = "Slovenski regionalno razvojni sklad"
# Text of an element outside the tooltips the site puts inside the cells.
OUTSIDE_TOOLTIPS = ".//text()[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' tooltiptext ')])]"


class SrrsSpider(FundingSpider):
    name = "srrs"
    host = "www.srrs.si"
    allowed_domains = ["www.srrs.si"]
    id_prefix = "srrs"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request("/javni-razpisi/?_sft_status-razpisa=odprto", self.parse)

    def parse(self, response: Response) -> Iterator[Any]:
        rows = response.css("table.javni-razpisi-collapsible tbody tr")
        if not rows:
            self.layout_unrecognised(response, "rows of table.javni-razpisi-collapsible")
            return
        for row in rows:
            link = row.css("td:first-child a")
            title = clean_text([link.xpath("string()").get("")])
            href = link.attrib.get("href")
            if not title or not href:
                self.layout_unrecognised(response, "a row whose first cell links the call")
                continue
            yield self._call(response, row, title, response.urljoin(href))

    def _call(self, response: Response, row, title: str, url: str) -> dict[str, Any]:
        cells = [text_of(td) for td in row.css("td")]
        labels = [text_of(th) for th in row.xpath("ancestor::table[1]/thead//th")]
        labelled = [f"{label}: {value}" if label else value for label, value in zip(labels + [""] * len(cells), cells)]
        number = text_of(row.css("td.javni-razpis-number"))
        windows = [text_of(li) for li in row.css("td.javni-razpisi-roki li")] or [
            text_of(row.css("td.javni-razpisi-roki"))
        ]
        # "09.07.2026-31.12.2027": a window's last date is its deadline, the earliest first date its opening.
        dated = [found for found in (find_dates(w) for w in windows) if found]
        kind = text_of(row.xpath("ancestor::table[1]/preceding::h2[1]"))
        text = "\n".join(
            line
            for line in [
                title,
                f"Javni razpis št. {number}" if number else "",
                f"Vrsta: {kind}" if kind else "",
                *(line for line in labelled[1:] if not line.endswith(": ")),
            ]
            if line
        )
        item = self.call(
            response,
            url=url,
            text=text,
            id=self.page_id(url),
            title=title,
            publisher=PUBLISHER,
            source_status="open",  # the list is filtered to open calls by the site itself
            deadlines=sorted({found[-1].value for found in dated}),
            opens_on=min((found[0].value for found in dated if len(found) > 1), default=None),
        )
        # The row's amounts are what one applicant may get, never the call's budget.
        item.pop("budget_eur", None)
        item["evidence"].pop("budget_eur", None)
        return item


def text_of(selection) -> str:
    """An element's text on one line, its tooltips left out."""
    return " ".join(" ".join(selection.xpath(OUTSIDE_TOOLTIPS).getall()).split())
