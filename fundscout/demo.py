"""`fundscout demo`: the whole pipeline on bundled sample data in an embedded SQLite store."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace

from sqlalchemy import func, select

from fundscout.config import BRIEF_MIN_SCORE, DATA_DIR, Settings
from fundscout.db import session_scope, upgrade
from fundscout.db.models import CallDomain, Match
from fundscout.load import load_firms, read_firms_csv
from matching.firms import firm_domains
from matching.store import match_store
from reports.briefs import draft_briefs
from reports.digest import run_weekly
from reports.digest.collect import Week
from scrapers.runner import crawl

SAMPLE_DIR = DATA_DIR / "sample"
DEMO_BRIEF_COUNT = 3


def run_demo(cfg: Settings) -> Iterator[str]:
    """Run each built stage on the sample data and yield one summary line per stage."""
    home = cfg.home / "demo"
    if home.exists():  # a demo always starts from the bundled sample, not from an earlier demo
        shutil.rmtree(home)
    home.mkdir(parents=True)
    demo_cfg = replace(cfg, home=home, database_url=f"sqlite:///{home / 'fundscout.db'}")
    yield f"FundScout demo in {home}"

    upgrade(demo_cfg.database_url)
    yield f"  store:  {demo_cfg.database_url}"

    # The real spiders, through Scrapy, against the bundled sample site served on loopback.
    for outcome in crawl([], database_url=demo_cfg.database_url, offline=True, home=home):
        yield f"  crawl:  {outcome}"

    firms_file = read_firms_csv(SAMPLE_DIR / "firms.csv")
    with session_scope(demo_cfg.database_url) as session:
        firms = load_firms(session, firms_file.firms, firm_domains)
    yield f"  firms:  {firms}"

    report = match_store(demo_cfg.database_url)
    yield f"  match:  {report}"
    with session_scope(demo_cfg.database_url) as session:
        eligible = session.scalar(select(func.count()).select_from(Match).where(Match.eligible.is_(True)))
        labelled = session.scalar(select(func.count(func.distinct(CallDomain.call_id))))
    yield f"          {labelled} calls with a domain, {eligible} eligible firm-call pairs"

    yield from _digest_stage(demo_cfg)
    yield from _briefs_stage(demo_cfg)


def _digest_stage(cfg: Settings) -> Iterator[str]:
    """Weekly digests of the current week as files (digests/*.xlsx, outbox/*.eml); nothing is sent."""
    today = dt.datetime.now(cfg.timezone).date()
    report = run_weekly(
        cfg.database_url, Week.containing(today).name, out_dir=cfg.home, send=False, smtp_url=None, today=today
    )
    if not report.workbooks:
        yield "  digest: no firm matched an open call yet (no matches in the store), so no digest was written"
        return
    yield f"  digest: {report}; {cfg.home / 'digests'}, e-mails in {cfg.home / 'outbox'}"


def _briefs_stage(cfg: Settings) -> Iterator[str]:
    """Briefs for the best sample calls, in Slovenian and English."""
    out_dir = cfg.home / "briefs"
    drafted = []
    for lang in ("sl", "en"):
        drafted += draft_briefs(
            cfg.database_url, min_score=BRIEF_MIN_SCORE, lang=lang, out_dir=out_dir, limit=DEMO_BRIEF_COUNT
        )
    calls = len({d.call_id for d in drafted})
    yield (
        f"  briefs: {len(drafted)} briefs (.md/.html/.docx) for the {calls} best calls "
        f"(match score ≥ {BRIEF_MIN_SCORE:g}) -> {out_dir}"
    )
