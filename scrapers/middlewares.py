"""Downloader and spider middlewares of the FundScout crawls.

- Utf8FirstMiddleware: Slovenian letters intact when a page lies about its encoding.
- SameOriginMiddleware: the offsite rule, by scheme, host and port.
- NetworkErrorStats: DNS / refused / TLS / timeout failures counted apart (`fundscout sources`).
- CachePolicy, HttpCache: conditional requests (ETag / Last-Modified) for incremental crawls.
- RecordResponses, ReplayResponses: `fundscout crawl --record DIR` / `--replay DIR`.
- IncrementalCrawl: detail pages whose listing entry did not change are not fetched again.

The recording folder (`--record DIR`), one sub-folder per spider:

    DIR/<spider>/responses.jsonl   one JSON object per response, in the order they arrived:
        {"method": "GET", "url": "https://www.gov.si/...", "body_sha256": null,
         "status": 200, "headers": [["Content-Type", "text/html; charset=utf-8"], ...],
         "body": "bodies/<sha256 of the body>"}
    DIR/<spider>/bodies/<sha256>   each response body once, as received (still compressed
                                   when the server sent Content-Encoding)

`url` is the public URL (a crawl through the host->origin mapping records the real host), and
`body_sha256` the SHA-256 of the request body (POST searches), null for a request without one;
a multipart body is hashed with its boundary replaced by a fixed word, since clients draw a new
boundary for every request.
A replay answers each request with the recorded response of the same method, URL and request
body; several responses for one request (a retried 503, then a 200) are served in turn, the
last one repeating. A request that is not in the recording is an error, so the run is refused.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import re
from collections import defaultdict, deque
from pathlib import Path
from ssl import CertificateError
from urllib.parse import urlsplit

from itemadapter import ItemAdapter, is_item
from OpenSSL import SSL
from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from twisted.internet.defer import TimeoutError as DeferTimeoutError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from scrapers.spiders.base import origin


class Utf8FirstMiddleware:
    """Decode a page as UTF-8 when its bytes are valid UTF-8 but it declares another charset.

    Sites that moved to UTF-8 often keep an old `<meta charset=windows-1250>`; trusting it turns
    "občine" into "obÄŤine". Non-ASCII text in a legacy 8-bit charset is almost never valid UTF-8,
    so a body that decodes cleanly is UTF-8 whatever it declares.
    """

    def process_response(self, request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or response.encoding.lower().replace("-", "") == "utf8":
            return response
        body = response.body
        if body.isascii():
            return response
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        return response.replace(encoding="utf-8")


# --- the offsite rule --------------------------------------------------------------------------


class SameOriginMiddleware(OffsiteMiddleware):
    """Scrapy's offsite filter (stats `offsite/filtered`), by origin instead of domain.

    A request passes only when its scheme, host and port are those of the spider's site (the
    mapped loopback origin in offline mode), so `http://localhost:PORT/admin`, another port on
    127.0.0.1, a subdomain or plain http on an https site are never fetched.
    """

    def should_follow(self, request: Request, spider: Spider) -> bool:
        allowed = getattr(spider, "allowed_origins", None)
        if allowed is None:  # a spider not built on FundingSpider: Scrapy's domain rule
            return super().should_follow(request, spider)
        try:
            return origin(request.url) in allowed
        except ValueError:
            return False


# --- network failures, told apart --------------------------------------------------------------

DOWNLOAD_FAILURES = {
    "dns": "DNS lookup failed",
    "refused": "connection refused",
    "tls": "TLS handshake failed",
    "timeout": "timed out",
    "connection": "connection lost",
    "cancelled": "download cancelled",  # too large (DOWNLOAD_MAXSIZE) or stopped: not the network
}
_KIND_OF = (
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "refused"),
    ((SSL.Error, CertificateError), "tls"),
    ((DownloadTimeoutError, TimeoutError, TCPTimedOutError, DeferTimeoutError, builtins.TimeoutError), "timeout"),
    ((DownloadCancelledError,), "cancelled"),
)


def download_failure(exception: BaseException) -> str:
    """What ended a download (a key of DOWNLOAD_FAILURES), looking through wrapped causes: Scrapy
    wraps Twisted's errors, and a failed TLS handshake hides in ResponseNeverReceived.reasons."""
    seen: list[BaseException] = [exception]
    for error in seen:
        for classes, kind in _KIND_OF:
            if isinstance(error, classes):
                return kind
        causes = [error.__cause__, error.__context__] + [getattr(r, "value", r) for r in getattr(error, "reasons", [])]
        seen += [c for c in causes if isinstance(c, BaseException) and c not in seen and len(seen) < 20]
    return "connection"


