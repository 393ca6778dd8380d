"""The Scrapy project as users meet it: `scrapy list`, safe settings, and `fundscout crawl --offline`
running every real spider against the bundled sample site into the store."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.config import REPO_ROOT
from fundscout.db import session_scope
from fundscout.db.models import Call, CallHistory, CallSource, ScrapeRun
from scrapers.runner import spider_names
from scrapers.sample_site import render_sample_sites
from scrapers.settings import base


def test_scrapy_list_from_the_project_root() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert listed == spider_names() and len(listed) >= 6


def test_each_spider_module_names_its_spider_and_stays_on_its_host() -> None:
    for name in spider_names():
        module = importlib.import_module(f"scrapers.spiders.{name}")
        (spider,) = [c for c in vars(module).values() if getattr(c, "name", None) == name]
        assert spider.allowed_domains == [spider.host]


def test_production_settings_favour_safety() -> None:
    assert base.ROBOTSTXT_OBEY and base.AUTOTHROTTLE_ENABLED and base.DOWNLOAD_VERIFY_CERTIFICATES
    assert base.DOWNLOAD_HANDLERS["file"] is None and base.DOWNLOAD_HANDLERS["data"] is None
    assert not base.TELNETCONSOLE_ENABLED and not base.REMOTE_CONTROL_ENABLED
    assert base.DOWNLOAD_MAXSIZE <= 64 * 1024 * 1024 and base.DOWNLOAD_TIMEOUT <= 60
    assert "FundScout" in base.USER_AGENT and "kranj" in base.USER_AGENT.lower()


def test_sample_site_serves_every_source() -> None:
    hosts = set(render_sample_sites())
    for name in spider_names():
        module = importlib.import_module(f"scrapers.spiders.{name}")
        (spider,) = [c for c in vars(module).values() if getattr(c, "name", None) == name]
        assert spider.host in hosts


def test_crawl_offline_loads_every_source(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One end-to-end pass on SQLite; the load path runs on both stores in test_runner."""
    monkeypatch.setenv("FUNDSCOUT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FUNDSCOUT_DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(app, ["crawl", "--offline"])
    assert result.exit_code == 0, result.output
    with session_scope(sqlite_url) as session:
        runs = session.scalars(select(ScrapeRun)).all()
        assert sorted(r.source for r in runs if r.verdict == "loaded") == spider_names()
        assert session.scalar(select(func.count()).select_from(Call)) >= 50
        periods = dict(
            session.execute(select(Call.programme_period, func.count()).group_by(Call.programme_period)).all()
        )
        assert max(periods, key=periods.get) == "2014-2020"  # 2014–2020 cohesion calls foremost
        several = session.execute(
            select(CallSource.call_id)
            .group_by(CallSource.call_id)
            .having(func.count(func.distinct(CallSource.source)) > 1)
        ).all()
        assert len(several) >= 2
        assert session.scalar(select(func.count()).where(CallHistory.kind == "amendment")) == 1
        titles = session.scalars(select(Call.title)).all()
        assert any("v Mestni občini Kranj" in t for t in titles)
    assert (tmp_path / "home" / "runs" / "gov_si").is_dir()
