"""SPIRIT Slovenija: calls from the agency's JSON API behind its single-page site.

The list holds calls and other notices mixed; only titles that name a call are followed. A
call's text is spread over the HTML snippets of its detail record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector
from scrapy.http import Response

from scrapers.spiders.base import FundingSpider, clean_text

CALL_WORDS = re.compile(r"razpis|poziv|povabil|vabil", re.IGNORECASE)
DETAIL_PATH = "/api/v1/backend/tender/get?id={}"


class SpiritSpider(FundingSpider):
    name = "spirit"
    host = "www.spiritslovenia.si"
    allowed_domains = ["www.spiritslovenia.si"]
    start_paths = ("/api/v1/backend/tender/list",)
    id_prefix = "spirit"

    def parse(self, response: Response) -> Iterator[Any]:
        records = self._data(response, list)
        if records is None:
            return
        for record in records:
            if CALL_WORDS.search(record.get("title") or ""):
                yield self.request(DETAIL_PATH.format(record["id"]), self.parse_call, cb_kwargs={"listed": record})

    def parse_call(self, response: Response, listed: dict[str, Any]) -> Iterator[dict[str, Any]]:
        record = self._data(response, dict)
        if record is None:
            return
        snippets = [Selector(text=s.get("content") or "<p></p>") for s in record.get("snippets", [])]
        text = clean_text(t for s in snippets for t in s.css("h2, h3, p, li").xpath("string()").getall())
        yield self.call(
            response,
            url=f"https://{self.host}/{listed['link'].lstrip('/')}",
            text=text,
            id=f"{self.id_prefix}-{listed['id']}",
            title=listed["title"].strip(),
            publisher="Javna agencija SPIRIT Slovenija",
            published_on=(listed.get("publishDate") or "")[:10] or None,
            deadlines=[listed["endTime"][:10]] if listed.get("endTime") else [],
        )

    def _data(self, response: Response, kind: type) -> Any:
        """The response's `data` member, or None (and an error) when the API answered otherwise."""
        try:
            data = json.loads(response.text).get("data")
        except (json.JSONDecodeError, AttributeError):
            data = None
        if not isinstance(data, kind):
            self.layout_unrecognised(response, f"a JSON object whose data is a {kind.__name__}")
            return None
        return data
