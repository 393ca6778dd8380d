"""FundingSpider: the shared base of every source spider.

A spider names its source's real host; in offline mode the settings map that host to a loopback
origin serving the sample site, and `allowed_domains` follows, so a spider can never leave its
source (file://, localhost and other hosts are filtered). Records always carry the public URL of
the page, so the same call read offline and online has the same URL and id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from fundscout.extract import extract_notice
from fundscout.fields import CALL_FIELDS

CALL_FIELD_NAMES = frozenset(f.name for f in CALL_FIELDS)


def slug(text: str, max_length: int = 80) -> str:
    """ASCII slug for ids: `Javni poziv 56SUB-LSRS17` -> `javni-poziv-56sub-lsrs17`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")


def clean_text(parts: Iterable[str]) -> str:
    """Page text fragments joined into lines, with runs of white space folded."""
    lines = (re.sub(r"\s+", " ", part).strip() for part in parts)
    return "\n".join(line for line in lines if line)


class FundingSpider(scrapy.Spider):
    """Subclasses set `name`, `host`, `allowed_domains = [host]`, `start_paths` and `id_prefix`."""

    host: str = ""
    start_paths: tuple[str, ...] = ()
    id_prefix: str = ""

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        site_urls = crawler.settings.getdict("FUNDSCOUT_SITE_URLS")
        spider.site_url = site_urls.get(cls.host, f"https://{cls.host}").rstrip("/")
        if cls.host in site_urls:  # offline: the loopback server stands in for the real host
            spider.allowed_domains = [urlsplit(spider.site_url).hostname]
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in self.start_paths:
            yield self.request(path)

    # --- helpers for subclasses --------------------------------------------------------------

    def request(self, path: str, callback=None, **kwargs: Any) -> scrapy.Request:
        """A request for a path (or absolute URL) on this spider's site."""
        url = path if "://" in path else self.site_url + path
        return scrapy.Request(url, callback=callback or self.parse, **kwargs)

    def public_url(self, url: str) -> str:
        """The page's URL on the real site (offline crawls read a loopback copy of it)."""
        parts = urlsplit(url)
        if parts.netloc != urlsplit(self.site_url).netloc:
            return url
        return urlunsplit(("https", self.host, parts.path, parts.query, ""))

    def page_id(self, url: str) -> str:
        """`govsi-<last path segment>`: a page's id on sites whose page address names the call."""
        return f"{self.id_prefix}-{slug(urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1])}"

    def layout_unrecognised(self, response: Response, expected: str) -> None:
        """A page without the structure the spider knows: an error, so the gate refuses the run."""
        self.crawler.stats.inc_value("fundscout/layout_unrecognised")
        self.logger.error("layout not recognised at %s: expected %s", response.url, expected)

    def call(
        self,
        response: Response | None,
        *,
        url: str | None = None,
        text: str = "",
        evidence: dict[str, str] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A call item: fields read from free `text` by the extractor, overridden by `fields`.

        Structured fields the spider reads directly (title from a heading, a date from its own
        column) take precedence; the extractor fills the rest and says where it found each fact.
        """
        page_url = self.public_url(url or response.url)  # type: ignore[union-attr]
        item: dict[str, Any] = {}
        found_evidence: dict[str, str] = {}
        if text:
            extraction = extract_notice(text, page_url)
            item.update(
                {k: v for k, v in extraction.fields.items() if k in CALL_FIELD_NAMES and v not in (None, [], "")}
            )
            found_evidence.update(extraction.evidence)
        item.update({k: v for k, v in fields.items() if v not in (None, [], "")})
        item.update(url=page_url, source=self.name)
        if text:
            item["text"] = text
        found_evidence.update(evidence or {})
        item["evidence"] = {k: v for k, v in found_evidence.items() if k in item and v}
        return item
