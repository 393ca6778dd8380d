"""RunSummary: writes run_summary.json when the spider closes; the runner's gate reads it.

`scrapy crawl` exits 0 after a redesigned page, a shutdown or a monitor failure, so the decision
to load must come from the stats, not from the exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

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
        stats = self.crawler.stats.get_stats()
        summary = {
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
            "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float, str))},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        tmp.replace(self.path)