class NetworkErrorStats:
    """Count each failed download by kind (`fundscout/network/<kind>`) and keep the first one's
    message, so a refused run says "DNS lookup failed for www.gov.si", not just "errors"."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_exception(self, request: Request, exception: BaseException):
        if isinstance(exception, IgnoreRequest):
            return None
        kind = download_failure(exception)
        self.stats.inc_value(f"fundscout/network/{kind}")
        if kind != "cancelled" and not self.stats.get_value("fundscout/network_first"):
            lines = str(exception).strip().splitlines()
            detail = lines[0][:200] if lines else type(exception).__name__
            where = urlsplit(request.url).netloc
            self.stats.set_value("fundscout/network_first", f"{DOWNLOAD_FAILURES[kind]} for {where}: {detail}")
        return None


# --- the HTTP cache: conditional requests that never hide a failure -------------------------------


class CachePolicy(RFC2616Policy):
    """Scrapy's RFC 2616 policy, for a crawler that must see every change and every failure.

    - Without explicit freshness (max-age, Expires) a stored page is stale: it is revalidated
      with `If-None-Match` / `If-Modified-Since` on every crawl (no Last-Modified heuristic).
    - robots.txt stays fresh for 24 hours (RFC 9309 lets a crawler cache it that long).
    - A 5xx answer is a failure to report, not a reason to serve the stored page.
    """

    ROBOTS_LIFETIME = 24 * 3600

    def _compute_freshness_lifetime(self, response: Response, request: Request, now: float) -> float:
        cc = self._parse_cachecontrol(response)
        if self._get_max_age(cc) is not None or b"Expires" in response.headers:
            return super()._compute_freshness_lifetime(response, request, now)
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            return self.ROBOTS_LIFETIME
        return 0

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if urlsplit(request.url).path == "/robots.txt":
            return response.status == 200
        return super().should_cache_response(response, request)

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class HttpCache(HttpCacheMiddleware):
    """HttpCacheMiddleware without its "error recovery": a network failure is reported, not
    papered over with the stored copy of the page."""

    def process_exception(self, request: Request, exception: Exception):
        request.meta.pop("cached_response", None)
        return None


# --- record and replay ---------------------------------------------------------------------------


def body_sha256(request: Request) -> str | None:
    """The request body's hash (module docstring), or None for a request without a body."""
    body = request.body
    if not body:
        return None
    content_type = (request.headers.get("Content-Type") or b"").decode("latin-1")
    boundary = re.search(r"boundary=\"?([^\";]+)", content_type) if content_type.startswith("multipart/") else None
    if boundary:
        body = body.replace(boundary.group(1).encode("latin-1"), b"BOUNDARY")
    return hashlib.sha256(body).hexdigest()


def public_url(spider: Spider, url: str) -> str:
    to_public = getattr(spider, "public_url", None)
    return to_public(url) if to_public else url


class RecordResponses:
    """Save every response as it came off the network (`FUNDSCOUT_RECORD_DIR`, format above)."""

    def __init__(self, folder: Path):
        self.folder = folder
        (folder / "bodies").mkdir(parents=True, exist_ok=True)
        self.index = (folder / "responses.jsonl").open("w", encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("FUNDSCOUT_RECORD_DIR")
        if not root:
            raise NotConfigured("FUNDSCOUT_RECORD_DIR is not set")
        middleware = cls(Path(root) / crawler.spidercls.name)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        middleware.crawler = crawler
        return middleware

    def spider_closed(self) -> None:
        self.index.close()

    def process_response(self, request: Request, response: Response) -> Response:
        digest = hashlib.sha256(response.body).hexdigest()
        body_file = self.folder / "bodies" / digest
        if not body_file.exists():
            body_file.write_bytes(response.body)
        entry = {
            "method": request.method,
            "url": public_url(self.crawler.spider, request.url),
            "body_sha256": body_sha256(request),
            "status": response.status,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, vs in response.headers.items() for v in vs],
            "body": f"bodies/{digest}",
        }
        self.index.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.index.flush()
        return response


