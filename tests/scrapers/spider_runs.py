"""Helpers of the per-spider test files: a spider crawled twice against its fixtures, and the
real saved pages of the reference (../shared/reference/real_pages) served by real_site.py."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from crawling import crawl, fixture_site, stored_calls

from fundscout.config import REPO_ROOT
from fundscout.db import upgrade
from scrapers.runner import RunOutcome
from scrapers.sample_site import Page

SHARED = REPO_ROOT.parent / "shared"
REAL_PAGES = SHARED / "reference" / "real_pages"
REAL_SITE = SHARED / "tools" / "real_site.py"


@dataclass
class Crawled:
    first: RunOutcome
    second: RunOutcome
    items: dict[str, dict[str, Any]]  # the first run's feed, by id
    calls: dict[str, dict[str, Any]]  # the store after both runs
    hits: list[str]  # request keys the site saw, both runs
    database_url: str


def feed(outcome: RunOutcome) -> dict[str, dict[str, Any]]:
    """The items a run wrote, by id."""
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def crawl_twice(spider: str, home: Path, pages: dict[str, Page] | None = None, **overrides: Any) -> Crawled:
    """Crawl a spider's fixtures twice into one fresh store."""
    url = f"sqlite:///{home / 'store.db'}"
    upgrade(url)
    with fixture_site(spider, pages=pages) as (origins, handler):
        first = crawl(spider, url, home, origins, **overrides)
        second = crawl(spider, url, home, origins, **overrides)
    return Crawled(first, second, feed(first), stored_calls(url), list(handler.hits), url)


def crawl_once(spider: str, home: Path, pages: dict[str, Page] | None = None, **overrides: Any) -> RunOutcome:
    url = f"sqlite:///{home / 'store.db'}"
    upgrade(url)
    with fixture_site(spider, pages=pages) as (origins, _handler):
        return crawl(spider, url, home, origins, **overrides)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def real_site() -> Iterator[str]:
    """The real saved pages on loopback, as their hosts answer; skips the test when they are absent."""
    if not (REAL_PAGES.is_dir() and REAL_SITE.is_file()):
        pytest.skip(f"real saved pages not found at {REAL_PAGES}")
    port = _free_port()
    process = subprocess.Popen([sys.executable, str(REAL_SITE), str(port), str(REAL_PAGES)])
    origin = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield origin
    finally:
        process.terminate()
        process.wait(timeout=10)


def crawl_real(spider: str, host: str, home: Path, **overrides: Any) -> RunOutcome:
    """Crawl the real saved pages of `host` through real_site.py."""
    url = f"sqlite:///{home / 'store.db'}"
    upgrade(url)
    with real_site() as origin:
        return crawl(spider, url, home, {host: origin}, **overrides)
