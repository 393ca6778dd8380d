"""Eko sklad: javni pozivi (open calls, mostly until funds are spent) for firms and municipalities."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text


class EkoSkladSpider(FundingSpider):
    name = "eko_sklad"
    host = "www.ekosklad.si"
    allowed_domains = ["www.ekosklad.si"]
    start_paths = ("/gospodarstvo/pridobite-spodbudo/objava", "/obcine/pridobite-spodbudo/objava")
    id_prefix = "eko"

    def parse(self, response: Response) -> Iterator[Any]:
        cards = response.css('div[data-component="card-investment"]')
        if not cards:
            self.layout_unrecognised(response, 'div[data-component="card-investment"] cards')
            return
        for card in cards:
            yield response.follow(
                card.css("a.btn::attr(href)").get(),
                self.parse_call,
                cb_kwargs={
                    "title": card.css("p.card-title").xpath("string()").get("").strip(),
                    "published_on": parse_date(card.css(".description strong::text").get("")),
                    "withdrawn": self._parse_withdrawn(card),
                },
            )

    def parse_call(self, response: Response, **listing: Any) -> Iterator[dict[str, Any]]:
        body = response.css("div.poziv-vsebina")
        if not body:
            self.layout_unrecognised(response, "div.poziv-vsebina")
            return
        text = clean_text(body.css("h1, h2, h3, p, li").xpath("string()").getall())
        yield self.call(
            response,
            text=text,
            id=self.page_id(response.url),
            call_type="javni_poziv",
            publisher="Eko sklad, Slovenski okoljski javni sklad",
            **listing,
        )

    def _parse_withdrawn(self, card) -> bool | None:
        """The card's status reads "Poziv je umaknjen" when Eko sklad has withdrawn the call."""
        status = card.css("span.poziv-status::text").get("")
        return True if "umaknjen" in status.lower() else None
