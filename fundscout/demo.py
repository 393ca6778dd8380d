"""`fundscout demo`: the whole pipeline on bundled sample data in an embedded SQLite store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace

from fundscout.config import DATA_DIR, Settings
from fundscout.db import session_scope, upgrade
from fundscout.load import load_firms
from matching.firms import read_firms_csv
from scrapers.runner import crawl

SAMPLE_DIR = DATA_DIR / "sample"


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
        firms = load_firms(session, firms_file.firms)
    yield f"  firms:  {firms}"
