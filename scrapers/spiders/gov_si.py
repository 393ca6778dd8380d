"""gov.si "Javne objave": the ministries' calls, in one server-rendered table with a page per call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text


class GovSiSpider(FundingSpider):
    name = "gov_si"
    host = "www.gov.si"
    allowed_domains = ["www.gov.si"]
    start_paths = ("/zbirke/javne-objave/?type=javni-razpisi&status=ongoing",)
    id_prefix = "govsi"

    def parse(self, response: Response) -> Iterator[Any]:
        rows = response.css("table.tender-list-table > tbody > tr")
        if not rows:
            self.layout_unrecognised(response, "a table.tender-list-table of calls")
            return
        for row in rows:
            listing = {
                "title": self._parse_title(row),
                "publisher": self._parse_publisher(row),
                "published_on": self._parse_published_on(row),
                "deadlines": self._parse_deadlines(row),
            }
            yield response.follow(
                row.css("td.td-title a::attr(href)").get(), self.parse_call, cb_kwargs={"listing": listing}
            )
        next_page = response.css("a.pagination-next::attr(href)").get()
        if next_page:
            yield response.follow(next_page, self.parse)

    def parse_call(self, response: Response, listing: dict[str, Any]) -> Iterator[dict[str, Any]]:
        article = response.css("article.tender-page")
        if not article:
            self.layout_unrecognised(response, "an article.tender-page")
            return
        text = clean_text(article.css("h1, h2, h3, p, li, dt, dd, td").xpath("string()").getall())
        yield self.call(response, text=text, id=self.page_id(response.url), **listing)

    def _parse_title(self, row) -> str | None:
        return row.css("td.td-title a").xpath("string()").get("").strip() or None

    def _parse_publisher(self, row) -> str | None:
        return row.css("td.td-publisher div.cell").xpath("string()").get("").strip() or None

    def _parse_published_on(self, row):
        return parse_date(row.css("td.td-published-date div.cell").xpath("string()").get(""))

    def _parse_deadlines(self, row) -> list:
        deadline = parse_date(row.css("td.td-due-date div.cell").xpath("string()").get(""))
        return [deadline] if deadline else []
