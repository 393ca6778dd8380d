"""Eko sklad: javni pozivi (mostly open until the funds are spent) for firms and municipalities.

Since 1 March 2026 Eko sklad publishes its calls, their changes and closures only here, no longer
in Uradni list. The listing for firms is verified (real_structure.md §3, from a working client):
cards `div[data-component="card-investment"]` with the status in `span.tw-text-xs.tw-font-semibold`
("Poziv je odprt" / "Poziv je zaprt"), the title in `p.tw-mb-4.tw-font-semibold`, the date of
publication in the `<p><strong>` after the `<p>` that says "Datum objave" inside `.description`,
and the link in `a.btn`. The listing for municipalities is assumed to have the same path under
its section (UNVERIFIED): a 404 there is reported as such, not taken for an empty list. A closed
card is kept, as closed. The markup of a call page is unknown, so its text is read block by block.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from fundscout.status import source_status_of
from scrapers.spiders.base import FundingSpider, clean_text, page_text

PUBLISHER = "Eko sklad, Slovenski okoljski javni sklad"
# Path of each listing, and whether it is verified.
LISTINGS = {
    "/gospodarstvo/pridobite-spodbudo/objava": "firms (verified)",
    "/obcine/pridobite-spodbudo/objava": "municipalities (path unverified)",
}


class EkoSkladSpider(FundingSpider):
    name = "eko_sklad"
    host = "www.ekosklad.si"
    allowed_domains = ["www.ekosklad.si"]
    id_prefix = "eko"

    async def start(self) -> AsyncIterator[Any]:
        for path, audience in LISTINGS.items():
            yield self.request(path, self.parse, meta={"audience": audience, "handle_httpstatus_list": [404]})

    def parse(self, response: Response) -> Iterator[Any]:
        audience = response.meta.get("audience", "")
        if response.status == 404:
            self.layout_unrecognised(response, f"the Eko sklad listing for {audience}; the site answered 404")
            return
        cards = response.css('div[data-component="card-investment"]')
        if not cards:
            self.layout_unrecognised(response, 'div[data-component="card-investment"] cards')
            return
        for card in cards:
            label = clean_text([card.css("span.tw-text-xs.tw-font-semibold").xpath("string()").get("")])
            status = source_status_of(label)
            listing = {
                "title": clean_text([card.css("p.tw-mb-4.tw-font-semibold").xpath("string()").get("")]) or None,
                "published_on": published_on(card),
                "source_status": status if status != "withdrawn" else None,
                "withdrawn": True if status == "withdrawn" else None,
            }
            entry = clean_text([" ".join(card.xpath(".//text()").getall())])
            yield self.request(
                response.urljoin(card.css("a.btn::attr(href)").get("")),
                self.parse_call,
                cb_kwargs={"listing": listing},
                meta={"listing_entry": entry},
            )

    def parse_call(self, response: Response, listing: dict[str, Any]) -> Iterator[dict[str, Any]]:
        text = page_text(response)
        if len(text) < 200 or not listing["title"]:
            self.layout_unrecognised(response, "a call page with text")
            return
        yield self.call(
            response,
            text=text,
            id=self.page_id(response.url),
            call_type="javni_poziv",
            publisher=PUBLISHER,
            **listing,
        )


def published_on(card) -> str | None:
    """The date in the `<p><strong>` after the `<p>` saying "Datum objave" (`10. 06. 2026`)."""
    labels = card.css(".description p")
    for label, value in zip(labels, labels[1:], strict=False):
        if "datum objave" in label.xpath("string()").get("").lower():
            date = parse_date(clean_text([value.xpath("string()").get("")]))
            return date.isoformat() if date else None
    return None
