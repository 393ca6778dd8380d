"""eu-skladi.si: the 2014–2020 cohesion portal (Plone); its news list announces the calls.

Structure from a working client (reference real_structure.md §7): the news list
`/sl/aktualno/novice?b_start:int=N` holds `article.entry` items with the title and absolute link
in `span.summary a` and the date in `span.documentByLine` ("objavljeno DD.MM.YYYY"); the next
page is `span.next a`; a news page's text is `div#parent-fieldname-text`. The list mixes news of
every kind, so only items whose title names a call are followed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text

# A call is named a "razpis" or "poziv" (javni razpis, javni poziv, razpisi, pozivom, …); news of
# a call's results or selection decisions names it too, but is no call.
CALL_WORDS = re.compile(r"\b(?:razpis|poziv)\w*", re.IGNORECASE)
RESULT_WORDS = re.compile(r"\brezultat\w*|\bodločit\w*|\bizbran\w*", re.IGNORECASE)
# Last day costs of a period are eligible (Regulation 1303/2013, art. 65(2); 1083/2006, art. 56(1)).
PERIOD_ENDS = {"2007-2013": dt.date(2015, 12, 31), "2014-2020": dt.date(2023, 12, 31)}
BYLINE_DATE = re.compile(r"^\s*objavljeno\s*(\d{2}\.\d{2}\.\d{4})\s*$", re.IGNORECASE)


class EuSkladiSpider(FundingSpider):
    name = "eu_skladi"
    host = "www.eu-skladi.si"
    allowed_domains = ["www.eu-skladi.si"]
    start_paths = ("/sl/aktualno/novice",)
    id_prefix = "euskladi"

    def parse(self, response: Response) -> Iterator[Any]:
        entries = response.css("article.entry")
        if not entries:
            self.layout_unrecognised(response, "article.entry news items")
            return
        for entry in entries:
            link = entry.css("span.summary a")
            title = clean_text([link.xpath("string()").get("")])
            if not link or not title:
                self.layout_unrecognised(response, "a span.summary a title link in each article.entry")
                continue
            if not CALL_WORDS.search(title) or RESULT_WORDS.search(title):
                continue  # news that is not a call
            byline = clean_text([entry.css("span.documentByLine").xpath("string()").get("")])
            yield self.request(
                link.attrib["href"],
                self.parse_call,
                base=response,
                meta={"listing_entry": f"{title} | {byline}"},
                cb_kwargs={"title": title, "published_on": self._parse_published_on(byline)},
            )
        next_page = response.css("span.next a::attr(href)").get()
        if next_page:
            yield self.request(next_page, self.parse, base=response)

    def parse_call(self, response: Response, title: str, published_on: Any) -> Iterator[dict[str, Any]]:
        body = response.css("div#parent-fieldname-text")
        if not body:
            self.layout_unrecognised(response, "div#parent-fieldname-text")
            return
        text = clean_text([title, *body.css("p, li, h2, h3, h4, td").xpath("string()").getall()])
        item = self.call(response, text=text, title=title, id=self.page_id(response.url), eu_funded=True)
        if published_on:
            item.setdefault("published_on", published_on)
        # Every call on this portal is cohesion money of 2014–2020 unless its text says otherwise.
        item.setdefault("programme_period", "2014-2020")
        # A call whose deadline the text does not tell cannot outlast its period's last eligible
        # day; without this it would count as open for ever.
        period_end = PERIOD_ENDS.get(item["programme_period"])
        if not item.get("deadlines") and period_end and dt.date.today() > period_end:
            item["source_status"] = "closed"
            item["evidence"]["source_status"] = f"no deadline; the {item['programme_period']} period ended {period_end}"
        yield item

    def _parse_published_on(self, byline: str) -> Any:
        match = BYLINE_DATE.match(byline)
        return parse_date(match.group(1)) if match else None
