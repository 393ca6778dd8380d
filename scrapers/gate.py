"""The gate: whether a crawl may be loaded, and if not, what kind of failure it was (Scrapy-free).

Both the runner (after the crawl subprocess) and the crawl state (at the spider's close, to
decide whether to keep the new state) ask the same questions of the run summary, in this order:
did it end properly; did the network fail (DNS, refused, TLS, timeout); did the site answer with
HTTP errors; did the pages read give no call (a layout change); did anything log an error; did a
monitor (item count, field coverage, invalid items) fail. Both also need to know where a
spider's crawl state lives (`state_file`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundscout.config import settings


def state_file(spider: str, home: Path | None = None) -> Path:
    """Where a spider's crawl state lives between runs: `$FUNDSCOUT_HOME/state/<spider>.json`."""
    return (home or settings().home) / "state" / f"{spider}.json"


# Failure kinds, as `fundscout sources` shows them.
KINDS = {
    "killed": "the crawl did not finish",
    "network": "network failure",
    "http": "the site answered with HTTP errors",
    "layout": "layout changed",
    "errors": "errors during the crawl",
    "monitor": "a monitor failed",
    "replay": "the recording lacks pages the crawl asked for",
    "load": "loading failed",
}


def http_errors(summary: dict[str, Any]) -> dict[int, int]:
    """Responses with status 400 and above, by status."""
    prefix = "downloader/response_status_count/"
    return {
        int(k.removeprefix(prefix)): v
        for k, v in summary.get("stats", {}).items()
        if k.startswith(prefix) and k.removeprefix(prefix).isdigit() and int(k.removeprefix(prefix)) >= 400
    }


def verdict(summary: dict[str, Any] | None, returncode: int) -> tuple[str, str] | None:
    """(kind, reason) when a run must not be loaded, or None when it may be."""
    if summary is None:
        return "killed", f"the crawl left no run summary (killed or crashed, exit code {returncode})"
    if summary["finish_reason"] != "finished":
        return "killed", f"the crawl ended with '{summary['finish_reason']}', not 'finished'"
    network = {k: v for k, v in (summary.get("network_errors") or {}).items() if k != "cancelled"}
    got = summary.get("responses", 0)
    if network and summary.get("retries_given_up", 0) + summary.get("errors", 0):
        kinds = ", ".join(f"{kind} ×{count}" for kind, count in sorted(network.items()))
        return "network", (
            f"network failure: {summary.get('network_first') or kinds} ({kinds}; {got} responses received)"
        )
    if summary.get("replay_missing"):
        return "replay", (
            f"{summary['replay_missing']} requests are not in the recording (the spider asks for other pages "
            "than when it was recorded); record the source again"
        )
    called = summary["items"] + summary.get("calls_unchanged", 0)
    statuses = http_errors(summary)
    gave_up_on_server = any(status >= 500 for status in statuses) and summary.get("retries_given_up", 0)
    if statuses and (called == 0 or gave_up_on_server):  # a lone 404 behind a listing is no outage
        answered = ", ".join(f"HTTP {status} ×{count}" for status, count in sorted(statuses.items()))
        return "http", f"the site answered with HTTP errors ({answered} of {got} responses)"
    if called == 0:
        if summary["invalid_items"]:
            return "layout", (
                f"layout changed: all {summary['invalid_items']} calls read lacked required fields "
                f"({', '.join(sorted(summary.get('invalid_fields', {}))) or 'see the log'})"
            )
        return "layout", (f"layout changed: read {got} pages but found no call; the page layout may have changed")
    if summary["errors"]:
        return "errors", (
            f"{summary['errors']} errors during the crawl "
            f"({summary['layout_errors']} pages not recognised, "
            f"{summary['retries_given_up']} requests given up after retries)"
        )
    if not summary["monitors"]:
        return "monitor", "the spidermon monitors did not run"
    failed = [m for m in summary["monitors"] if m["status"] not in ("OK", "SKIPPED")]
    if failed:
        return "monitor", "monitor failed: " + "; ".join(f"{m['monitor']}: {m['reason']}" for m in failed)
    return None


def gate(summary: dict[str, Any] | None, returncode: int) -> str | None:
    """Why a run must not be loaded, or None when it may be."""
    found = verdict(summary, returncode)
    return found[1] if found else None
