"""Spidermon close monitors: their results go into the run summary and the gate refuses failures.

Errors are counted by the gate itself (scrapers.runner.gate), which refuses a run with any.
"""

from __future__ import annotations

from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import (
    FieldCoverageMonitor,
    FinishReasonMonitor,
    ItemCountMonitor,
    UnwantedHTTPCodesMonitor,
)
from spidermon.core.actions import Action


@monitors.name("Invalid items")
class InvalidItemsMonitor(Monitor):
    @monitors.name("Share of items that fail validation")
    def test_invalid_share(self):
        stats = self.data.stats
        invalid = stats.get("fundscout/invalid_items", 0)
        total = invalid + stats.get("item_scraped_count", 0)
        limit = self.data.crawler.settings.getfloat("FUNDSCOUT_MAX_INVALID_SHARE")
        share = invalid / total if total else 0.0
        self.assertLessEqual(share, limit, f"{invalid} of {total} items failed validation")


class RecordMonitorResults(Action):
    """Keep each monitor's outcome in the crawl stats, where the run summary reads it."""

    def run_action(self) -> None:
        results = [
            {"monitor": r.monitor.name, "status": r.status, "reason": str(r.reason or "")[:300]}
            for r in self.result.monitor_results
        ]
        self.data.crawler.stats.set_value("fundscout/monitors", results)


class CrawlMonitorSuite(MonitorSuite):
    monitors = [
        ItemCountMonitor,
        FinishReasonMonitor,
        UnwantedHTTPCodesMonitor,
        FieldCoverageMonitor,
        InvalidItemsMonitor,
    ]
    monitors_finished_actions = [RecordMonitorResults]
