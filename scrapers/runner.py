"""Run a spider as a subprocess, gate the run on its summary, and load what passes.

Each crawl is `python -m scrapy crawl NAME` in a fresh process (a fresh reactor, isolated
memory, a hard timeout). Its raw feed and run_summary.json go under
`$FUNDSCOUT_HOME/runs/<spider>/<timestamp>/`. The gate refuses a run that ended other than
"finished", scraped nothing, logged errors, had too many invalid items or failed a monitor;
a refused run loads nothing and the previous data stays. Every run leaves a `scrape_runs` row
with its verdict and reason. Scrapy-free: the CLI and Airflow import this module.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pkgutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from fundscout.config import CRAWL_TIMEOUT_SECONDS, REPO_ROOT, settings
from fundscout.db import session_scope
from fundscout.db.models import CallSource, ScrapeRun, utcnow
from fundscout.load import InputError, load_feed
from scrapers.sample_site import render_sample_sites, serve_sites

SPIDERS_DIR = Path(__file__).resolve().parent / "spiders"
GRACE_SECONDS = 20.0  # after SIGTERM, time for Scrapy to close the spider and write its summary


@dataclass
class RunOutcome:
    spider: str
    run_id: int
    verdict: str  # "loaded" or "failed"
    reason: str | None
    items: int
    created: int = 0
    changed: int = 0
    run_dir: Path | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.verdict == "loaded":
            return f"{self.spider}: loaded {self.items} calls ({self.created} new, {self.changed} changed)"
        return f"{self.spider}: FAILED, nothing loaded: {self.reason}"


class CrawlFailed(Exception):
    """The gate refused a run; `outcome` says why. The store is unchanged."""

    def __init__(self, outcome: RunOutcome):
        self.outcome = outcome
        super().__init__(str(outcome))


def spider_names() -> list[str]:
    """The sources: one module per spider under scrapers/spiders (name == module)."""
    return sorted(m.name for m in pkgutil.iter_modules([str(SPIDERS_DIR)]) if m.name != "base")


def gate(summary: dict[str, Any] | None, returncode: int) -> str | None:
    """Why a run must not be loaded, or None when it may be."""
    if summary is None:
        return f"the crawl left no run summary (killed or crashed, exit code {returncode})"
    if summary["finish_reason"] != "finished":
        return f"the crawl ended with '{summary['finish_reason']}', not 'finished'"
    if summary["items"] == 0:
        detail = f"{summary['invalid_items']} invalid" if summary["invalid_items"] else "none found"
        return f"no valid calls were scraped ({detail}); the page layout may have changed"
    if summary["errors"]:
        return (
            f"{summary['errors']} errors during the crawl "
            f"({summary['layout_errors']} pages not recognised, "
            f"{summary['retries_given_up']} requests given up after retries)"
        )
    if not summary["monitors"]:
        return "the spidermon monitors did not run"
    failed = [m for m in summary["monitors"] if m["status"] not in ("OK", "SKIPPED")]
    if failed:
        return "monitor failed: " + "; ".join(f"{m['monitor']}: {m['reason']}" for m in failed)
    return None


@contextmanager
def _sample_site() -> Iterator[dict[str, str]]:
    with serve_sites(render_sample_sites()) as origins:
        yield origins


def _crawl_process(
    name: str,
    run_dir: Path,
    site_urls: Mapping[str, str] | None,
    overrides: Mapping[str, Any],
    timeout: float,
    spider_args: Mapping[str, str] | None = None,
) -> int:
    """Run the crawl subprocess; on timeout stop it gracefully, then for good. Returns its exit code."""
    options = {
        "FUNDSCOUT_RUN_SUMMARY": str(run_dir / "run_summary.json"),
        "LOG_FILE": str(run_dir / "crawl.log"),
        **overrides,
    }
    if site_urls:
        options["FUNDSCOUT_SITE_URLS"] = site_urls
    command = [sys.executable, "-m", "scrapy", "crawl", name, "-O", str(run_dir / "items.jsonl")]
    for key, value in options.items():
        command += ["-s", f"{key}={json.dumps(value) if isinstance(value, (dict, list)) else value}"]
    for key, value in (spider_args or {}).items():
        command += ["-a", f"{key}={value}"]
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "scrapers.settings.offline" if site_urls else "scrapers.settings.base",
    }
    with (run_dir / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                return process.wait()


def _read_summary(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / "run_summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _finish(database_url: str, run_id: int, **values: Any) -> None:
    with session_scope(database_url) as session:
        run = session.get(ScrapeRun, run_id)
        for key, value in values.items():
            setattr(run, key, value)
        run.finished_at = utcnow()


def _load(database_url: str, run_id: int, run_dir: Path, summary: dict[str, Any]) -> RunOutcome:
    """Validate the whole feed, then load it and mark the run loaded, in one transaction."""
    with session_scope(database_url) as session:
        report = load_feed(session, run_dir / "items.jsonl", run_id=run_id)
        run = session.get(ScrapeRun, run_id)
        run.verdict, run.reason, run.finished_at = "loaded", None, utcnow()
        run.loaded_count, run.changed_count = report.received, report.created + report.changed
    return RunOutcome(
        summary["spider"], run_id, "loaded", None, report.received, report.created, report.changed, run_dir, summary
    )


def run_spider(
    name: str,
    *,
    database_url: str,
    offline: bool = False,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
    site_urls: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    home: Path | None = None,
    spider_args: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Crawl one source, gate the run and load it; raises CrawlFailed when the gate refuses it.

    `offline` crawls the bundled sample site; `site_urls` ({host: loopback origin}) points the
    spider at another local server (tests); `overrides` are extra Scrapy settings; `spider_args`
    are passed to the spider (`scrapy crawl -a key=value`, e.g. uradni_list's `since`).
    """
    if name not in spider_names():
        raise ValueError(f"unknown spider {name!r}; known: {', '.join(spider_names())}")
    started = utcnow()
    run_dir = (home or settings().home) / "runs" / name / started.strftime("%Y%m%dT%H%M%S%fZ")
    run_dir.mkdir(parents=True)
    with session_scope(database_url) as session:
        run = ScrapeRun(source=name, started_at=started, verdict="running", summary={})
        session.add(run)
        session.flush()
        run_id = run.id
    with _sample_site() if offline else nullcontext(site_urls) as origins:
        returncode = _crawl_process(name, run_dir, origins, overrides or {}, timeout, spider_args)
    summary = _read_summary(run_dir)
    counts = {
        "summary": summary or {},
        "item_count": (summary or {}).get("items", 0),
        "error_count": (summary or {}).get("errors", 0),
        "finish_reason": (summary or {}).get("finish_reason"),
    }
    reason = gate(summary, returncode)
    if reason is None:
        _finish(database_url, run_id, **counts)
        try:
            return _load(database_url, run_id, run_dir, summary)  # type: ignore[arg-type]
        except InputError as exc:
            reason = "the feed failed validation: " + "; ".join(str(e) for e in exc.errors[:5])
        except (SQLAlchemyError, ValueError) as exc:  # the load rolled back whole; say why, keep the old data
            reason = f"loading failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    _finish(database_url, run_id, verdict="failed", reason=reason, **counts)
    raise CrawlFailed(
        RunOutcome(name, run_id, "failed", reason, counts["item_count"], run_dir=run_dir, summary=summary or {})
    )


