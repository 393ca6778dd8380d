"""gov.si "Javne objave": the ministries' javni razpisi, one server-rendered table, a page per call.

The list is the collection's `type=2` (javni razpisi) view with every status, paged by
`nrOfItems`/`start`; the spider asks for the next page until one comes without rows (the way a
working client reads it, real_structure.md §2). Each row's cells (`td.td-id`, `td.td-title a`,
`td.td-publisher`, `td.td-published-date`, `td.td-due-date`, `td.td-status .label`) hold their
value in a `div.cell`; the call page's body is `article.tender-page`. The status the site shows
("V teku", "Zaključeno") is kept as `source_status`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from fundscout.status import source_status_of
from scrapers.spiders.base import FundingSpider, clean_text

PAGE_SIZE = 100
LIST_PATH = "/zbirke/javne-objave/?status=*&titleref=&type=2&year=0&nrOfItems={size}&start={start}"


class GovSiSpider(FundingSpider):
    name = "gov_si"
    host = "www.gov.si"
    allowed_domains = ["www.gov.si"]
    id_prefix = "govsi"

    async def start(self) -> AsyncIterator[Any]:
        yield self._list_page(0)

    def _list_page(self, start: int):
        return self.request(LIST_PATH.format(size=PAGE_SIZE, start=start), self.parse, meta={"start": start})

    def parse(self, response: Response) -> Iterator[Any]:
        start = response.meta.get("start", 0)
        rows = response.css("table.list-table.tender-list-table tbody tr")
        if not rows:
            if start == 0 or not response.css("table.tender-list-table"):
                self.layout_unrecognised(response, "rows of a table.list-table.tender-list-table")
            return  # past the last page
        for row in rows:
            href = row.css("td.td-title a::attr(href)").get()
            listing = {
                "title": cell(row, "td.td-title a"),
                "publisher": cell(row, "td.td-publisher div.cell"),
                "published_on": parse_date(cell(row, "td.td-published-date div.cell") or ""),
                "deadlines": [d for d in [parse_date(cell(row, "td.td-due-date div.cell") or "")] if d],
                "source_status": source_status_of(cell(row, "td.td-status .label")),
            }
            entry = clean_text([" ".join(row.css("td").xpath("string()").getall())])
            yield self.request(
                response.urljoin(href or ""),
                self.parse_call,
                cb_kwargs={"listing": listing, "code": cell(row, "td.td-id div.cell")},
                meta={"listing_entry": entry},
            )
        yield self._list_page(start + PAGE_SIZE)

    def parse_call(self, response: Response, listing: dict[str, Any], code: str | None) -> Iterator[dict[str, Any]]:
        article = response.css("article.tender-page")
        if not article:
            self.layout_unrecognised(response, "an article.tender-page")
            return
        text = clean_text(article.css("h1, h2, h3, p, li, dt, dd, td").xpath("string()").getall())
        if code and code not in text:
            text = f"Šifra: {code}\n{text}"
        yield self.call(response, text=text, id=self.page_id(response.url), **listing)


def cell(row, selector: str) -> str | None:
    """The folded text of a row's cell, or None when the row has none."""
    return clean_text([row.css(selector).xpath("string()").get("")]) or None