class Recording:
    """A recorded crawl of one spider, read back: responses by (method, public URL, body hash)."""

    def __init__(self, folder: Path):
        index = folder / "responses.jsonl"
        if not index.is_file():
            raise FileNotFoundError(f"{folder} holds no recording (no responses.jsonl)")
        self.folder = folder
        self.responses: dict[tuple[str, str, str | None], deque[dict]] = defaultdict(deque)
        for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    entry = json.loads(line)
                    key = (entry["method"], entry["url"], entry["body_sha256"])
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"{index}, line {number}: not a recorded response ({exc})") from exc
                self.responses[key].append(entry)

    def answer(self, request: Request, url: str) -> Response | None:
        """The next recorded response to this request (under its public `url`), or None."""
        queue = self.responses.get((request.method, url, body_sha256(request)))
        if not queue:
            return None
        entry = queue.popleft() if len(queue) > 1 else queue[0]
        headers = Headers()
        for name, value in entry["headers"]:
            headers.appendlist(name, value)
        payload = (self.folder / entry["body"]).read_bytes()
        cls = responsetypes.from_args(headers=headers, url=url, body=payload)
        return cls(url=url, status=entry["status"], headers=headers, body=payload)


class ReplayResponses:
    """Answer every request from a recording (`FUNDSCOUT_REPLAY_DIR`); nothing goes to the network."""

    def __init__(self, crawler, root: Path):
        self.crawler = crawler
        self.recording = Recording(root / crawler.spidercls.name)

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("FUNDSCOUT_REPLAY_DIR")
        if not root:
            raise NotConfigured("FUNDSCOUT_REPLAY_DIR is not set")
        return cls(crawler, Path(root))

    def process_request(self, request: Request) -> Response:
        spider = self.crawler.spider
        url = public_url(spider, request.url)
        response = self.recording.answer(request, url)
        if response is None:
            self.crawler.stats.inc_value("fundscout/replay_missing")
            spider.logger.error("not in the recording: %s %s", request.method, url)
            raise IgnoreRequest(f"not in the recording: {request.method} {url}")
        # the spider reads the URL it asked for (a mapped origin maps back in its records)
        return response.replace(url=request.url)


# --- incremental crawls --------------------------------------------------------------------------


class IncrementalCrawl:
    """Skip a detail request whose listing entry is unchanged since the last good run.

    A request built from a listing row carries `meta["listing_entry"]` (the row's text). When the
    crawl state (scrapers.extensions.CrawlState) remembers the same entry for that page and the
    page is not due for its periodic recheck, the page is not fetched: the calls it gave last time
    are emitted again as they were (counted in `fundscout/calls_unchanged`), so the feed stays
    complete and the load step sees them still listed. Every other page is fetched, with the
    validators of its stored copy (HttpCache), and remembered with what it gave.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_input(self, response) -> None:
        state = getattr(self.crawler, "fundscout_state", None)
        if state is not None and "listing_entry" in response.meta:
            state.visited(public_url(self.crawler.spider, response.url), response.meta["listing_entry"])

    def process_spider_output(self, response, result):
        state = getattr(self.crawler, "fundscout_state", None)
        for entry in result:
            yield from self._handle(state, response, entry)

    async def process_spider_output_async(self, response, result):
        state = getattr(self.crawler, "fundscout_state", None)
        async for entry in result:
            for out in self._handle(state, response, entry):
                yield out

    def _handle(self, state, response, entry):
        spider = self.crawler.spider
        if state is None:
            yield entry
        elif isinstance(entry, Request) and "listing_entry" in entry.meta:
            known = state.unchanged_calls(public_url(spider, entry.url), entry.meta["listing_entry"])
            if known is None:
                yield entry
            else:
                self.crawler.stats.inc_value("fundscout/pages_unchanged")
                self.crawler.stats.inc_value("fundscout/calls_unchanged", len(known))
                yield from known
        elif is_item(entry) and response is not None and "listing_entry" in response.meta:
            state.remember(
                public_url(spider, response.url), response.meta["listing_entry"], ItemAdapter(entry).asdict()
            )
            yield entry
        else:
            yield entry
