"""SPIRIT Slovenija: calls from the JSON API behind the agency's single-page site.

Endpoints as working clients use them (reference real_structure.md §4): the list
`tender/paginatedlist?…&status=ACTIVE&validity=ACTIVE…` filters active calls on the server and
pages by `offset`; its `data.items[]` carry title, link (slug), externalUrl, status, validity,
validTo, publishDate, subtitle and a deadline text. A call's full text is in `tender/get?id=`
(`data.snippets[].content`, HTML), fetched when the list item has an id; otherwise the list
item's own text is all there is. The public page is `/razpisi/{link}` or the external URL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import scrapy
from parsel import Selector
from scrapy.http import Response

from scrapers.spiders.base import FundingSpider, clean_text, slug

PAGE_SIZE = 100
LIST_QUERY = {
    "sortBy": "PUBLISH_DATE",
    "sort": "DESC",
    "queryString": "",
    "status": "ACTIVE",
    "validity": "ACTIVE",
    "queryFullContent": "true",
    "language": "SL",
}
LIST_PATH = "/api/v1/backend/tender/paginatedlist?"
DETAIL_PATH = "/api/v1/backend/tender/get?id={}"
PUBLIC_URL = "https://www.spiritslovenia.si/razpisi/{}"
CALL_WORDS = re.compile(r"razpis|poziv|povabil|vabil|vavčer|natečaj", re.IGNORECASE)
LJUBLJANA = ZoneInfo("Europe/Ljubljana")


def list_path(offset: int) -> str:
    return LIST_PATH + urlencode({"limit": PAGE_SIZE, "offset": offset, **LIST_QUERY})


def local_date(value: str | None) -> dt.date | None:
    """An API time (`2026-05-29T22:00:00Z`, `2026-05-29T14:00:00`, `2026-05-29`) as a Ljubljana date."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(LJUBLJANA).date() if moment.tzinfo else moment.date()


class SpiritSpider(FundingSpider):
    name = "spirit"
    host = "www.spiritslovenia.si"
    allowed_domains = ["www.spiritslovenia.si"]
    id_prefix = "spirit"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(list_path(0), cb_kwargs={"offset": 0})

    def parse(self, response: Response, offset: int) -> Iterator[Any]:
        data = self._data(response)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("title") for i in items):
            self.layout_unrecognised(response, "a JSON object whose data.items[] are tenders with a title")
            return
        for listed in items:
            if not self._is_active_call(listed):
                continue
            if listed.get("id") is not None:
                yield self.request(
                    DETAIL_PATH.format(listed["id"]),
                    self.parse_call,
                    meta={"listing_entry": self._listing_entry(listed)},
                    cb_kwargs={"listed": listed},
                )
            else:
                yield self._item(response, listed, self._listed_text(listed))
        if len(items) == PAGE_SIZE:
            yield self.request(list_path(offset + PAGE_SIZE), cb_kwargs={"offset": offset + PAGE_SIZE})

    def parse_call(self, response: Response, listed: dict[str, Any]) -> Iterator[dict[str, Any]]:
        record = self._data(response)
        if not isinstance(record, dict) or not isinstance(record.get("snippets"), list):
            self.layout_unrecognised(response, "a JSON object whose data.snippets[] hold the call's HTML")
            return
        snippets = [Selector(text=s.get("content") or "<p></p>") for s in record["snippets"] if isinstance(s, dict)]
        text = clean_text(t for s in snippets for t in s.css("h1, h2, h3, h4, p, li").xpath("string()").getall())
        yield self._item(response, listed, "\n".join(filter(None, [self._listed_text(listed), text])))

    def _item(self, response: Response, listed: dict[str, Any], text: str) -> dict[str, Any]:
        link = (listed.get("link") or "").strip("/")
        item = self.call(
            response,
            url=listed.get("externalUrl") or PUBLIC_URL.format(link),
            text=text,
            id=f"{self.id_prefix}-{slug(link) if link else listed['id']}",
            title=clean_text([listed["title"]]),
            publisher="Javna agencija SPIRIT Slovenija",
            published_on=local_date(listed.get("publishDate")),
            source_status="open",  # the list is filtered to active calls
        )
        # The deadline text names every cut-off; `validTo` is only the end of the last one.
        valid_to = local_date(listed.get("validTo"))
        if not item.get("deadlines") and valid_to:
            item["deadlines"] = [valid_to]
            item["evidence"]["deadlines"] = f"validTo: {listed['validTo']}"
        return item

    def _is_active_call(self, listed: dict[str, Any]) -> bool:
        """Active on both of the list's flags (the server filters; this guards a changed filter) and a call."""
        active = all(str(listed.get(flag, "ACTIVE")).upper() == "ACTIVE" for flag in ("status", "validity"))
        return active and bool(CALL_WORDS.search(listed["title"]))

    def _listed_text(self, listed: dict[str, Any]) -> str:
        return clean_text([listed["title"], listed.get("subtitle") or "", listed.get("deadline") or ""])

    def _listing_entry(self, listed: dict[str, Any]) -> str:
        return " | ".join(str(listed.get(k) or "") for k in ("title", "subtitle", "deadline", "validTo", "status"))

    def _data(self, response: Response) -> Any:
        """The response's `data` member, or None when the API answered something else."""
        try:
            return json.loads(response.text).get("data")
        except (json.JSONDecodeError, AttributeError):
            return None
