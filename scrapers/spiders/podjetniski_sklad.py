"""Slovenski podjetniški sklad (SPS): calls from the WordPress REST API, category "javni razpisi in pozivi"."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from html import unescape
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response

from scrapers.spiders.base import FundingSpider, clean_text

POSTS_PATH = "/wp-json/wp/v2/posts?categories=83&per_page=20&page={page}&_fields=id,date,modified,link,title,content"


class PodjetniskiSkladSpider(FundingSpider):
    name = "podjetniski_sklad"
    host = "www.podjetniskisklad.si"
    allowed_domains = ["www.podjetniskisklad.si"]
    id_prefix = "sps"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(POSTS_PATH.format(page=1), cb_kwargs={"page": 1})

    def parse(self, response: Response, page: int) -> Iterator[Any]:
        try:
            posts = json.loads(response.text)
        except json.JSONDecodeError:
            posts = None
        if not isinstance(posts, list) or not all(isinstance(p, dict) and "content" in p for p in posts):
            self.layout_unrecognised(response, "a JSON list of WordPress posts")
            return
        for post in posts:
            yield self._parse_post(response, post)
        total_pages = int(response.headers.get("X-WP-TotalPages", b"1").decode() or 1)
        if posts and page < total_pages:
            yield self.request(POSTS_PATH.format(page=page + 1), cb_kwargs={"page": page + 1})

    def _parse_post(self, response: Response, post: dict[str, Any]) -> dict[str, Any]:
        content = Selector(text=post["content"].get("rendered", ""))
        text = clean_text(content.css("h2, h3, h4, p, li").xpath("string()").getall())
        item = self.call(
            response,
            url=post["link"],
            text=text,
            id=f"{self.id_prefix}-{post['id']}",
            title=self._parse_title(post),
            publisher="Slovenski podjetniški sklad",
        )
        item.setdefault("published_on", post.get("date", "")[:10] or None)  # the post's date on the site
        return item

    def _parse_title(self, post: dict[str, Any]) -> str:
        return clean_text([Selector(text=unescape(post["title"]["rendered"])).xpath("string()").get("")])
