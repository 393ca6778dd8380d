"""FundingSpider: the shared base of every source spider.

A spider names its source's real host. The host->origin mapping (`FUNDSCOUT_SITE_URLS`,
`{host: "http://127.0.0.1:PORT"}`) points it at a local copy of its site instead (the sample
site, test fixtures, `../shared/tools/real_site.py`): links to the real host are rewritten to
that origin, and the offsite rule (scrapers.middlewares.SameOriginMiddleware) lets through
only the spider's origin, compared by scheme, host and port, so a spider can never leave its
source (file://, localhost, other ports and hosts are filtered). Records always carry the public
URL of the page, so the same call read offline and online has the same URL and id.

`request()` is the one way a spider builds a request. For a link no crawl can follow
(`javascript:`, `mailto:`, `tel:`, `ftp:`, `data:` or a malformed URL) it returns None, which
Scrapy ignores, and counts it in the `fundscout/links_skipped/<why>` stats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from fundscout.extract import extract_notice
from fundscout.fields import CALL_FIELDS

CALL_FIELD_NAMES = frozenset(f.name for f in CALL_FIELDS)
FOLLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, the default port filled in; ValueError when it has none."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL with a host: {url!r}")
    return parts.scheme, parts.hostname.lower(), parts.port or DEFAULT_PORTS[parts.scheme]


def unusable_link(url: str) -> str | None:
    """Why an absolute link cannot be crawled (its scheme, or "malformed"), or None when it can."""
    if not url or any(ord(ch) < 32 for ch in url):
        return "malformed"
    try:
        scheme = urlsplit(url).scheme
        if scheme and scheme not in FOLLOWED_SCHEMES:
            return scheme if scheme.isalpha() and len(scheme) <= 16 else "malformed"
        origin(url)
    except ValueError:  # no host, a port out of range, a bracketed host that does not parse
        return "malformed"
    return None


def slug(text: str, max_length: int = 80) -> str:
    """ASCII slug for ids: `Javni poziv 56SUB-LSRS17` -> `javni-poziv-56sub-lsrs17`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")


def clean_text(parts: Iterable[str]) -> str:
    """Page text fragments joined into lines, with runs of white space folded."""
    lines = (re.sub(r"\s+", " ", part).strip() for part in parts)
    return "\n".join(line for line in lines if line)


_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "pre", "blockquote")
# Innermost block elements outside scripts, styles and navigation: the page's text, block by block.
_TEXT_BLOCKS = (
    f"//body//*[({' or '.join(f'self::{t}' for t in _BLOCKS)})"
    f" and not({' or '.join(f'descendant::{t}' for t in _BLOCKS)})"
    " and not(ancestor::script or ancestor::style or ancestor::nav or ancestor::footer)]"
)


def page_text(response: Response) -> str:
    """The page's visible text, one block element per line."""
    return clean_text(response.xpath(_TEXT_BLOCKS).xpath("string()").getall())


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
        spider.allowed_origins = {origin(spider.site_url)}
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in self.start_paths:
            yield self.request(path)

    # --- helpers for subclasses --------------------------------------------------------------

    def request(
        self, url_or_path: str, callback=None, *, base: Response | str | None = None, **kwargs: Any
    ) -> scrapy.Request | None:
        """A request for a link on this spider's site, or None (counted) for a link no crawl can follow.

        `url_or_path` is an absolute URL, a root-relative path (`/razpisi/`) or a link relative to
        `base` (the page it was found on; without one, relative to the site root). A link to the
        real host (also without `www.` or by http) goes to the site crawled (`mapped_url`). Links
        to other hosts are built and then filtered by the offsite rule (`offsite/filtered`).
        """
        link = (url_or_path or "").strip()
        base_url = base.url if isinstance(base, Response) else (base or self.site_url + "/")
        try:
            url = urljoin(base_url, link) if link else ""
        except ValueError:  # urljoin parses the link: "http://[::1" fails here
            url = ""
        why = unusable_link(url)
        if why:
            self.crawler.stats.inc_value("fundscout/links_skipped")
            self.crawler.stats.inc_value(f"fundscout/links_skipped/{why}")
            self.logger.info("link skipped (%s): %.200r", why, url_or_path)
            return None
        url = self.mapped_url(url)
        return scrapy.Request(url, callback=callback or self.parse, **kwargs)

    def mapped_url(self, url: str) -> str:
        """A URL on the real host, with or without `www.` and by http or https, on the site crawled:
        the mapped origin offline, `https://{host}` online; any other URL as it is.

        Real pages link to their own site with absolute addresses in any of these forms; each
        must lead where the root-relative links do, or the offsite rule would drop it.
        """
        parts = urlsplit(url)
        bare = self.host.removeprefix("www.")
        if parts.hostname not in (self.host, bare, f"www.{bare}"):
            return url
        site = urlsplit(self.site_url)
        return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))

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
