"""Run a spider as a subprocess, gate the run on its summary, and load what passes.

Each crawl is `python -m scrapy crawl NAME` in a fresh process (a fresh reactor, isolated
memory, a hard timeout). Its raw feed and run_summary.json go under
`$FUNDSCOUT_HOME/runs/<spider>/<timestamp>/`. The gate (scrapers.gate) refuses a run that ended
other than "finished", lost requests to the network, met HTTP errors, found no call, logged
errors, had too many invalid items or failed a monitor; a refused run loads nothing and the
previous data stays. Every run leaves a `scrape_runs` row with its verdict, the kind of failure
and its reason. The crawl state the run leaves (`$FUNDSCOUT_HOME/state/<spider>.json`) replaces
the old one only once the run is loaded, so a refused run is crawled in full next time. Stored
copies of pages for conditional requests live in `$FUNDSCOUT_HOME/httpcache/`.

`record=DIR` saves every response of the crawl under DIR/<spider>/ (format in
scrapers.middlewares), with the crawl state it started from; `replay=DIR` crawls from such a
folder with no network. Scrapy-free: the CLI and Airflow import this module.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pkgutil
import shutil
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
from scrapers.gate import gate, state_file, verdict
from scrapers.sample_site import render_sample_sites, serve_sites

__all__ = ["CrawlFailed", "RunOutcome", "crawl", "gate", "run_spider", "source_states", "spider_names"]

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
    spider_args: Mapping[str, str],
    local: bool,
) -> int:
    """Run the crawl subprocess; on timeout stop it gracefully, then for good. Returns its exit code.

    `local` (a loopback site or a replay) uses the offline settings: no waiting between requests.
    """
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
    for key, value in spider_args.items():
        command += ["-a", f"{key}={value}"]
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "scrapers.settings.offline" if local else "scrapers.settings.base",
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


def _mode_settings(name: str, home: Path, run_dir: Path, record: Path | None, replay: Path | None) -> dict:
    """Where the crawl reads and writes its state, its page cache, and a recording."""
    options: dict[str, Any] = {
        "FUNDSCOUT_STATE_FILE": str(state_file(name, home)),
        "FUNDSCOUT_STATE_SAVE_TO": str(run_dir / "state.json"),
        "HTTPCACHE_DIR": str(home / "httpcache"),
    }
    if record or replay:  # every page fetched and kept whole: no skipping, no conditional requests
        options.update(FUNDSCOUT_INCREMENTAL=False, HTTPCACHE_ENABLED=False)
    if record:
        (record / name).mkdir(parents=True, exist_ok=True)
        if state_file(name, home).exists():  # what the spider knew decides what it asks for
            shutil.copy(state_file(name, home), record / name / "state.json")
        options["FUNDSCOUT_RECORD_DIR"] = str(record)
    if replay:
        if not (replay / name / "responses.jsonl").is_file():
            raise ValueError(f"{replay} holds no recording of {name} ({replay / name / 'responses.jsonl'} is missing)")
        options.update(FUNDSCOUT_REPLAY_DIR=str(replay), FUNDSCOUT_STATE_FILE=str(replay / name / "state.json"))
    return options


def run_spider(
    name: str,
    *,
    database_url: str,
    offline: bool = False,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
    site_urls: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    home: Path | None = None,
    record: Path | None = None,
    replay: Path | None = None,
    spider_args: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Crawl one source, gate the run and load it; raises CrawlFailed when the gate refuses it.

    `offline` crawls the bundled sample site; `site_urls` ({host: loopback origin}) points the
    spider at another local server (tests); `record` / `replay` a recording folder; `overrides`
    are extra Scrapy settings (a `SPIDER_MODULES` override brings spiders from elsewhere, e.g.
    the tests' probe spider); `spider_args` go to the spider (`-a since=2014-01-01`).
    """
    overrides = dict(overrides or {})
    if name not in spider_names() and "SPIDER_MODULES" not in overrides:
        raise ValueError(f"unknown spider {name!r}; known: {', '.join(spider_names())}")
    if offline and replay:
        raise ValueError("a crawl reads either the sample site (offline) or a recording (replay), not both")
    home = home or settings().home
    started = utcnow()
    run_dir = home / "runs" / name / started.strftime("%Y%m%dT%H%M%S%fZ")
    run_dir.mkdir(parents=True)
    overrides = {**_mode_settings(name, home, run_dir, record, replay), **overrides}
    with session_scope(database_url) as session:
        run = ScrapeRun(source=name, started_at=started, verdict="running", summary={})
        session.add(run)
        session.flush()
        run_id = run.id
    with _sample_site() if offline else nullcontext(site_urls) as origins:
        local = bool(origins) or replay is not None
        returncode = _crawl_process(name, run_dir, origins, overrides, timeout, spider_args or {}, local)
    summary = _read_summary(run_dir)
    counts = {
        "summary": summary or {},
        "item_count": (summary or {}).get("items", 0),
        "error_count": (summary or {}).get("errors", 0),
        "finish_reason": (summary or {}).get("finish_reason"),
    }
    refused = verdict(summary, returncode)
    if refused is None:
        _finish(database_url, run_id, **counts)
        try:
            outcome = _load(database_url, run_id, run_dir, summary)  # type: ignore[arg-type]
        except InputError as exc:
            refused = ("load", "the feed failed validation: " + "; ".join(str(e) for e in exc.errors[:5]))
        except (SQLAlchemyError, ValueError) as exc:  # the load rolled back whole; say why, keep the old data
            refused = ("load", f"loading failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        else:
            new_state = run_dir / "state.json"
            if new_state.exists() and replay is None:  # a replay tells nothing new about the site
                state_file(name, home).parent.mkdir(parents=True, exist_ok=True)
                os.replace(new_state, state_file(name, home))
            return outcome
    kind, reason = refused
    counts["summary"] = {**counts["summary"], "failure_kind": kind}
    _finish(database_url, run_id, verdict="failed", reason=reason, **counts)
    raise CrawlFailed(
        RunOutcome(name, run_id, "failed", reason, counts["item_count"], run_dir=run_dir, summary=counts["summary"])
    )


def crawl(
    names: Sequence[str],
    *,
    database_url: str,
    offline: bool = False,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
    home: Path | None = None,
    record: Path | None = None,
    replay: Path | None = None,
    spider_args: Mapping[str, str] | None = None,
) -> list[RunOutcome]:
    """Run each spider in turn (all when `names` is empty; with `replay`, all recorded ones);
    a failed run does not stop the others."""
    if replay and not names:
        names = [n for n in spider_names() if (replay / n / "responses.jsonl").is_file()]
        if not names:
            raise ValueError(f"{replay} holds no recording of any spider (no <spider>/responses.jsonl)")
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
                    record=record,
                    replay=replay,
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
    failure: str | None  # the last run's kind of failure: network, http, layout, monitor, ... (scrapers.gate)
    last_run_at: dt.datetime | None
    last_verdict: str | None
    last_reason: str | None
    last_good_at: dt.datetime | None
    last_good_items: int
    calls: int


def source_states(database_url: str, names: Sequence[str] | None = None) -> list[SourceState]:
    """Each source's last run, last good run and number of calls seen on it (`fundscout sources`)."""
    out = []
    with session_scope(database_url) as session:
        for name in names or spider_names():
            runs = select(ScrapeRun).where(ScrapeRun.source == name, ScrapeRun.verdict != "running")
            last = session.scalars(runs.order_by(ScrapeRun.id.desc())).first()
            good = session.scalars(runs.where(ScrapeRun.verdict == "loaded").order_by(ScrapeRun.id.desc())).first()
            calls = session.scalar(
                select(func.count(func.distinct(CallSource.call_id))).where(CallSource.source == name)
            )
            state = "never run" if last is None else ("ok" if last.verdict == "loaded" else "failing")
            failure = (last.summary or {}).get("failure_kind", "failed") if state == "failing" else None
            out.append(
                SourceState(
                    name,
                    state,
                    failure,
                    last and last.started_at,
                    last and last.verdict,
                    last and last.reason,
                    good and good.started_at,
                    good.item_count if good else 0,
                    calls or 0,
                )
            )
    return out
