"""Spidermon close monitors: their results go into the run summary and the gate refuses failures.

Errors are counted by the gate itself (scrapers.gate), which refuses a run with any. Field
coverage: spidermon's FieldCoverageMonitor checks `SPIDERMON_FIELD_COVERAGE_RULES` (title and
url on every call); DeadlineOrStatusMonitor checks that enough calls say when they close or
whether they are open (`FUNDSCOUT_MIN_DEADLINE_OR_STATUS`). A spider may set its own thresholds
in `custom_settings`.
"""

from __future__ import annotations

from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import (
    FieldCoverageMonitor,
    FinishReasonMonitor,
    UnwantedHTTPCodesMonitor,
)
from spidermon.core.actions import Action


@monitors.name("Calls found")
class CallCountMonitor(Monitor):
    @monitors.name("Calls read, or known unchanged, at least SPIDERMON_MIN_ITEMS")
    def test_calls_found(self):
        stats = self.data.stats
        found = stats.get("item_scraped_count", 0) + stats.get("fundscout/calls_unchanged", 0)
        minimum = self.data.crawler.settings.getint("SPIDERMON_MIN_ITEMS")
        pages = stats.get("downloader/response_status_count/200", 0)
        self.assertGreaterEqual(found, minimum, f"read {pages} pages but found {found} calls (at least {minimum})")


@monitors.name("Deadline or status")
class DeadlineOrStatusMonitor(Monitor):
    @monitors.name("Share of calls with a deadline or a status")
    def test_deadline_or_status(self):
        stats = self.data.stats
        scraped = stats.get("item_scraped_count", 0)
        if not scraped:
            self.skipTest("no calls were read")
        having = stats.get("fundscout/with_deadline_or_status", 0)
        minimum = self.data.crawler.settings.getfloat("FUNDSCOUT_MIN_DEADLINE_OR_STATUS")
        self.assertGreaterEqual(
            having / scraped,
            minimum,
            f"{scraped - having} of {scraped} calls have neither a deadline nor a status (at most "
            f"{1 - minimum:.0%} may lack both)",
        )


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
        CallCountMonitor,
        FinishReasonMonitor,
        UnwantedHTTPCodesMonitor,
        FieldCoverageMonitor,
        DeadlineOrStatusMonitor,
        InvalidItemsMonitor,
    ]
    monitors_finished_actions = [RecordMonitorResults]
