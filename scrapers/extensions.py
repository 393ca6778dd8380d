"""Extensions: the run summary the gate reads, and the persistent per-spider crawl state.

RunSummary writes run_summary.json when the spider closes. `scrapy crawl` exits 0 after a
redesigned page, a shutdown or a monitor failure, so the decision to load must come from the
stats, not from the exit code.

CrawlState gives each spider `spider.crawl_state`, a dict kept between runs in
`$FUNDSCOUT_HOME/state/<spider>.json` (or FUNDSCOUT_STATE_FILE), together with what
each detail page answered last time (for IncrementalCrawl). It is written, atomically, at the
spider's close and only when the run passed the gate; the runner, which also has to load the run,
asks for it to be written to the run folder and promotes it after the load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from scrapers.gate import gate, state_file

# Stats that count as errors: anything logged at ERROR (failed callbacks, pages given up after
# retries, unrecognised layouts) and server errors that ended a request.
ERROR_STAT_PREFIXES = ("log_count/ERROR", "log_count/CRITICAL")


def error_count(stats: dict) -> int:
    return sum(v for k, v in stats.items() if k.startswith(ERROR_STAT_PREFIXES) and isinstance(v, int))


def field_coverage(stats: dict) -> dict[str, float]:
    prefix = "spidermon_field_coverage/dict/"
    return {k.removeprefix(prefix): round(v, 3) for k, v in stats.items() if k.startswith(prefix)}


class RunSummary:
    def __init__(self, crawler, path: Path):
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("FUNDSCOUT_RUN_SUMMARY")
        if not path:
            raise NotConfigured("FUNDSCOUT_RUN_SUMMARY is not set")
        ext = cls(crawler, Path(path))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason: str) -> None:
        write_json(self.path, run_summary(self.crawler, spider, reason))


def run_summary(crawler, spider, reason: str) -> dict[str, Any]:
    """What the gate needs to know about a finished crawl, from its stats."""
    stats = crawler.stats.get_stats()
    return {
        "spider": spider.name,
        "finish_reason": reason,
        "items": stats.get("item_scraped_count", 0),
        "invalid_items": stats.get("fundscout/invalid_items", 0),
        "dropped_items": stats.get("item_dropped_count", 0),
        "errors": error_count(stats),
        "layout_errors": stats.get("fundscout/layout_unrecognised", 0),
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "retries_given_up": stats.get("retry/max_reached", 0),
        "offsite_filtered": stats.get("offsite/filtered", 0),
        "robots_forbidden": stats.get("robotstxt/forbidden", 0),
        "monitors": stats.get("fundscout/monitors", []),
        "field_coverage": field_coverage(stats),
        "invalid_fields": counts(stats, "fundscout/invalid/"),
        "network_errors": counts(stats, "fundscout/network/"),
        "network_first": stats.get("fundscout/network_first"),
        "httperror_ignored": stats.get("httperror/response_ignored_count", 0),
        "links_skipped": counts(stats, "fundscout/links_skipped/"),
        "pages_unchanged": stats.get("fundscout/pages_unchanged", 0),
        "calls_unchanged": stats.get("fundscout/calls_unchanged", 0),
        "not_modified": stats.get("httpcache/revalidate", 0),
        "replay_missing": stats.get("fundscout/replay_missing", 0),
        "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float, str))},
    }


def counts(stats: dict, prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int)}


def write_json(path: Path, data: Any) -> None:
    """Write a JSON file atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1, default=str)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class CrawlState:
    """`spider.crawl_state` and the memory of detail pages, loaded at open, saved when the run passed.

    File format (`<spider>.json`): {"spider": {...the spider's own keys...}, "pages": {public URL:
    {"entry": SHA-256 of the folded listing entry, "checked": ISO time it was last fetched,
    "items": [the calls the page gave]}}, "saved_at": ISO time}. Pages no longer listed drop out.

    Settings: FUNDSCOUT_STATE_FILE (where the state is read), FUNDSCOUT_STATE_SAVE_TO (where it is
    written; default the same file), FUNDSCOUT_INCREMENTAL (skip unchanged detail pages; default
    on), FUNDSCOUT_RECHECK_DAYS (an unchanged page is fetched again, with its validators, once it
    was last fetched this many days ago, spread over ±25 % so the rechecks do not come at once).
    """

    def __init__(self, crawler, path: Path, save_to: Path):
        self.crawler = crawler
        self.path = path
        self.save_to = save_to
        self.incremental = crawler.settings.getbool("FUNDSCOUT_INCREMENTAL", True)
        self.recheck = dt.timedelta(days=crawler.settings.getfloat("FUNDSCOUT_RECHECK_DAYS", 7))
        self.now = dt.datetime.now(dt.UTC)
        self.pages: dict[str, dict[str, Any]] = {}
        self.new_pages: dict[str, dict[str, Any]] = {}
        self.spider_state: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler):
        path = Path(crawler.settings.get("FUNDSCOUT_STATE_FILE") or state_file(crawler.spidercls.name))
        ext = cls(crawler, path, Path(crawler.settings.get("FUNDSCOUT_STATE_SAVE_TO") or path))
        crawler.fundscout_state = ext
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        return ext

    def spider_opened(self, spider) -> None:
        data: dict[str, Any] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError as exc:  # a full crawl is always safe: start again, and say so
                spider.logger.warning("crawl state %s unreadable (%s); starting from an empty state", self.path, exc)
        self.spider_state = dict(data.get("spider") or {})
        self.pages = dict(data.get("pages") or {})
        spider.crawl_state = self.spider_state

    @staticmethod
    def entry_hash(listing_entry: str) -> str:
        return hashlib.sha256(fold(listing_entry).encode()).hexdigest()

    def unchanged_calls(self, url: str, listing_entry: str) -> list[dict[str, Any]] | None:
        """The calls a page gave last time if it need not be fetched again, else None."""
        known = self.pages.get(url)
        if self.incremental and url in self.new_pages:  # listed twice: its calls are in the feed already
            return []
        if not self.incremental or not known or known["entry"] != self.entry_hash(listing_entry):
            return None
        spread = 0.75 + int(hashlib.sha256(url.encode()).hexdigest()[:4], 16) / 0xFFFF / 2
        if self.now - dt.datetime.fromisoformat(known["checked"]) >= self.recheck * spread:
            return None
        self.new_pages[url] = known
        return known["items"]

    def visited(self, url: str, listing_entry: str) -> None:
        self.new_pages[url] = {"entry": self.entry_hash(listing_entry), "checked": self.now.isoformat(), "items": []}

    def remember(self, url: str, listing_entry: str, item: dict[str, Any]) -> None:
        if url not in self.new_pages:
            self.visited(url, listing_entry)
        self.new_pages[url]["items"].append(item)

    def item_dropped(self, item, response, exception, spider) -> None:
        """A call the pipeline refused is not remembered, so its page is read again next time."""
        if response is not None:
            self.new_pages.pop(spider.public_url(response.url) if hasattr(spider, "public_url") else response.url, None)

    def spider_closed(self, spider, reason: str) -> None:
        refused = gate(run_summary(self.crawler, spider, reason), 0)
        if refused:
            spider.logger.info("crawl state not saved: %s", refused)
            return
        data = {"spider": self.spider_state, "pages": self.new_pages, "saved_at": self.now.isoformat()}
        write_json(self.save_to, data)
