"""What the Airflow tasks run: one stage each, configured from the environment, Airflow-free.

Every job is safe to re-run for the same interval (loads upsert, matching is incremental,
briefs and digests are keyed) and returns a small JSON-able summary for XCom: counts, ids and
paths, never data frames.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from fundscout.config import BRIEF_MIN_SCORE, settings
from fundscout.db import session_scope
from fundscout.db.models import Firm
from matching.store import match_store as match
from reports.briefs import draft_briefs
from reports.digest import run_weekly
from reports.digest.links import sending_problems
from scrapers.runner import CrawlFailed, run_spider, spider_names

__all__ = ["crawl_source", "spider_names", "match_store", "draft_review_briefs", "build_digests", "send_digests"]

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """A failure that a retry cannot fix: the site changed, the feed is invalid, a setting is missing."""


def crawl_source(spider: str, *, offline: bool = False) -> dict:
    """Crawl one source in a subprocess and load it if it passes the gate.

    A refused crawl raises `CrawlFailed` when a retry may pass (crash, timeout, network, a server
    error) and `PermanentFailure` when it cannot; either way the task log says why, in words.
    """
    try:
        outcome = run_spider(spider, database_url=settings().database_url, offline=offline)
    except CrawlFailed as exc:
        kind = exc.outcome.summary.get("failure_kind", "killed")
        log.error("%s: %s failure: %s (run folder %s)", spider, kind, exc.outcome.reason, exc.outcome.run_dir)
        if retry_may_help(exc.outcome.summary):
            raise
        raise PermanentFailure(str(exc)) from exc
    log.info("%s", outcome)
    return {
        "spider": outcome.spider,
        "run_id": outcome.run_id,
        "items": outcome.items,
        "created": outcome.created,
        "changed": outcome.changed,
        "run_dir": str(outcome.run_dir),
    }


# Kinds of failure (scrapers.gate) a later try may not meet: the crawl was stopped or crashed, the
# network failed, the server answered with errors. A changed layout, a failed monitor or a bad
# feed stays the same however often it is retried.
PASSING_FAILURES = frozenset({"killed", "network", "http"})


def retry_may_help(run_summary: dict) -> bool:
    """True when a refused crawl failed for passing reasons (PASSING_FAILURES)."""
    return not run_summary or run_summary.get("failure_kind", "killed") in PASSING_FAILURES


def require_firms() -> None:
    """Matching or drafting with an empty registry "succeeds" with nothing: say so instead."""
    with session_scope(settings().database_url) as session:
        firms = session.scalar(select(func.count()).select_from(Firm))
    if not firms:
        raise PermanentFailure(
            "the firm registry holds no firms, so nothing can be matched or drafted: "
            "load them with `fundscout import-firms FILE.csv` (or let firms sign up), then clear this task"
        )


def match_store() -> dict:
    require_firms()
    return summary(match(settings().database_url))


def draft_review_briefs() -> dict:
    require_firms()
    cfg = settings()
    drafted = draft_briefs(cfg.database_url, min_score=BRIEF_MIN_SCORE, lang="sl", out_dir=cfg.home / "briefs")
    return {
        "brief_ids": [brief.brief_id for brief in drafted],
        "outcomes": dict(Counter(brief.outcome for brief in drafted)),
    }


def iso_week(moment: datetime) -> str:
    """The ISO week ("2026-W48") of a moment, taken in the project's time zone."""
    year, week, _ = moment.astimezone(settings().timezone).isocalendar()
    return f"{year}-W{week:02d}"


def build_digests(week: str) -> dict:
    return _run_weekly(week, send=False)


class DigestsUndelivered(Exception):
    """Digest e-mails are still pending (or need the operator) after a send: fail, so Airflow retries
    and the operator sees it, until every week's e-mail is delivered or given up."""


def send_digests(week: str) -> dict:
    """Send the week's digests, after every earlier week's pending ones; the outbox skips what was
    sent, so a retry sends no duplicate. Raises DigestsUndelivered while any e-mail is undelivered."""
    problems = ([] if settings().smtp_url else ["sending digests needs FUNDSCOUT_SMTP_URL"]) + sending_problems()
    if problems:
        raise PermanentFailure("; ".join(problems))
    report = _run_weekly(week, send=True)
    if report["undelivered"]:
        raise DigestsUndelivered(
            f"{len(report['undelivered'])} digest e-mails not delivered yet (see `fundscout outbox`): "
            + ", ".join(report["undelivered"][:20])
        )
    return report


def _run_weekly(week: str, *, send: bool) -> dict:
    cfg = settings()
    # the same folder as `fundscout digest`: digests/ and outbox/ with the week in each file name
    return summary(run_weekly(cfg.database_url, week, out_dir=cfg.home, send=send, smtp_url=cfg.smtp_url))


def summary(report: Any) -> dict:
    """A stage's report as plain JSON values (paths and dates as strings) for XCom."""
    fields = asdict(report) if is_dataclass(report) else dict(report)
    return {name: _plain(value) for name, value in fields.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value
