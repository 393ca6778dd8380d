"""Uradni list RS, Razglasni del – Javni razpisi: the legal record of every call, and its amendments.

The listing links each notice's page (`/glasilo-uradni-list-rs/vsebina/{YYYY}{issue:04}{item:05}/…`);
a notice page is free text, read by the extractor. An amendment ("Sprememba") names the notice it
amends by its number, which links it to the call. The live listing URL is not verified
(reference sources.md §1.1); the notice pages and their id scheme are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from scrapers.spiders.base import FundingSpider, clean_text

NOTICE_NUMBER = re.compile(r"\bOb-(\d{1,5})/(\d{2})\b")
AMENDMENT_HEADING = re.compile(r"^\s*Sprememb[ae]\b", re.MULTILINE)


class UradniListSpider(FundingSpider):
    name = "uradni_list"
    host = "www.uradni-list.si"
    allowed_domains = ["www.uradni-list.si"]
    start_paths = ("/glasilo-uradni-list-rs/razglasni-del/javni-razpisi/",)
    id_prefix = "ul"

    def parse(self, response: Response) -> Iterator[Any]:
        links = response.css("ul.objave li a.objava::attr(href)").getall()
        if not links:
            self.layout_unrecognised(response, "a list of notices (ul.objave)")
            return
        yield from response.follow_all(links, self.parse_notice)
        next_page = response.css("a.naslednja::attr(href)").get()
        if next_page:
            yield response.follow(next_page, self.parse)

    def parse_notice(self, response: Response) -> Iterator[dict[str, Any]]:
        text = clean_text(response.css("div.besedilo").css("p, h1, h2, h3, li").xpath("string()").getall())
        own_number = NOTICE_NUMBER.search(text)
        if not text or own_number is None:
            self.layout_unrecognised(response, "a notice text with an Ob-NNNN/YY number")
            return
        item = self.call(response, text=text)
        item["id"] = self._parse_id(item, own_number)
        if AMENDMENT_HEADING.search(text):
            item["call_type"] = "amendment"
            item["amends"] = self._parse_amends(text, own_number.group(0))
        yield item

    def _parse_id(self, item: dict[str, Any], number: re.Match[str]) -> str:
        """`ul-2019-069-ob-3445-19`: year and issue of the gazette, then the notice number."""
        issue, _, year = (item.get("gazette_issue") or "0/20" + number.group(2)).partition("/")
        return f"{self.id_prefix}-{year}-{int(issue):03d}-ob-{number.group(1)}-{number.group(2)}"

    def _parse_amends(self, text: str, own_number: str) -> str | None:
        """The notice number the amendment cites (its own number is in its header)."""
        cited = [m.group(0) for m in NOTICE_NUMBER.finditer(text) if m.group(0) != own_number]
        return cited[0] if cited else None
