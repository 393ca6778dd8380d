"""Slovenski podjetniški sklad (SPS): its calls from the WordPress site, open and announced ones only.

Two endpoints working clients use (reference real_structure.md §5): the AJAX listing behind the
"Javni razpisi in pozivi" page (`admin-ajax.php`, action `sps_razpisi_live_search`) gives each
call's status (`li.post-card`, `span.sps-status__text`: odprto / zaprto / načrtovano), and the
REST posts of category 83 give each call's text, whose sections open with labels ("Namen
razpisa", "Razpisana sredstva", "Razpisani roki", "Upravičenci", …). The listing is read first;
only posts the listing shows as open or announced are kept (the listing, asked for every status,
covers the calls; a post it does not show is an older or other item, counted and skipped).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response

from fundscout.extract.amounts import parse_amount
from fundscout.extract.dates import parse_date
from scrapers.spiders.base import FundingSpider, clean_text

AJAX_PATH = "/wp-admin/admin-ajax.php"
POSTS_PATH = "/wp-json/wp/v2/posts?categories=83&per_page=50&page={page}&_fields=id,date,modified,link,title,content"
CARD_STATUSES = {"odprto": "open", "načrtovano": "forthcoming", "zaprto": "closed"}
# Section labels of a call post, longest first ("Namen razpisa" before "Namen").
SECTION_LABELS = sorted(
    (
        "Namen razpisa",
        "Namen produkta",
        "Namen vavčerja",
        "Razpisana sredstva",
        "Objava razpisa",
        "Višina financiranja",
        "Kreditni pogoji",
        "Pogoji za kandidiranje",
        "Pogoji za črpanje",
        "Upravičeni stroški",
        "Obdobje nastanka",
        "Razpisani roki",
        "Razpis in dokumentacija",
        "Upravičenci",
    ),
    key=len,
    reverse=True,
)
SECTION_RE = re.compile(r"(" + "|".join(map(re.escape, SECTION_LABELS)) + r")\s*:?\s*(.*)", re.IGNORECASE | re.DOTALL)


def link_key(url: str) -> str:
    """A post's address without scheme, host and trailing slash: the listing and REST agree on it."""
    return urlsplit(url).path.rstrip("/").lower()


def sections(html: str) -> tuple[list[str], dict[str, str]]:
    """The post's text lines and {section label: its text}; a label heads the lines up to the next.

    A label may be a heading of its own, lead its paragraph ("Razpisani roki: …") or stand before
    a `<br>` in it (`<p><strong>Upravičenci</strong><br>…</p>`).
    """
    content = Selector(text=re.sub(r"<br\s*/?>", "\n", html or "<p></p>", flags=re.IGNORECASE))
    blocks = content.css("h1, h2, h3, h4, h5, h6, p, li").xpath("string()").getall()
    lines = clean_text(line for block in blocks for line in block.splitlines()).splitlines()
    found: dict[str, list[str]] = {}
    current = None
    for line in lines:
        labelled = SECTION_RE.fullmatch(line)
        if labelled and (len(line) < 60 or ":" in line[: len(labelled.group(1)) + 2]):
            current = next(label for label in SECTION_LABELS if label.lower() == labelled.group(1).lower())
            found[current] = [labelled.group(2)] if labelled.group(2) else []
        elif current:
            found[current].append(line)
    return lines, {label: " ".join(parts) for label, parts in found.items()}


class PodjetniskiSkladSpider(FundingSpider):
    name = "podjetniski_sklad"
    host = "www.podjetniskisklad.si"
    allowed_domains = ["www.podjetniskisklad.si"]
    id_prefix = "sps"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self._listing(1, {})

    def _listing(self, page: int, statuses: dict[str, str]) -> scrapy.Request:
        form = [
            ("action", "sps_razpisi_live_search"),
            ("term", ""),
            ("status[]", "__all__"),
            ("razpis__poziv[]", "__all__"),
            ("page", str(page)),
        ]
        return self.request(
            AJAX_PATH,
            self.parse_listing,
            method="POST",
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
            dont_filter=True,
            cb_kwargs={"page": page, "statuses": statuses},
        )

    def parse_listing(self, response: Response, page: int, statuses: dict[str, str]) -> Iterator[Any]:
        try:
            answer = json.loads(response.text)
            html, has_more = answer["data"]["html"], bool(answer["data"].get("has_more"))
        except (json.JSONDecodeError, KeyError, TypeError):
            self.layout_unrecognised(response, "a JSON answer {success, data: {html, has_more}}")
            return
        cards = Selector(text=html or "<ul></ul>").css("li.post-card")
        for card in cards:
            link = card.css('a[href*="podjetniskisklad.si"]::attr(href)').get()
            status = clean_text([card.css("span.sps-status__text").xpath("string()").get("")]).lower()
            if not link or status not in CARD_STATUSES:
                self.layout_unrecognised(response, "li.post-card with a link and an odprto/zaprto/načrtovano status")
                return
            statuses[link_key(link)] = CARD_STATUSES[status]
        if has_more and cards:
            yield self._listing(page + 1, statuses)
        else:
            yield self.request(POSTS_PATH.format(page=1), cb_kwargs={"page": 1, "statuses": statuses})

    def parse(self, response: Response, page: int, statuses: dict[str, str]) -> Iterator[Any]:
        try:
            posts = json.loads(response.text)
        except json.JSONDecodeError:
            posts = None
        if not isinstance(posts, list) or not all(isinstance(p, dict) and "content" in p for p in posts):
            self.layout_unrecognised(response, "a JSON list of WordPress posts")
            return
        for post in posts:
            status = statuses.get(link_key(post.get("link", "")))
            if status not in ("open", "forthcoming"):
                self.crawler.stats.inc_value(f"fundscout/podjetniski_sklad/skipped_{status or 'not_listed'}")
                continue
            yield self._parse_post(response, post, status)
        total_pages = int(response.headers.get("X-WP-TotalPages", b"1").decode() or 1)
        if posts and page < total_pages:
            yield self.request(POSTS_PATH.format(page=page + 1), cb_kwargs={"page": page + 1, "statuses": statuses})

    def _parse_post(self, response: Response, post: dict[str, Any], status: str) -> dict[str, Any]:
        lines, found = sections(post["content"].get("rendered", ""))
        purpose = next((found[label] for label in found if label.startswith("Namen")), None)
        item = self.call(
            response,
            url=post["link"],
            text=clean_text([self._parse_title(post), *lines]),
            id=f"{self.id_prefix}-{post['id']}",
            title=self._parse_title(post),
            publisher="Slovenski podjetniški sklad",
            budget_eur=parse_amount(found.get("Razpisana sredstva", "")),
            summary=purpose,
            source_status=status,
            published_on=parse_date(found.get("Objava razpisa", "")),
            evidence={
                "budget_eur": found.get("Razpisana sredstva", ""),
                "published_on": found.get("Objava razpisa", ""),
            },
        )
        item.setdefault("published_on", post.get("date", "")[:10] or None)  # else the post's date on the site
        return item

    def _parse_title(self, post: dict[str, Any]) -> str:
        return clean_text([Selector(text=unescape(post["title"]["rendered"]) or "<p></p>").xpath("string()").get("")])
