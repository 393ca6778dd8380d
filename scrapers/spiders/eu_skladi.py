"""eu-skladi.si: the legacy 2014–2020 cohesion portal (Plone), "Javni razpisi in pozivi"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text


class EuSkladiSpider(FundingSpider):
    name = "eu_skladi"
    host = "www.eu-skladi.si"
    allowed_domains = ["www.eu-skladi.si"]
    start_paths = ("/sl/aktualno/javni-razpisi-in-pozivi",)
    id_prefix = "euskladi"

    def parse(self, response: Response) -> Iterator[Any]:
        entries = response.css("article.entry")
        if not entries:
            self.layout_unrecognised(response, "article.entry blocks")
            return
        for entry in entries:
            yield response.follow(
                entry.css("span.summary a::attr(href)").get(),
                self.parse_call,
                cb_kwargs={"published_on": self._parse_published_on(entry)},
            )
        next_page = response.css("span.next a::attr(href)").get()
        if next_page:
            yield response.follow(next_page, self.parse)

    def parse_call(self, response: Response, published_on: Any) -> Iterator[dict[str, Any]]:
        body = response.css("div#parent-fieldname-text")
        title = response.css("h1.documentFirstHeading").xpath("string()").get("").strip()
        if not body or not title:
            self.layout_unrecognised(response, "h1.documentFirstHeading and div#parent-fieldname-text")
            return
        text = clean_text([title, *body.css("p, li, h2, h3, td").xpath("string()").getall()])
        item = self.call(
            response,
            text=text,
            title=title,
            id=self.page_id(response.url),
            eu_funded=True,
            programme_period=self._parse_programme_period(response),
        )
        item.setdefault("published_on", published_on)
        yield item

    def _parse_published_on(self, entry) -> Any:
        return parse_date(entry.css("span.documentByLine").xpath("string()").get("").replace("objavljeno", ""))

    def _parse_programme_period(self, response: Response) -> str:
        """Every call on this portal is EU cohesion money: 2014–2020, older ones under /kohezija-do-2013/."""
        return "2007-2013" if "/kohezija-do-2013/" in response.url else "2014-2020"