def crawl(
    names: Sequence[str],
    *,
    database_url: str,
    offline: bool = False,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
    home: Path | None = None,
    spider_args: Mapping[str, str] | None = None,
) -> list[RunOutcome]:
    """Run each spider in turn (all when `names` is empty); a failed run does not stop the others."""
    outcomes = []
    for name in names or spider_names():
        try:
            outcomes.append(
                run_spider(
                    name,
                    database_url=database_url,
                    offline=offline,
                    timeout=timeout,
                    home=home,
                    spider_args=spider_args,
                )
            )
        except CrawlFailed as exc:
            outcomes.append(exc.outcome)
    return outcomes


@dataclass
class SourceState:
    source: str
    state: str  # ok / failing / never run
    last_run_at: dt.datetime | None
    last_verdict: str | None
    last_reason: str | None
    last_good_at: dt.datetime | None
    last_good_items: int
    calls: int


def source_states(database_url: str) -> list[SourceState]:
    """Each source's last run, last good run and number of calls seen on it (`fundscout sources`)."""
    out = []
    with session_scope(database_url) as session:
        for name in spider_names():
            runs = select(ScrapeRun).where(ScrapeRun.source == name, ScrapeRun.verdict != "running")
            last = session.scalars(runs.order_by(ScrapeRun.id.desc())).first()
            good = session.scalars(runs.where(ScrapeRun.verdict == "loaded").order_by(ScrapeRun.id.desc())).first()
            calls = session.scalar(
                select(func.count(func.distinct(CallSource.call_id))).where(CallSource.source == name)
            )
            state = "never run" if last is None else ("ok" if last.verdict == "loaded" else "failing")
            out.append(
                SourceState(
                    name,
                    state,
                    last and last.started_at,
                    last and last.verdict,
                    last and last.reason,
                    good and good.started_at,
                    good.item_count if good else 0,
                    calls or 0,
                )
            )
    return out
