"""Podjetniški portal (SPIRIT's aggregator): calls of funds, agencies, ministries and municipalities.

The list is per year, 20 entries a page (`/razpisi?year=YYYY&page=N`), `#newsList .news a` each
with its date (`p.date`) and title (`h3`); past the last page the server answers the last page
again, so a page that brings no new entry ends the year. The years come from the list's own
year selector, so the spider reads the newest year and the one before (in January most open
calls are last year's), whatever today's date. A call page (`.newsDetail`) gives labelled
paragraphs `<p><b>Rok:</b> …</p>` (Rok, Objavljeno, Razpisnik, Vrednost razpisa, Več …), read as
text (real_structure.md §10, from stored copies of the real pages).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text

YEARS = 2  # the newest year of the list and the one before
MAX_PAGES = 15  # a year has had about four pages; more means the paging misbehaves
LABEL = re.compile(r"^\s*([^:]{2,40}):\s*(.*)$", re.S)


class PodjetniskiPortalSpider(FundingSpider):
    name = "podjetniski_portal"
    host = "www.podjetniski-portal.si"
    allowed_domains = ["www.podjetniski-portal.si"]
    id_prefix = "pp"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request("/razpisi", self.parse_years)

    def parse_years(self, response: Response) -> Iterator[Any]:
        years = sorted(
            {int(y) for y in response.css("select.years option::attr(value)").re(r"^(\d{4})$")}, reverse=True
        )
        if not years:
            self.layout_unrecognised(response, "the year selector (select.years) of the list")
            return
        for year in years[:YEARS]:
            yield self._list_page(year, 1, seen=set())

    def _list_page(self, year: int, page: int, seen: set[str]):
        return self.request(
            f"/razpisi?year={year}&page={page}", self.parse, meta={"year": year, "page": page}, cb_kwargs={"seen": seen}
        )

    def parse(self, response: Response, seen: set[str]) -> Iterator[Any]:
        year, page = response.meta["year"], response.meta["page"]
        entries = response.css("#newsList .news a[href]")
        if not entries and page == 1:
            self.layout_unrecognised(response, "entries of #newsList .news")
            return
        new = 0
        for entry in entries:
            href = response.urljoin(entry.attrib["href"])
            if href in seen:
                continue
            seen.add(href)
            new += 1
            listing_entry = clean_text([" ".join(entry.xpath(".//text()").getall())])
            yield self.request(href, self.parse_call, meta={"listing_entry": listing_entry})
        if new and page < MAX_PAGES:
            yield self._list_page(year, page + 1, seen)

    def parse_call(self, response: Response) -> Iterator[dict[str, Any]]:
        body = response.css(".newsDetail")
        title = clean_text([response.css("h1.title").xpath("string()").get("")])
        if not body or not title:
            self.layout_unrecognised(response, ".newsDetail with an h1.title")
            return
        fields: dict[str, str] = {}
        lines = [title]
        for block in body[0].css("p, li"):
            if "date" in (block.attrib.get("class") or ""):
                continue
            line = " ".join(block.xpath("string()").get("").split())
            if not line or line == "Nazaj":
                continue
            label = " ".join(block.xpath("./b[1]").xpath("string()").get("").split()).rstrip(":")
            if label and block.xpath("./b[1]").xpath("string()").get("").strip().endswith(":"):
                fields[label] = " ".join(filter(None, [fields.get(label), line[len(label) + 1 :].strip()]))
            lines.append(line)
            if label == "Več":  # the publisher's own page of the call
                lines.extend(f"Izvirna objava: {href}" for href in block.css("a::attr(href)").getall()[:1])
        published = parse_date(clean_text([body.css("p.date").xpath("string()").get("")]))
        publisher = fields.get("Razpisnik") or fields.get("Objavljeno", "").split(",")[0].strip() or None
        yield self.call(
            response,
            text="\n".join(lines),
            id=self.page_id(response.url),
            title=title,
            publisher=publisher,
            published_on=published,
        )
