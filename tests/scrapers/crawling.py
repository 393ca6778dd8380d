"""Real crawls against a local HTTP server serving each spider's fixtures, with scripted faults.

`fixture_site(spider, script=..., pages=...)` serves `tests/fixtures/<spider>/<host>/…` on
loopback; `script` maps a request key (path and query) to a list of faults served in turn (the
last one repeats), and every request is logged in `handler.hits`. `probe_server` and
`crawl_probe` do the same for the probe spider (probe_spider.py), `replay` crawls a recording.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probe_spider import PROBE_SETTINGS, ProbeSpider
from sqlalchemy import select

from fundscout.db import session_scope
from fundscout.db.models import Call
from scrapers.runner import CrawlFailed, RunOutcome, run_spider
from scrapers.sample_site import Page, Site, SiteHandler, read_sites_dir, serve_sites

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Short waits so the fault tests stay fast; everything else is the offline (loopback) profile.
TEST_SETTINGS = {"DOWNLOAD_TIMEOUT": 1, "CLOSESPIDER_TIMEOUT": 60, "LOG_LEVEL": "INFO"}


@dataclass(frozen=True)
class Fault:
    status: int = 200
    body: bytes | None = None  # None: the fixture page itself
    delay: float = 0.0
    content_type: str | None = None


class ScriptedHandler(SiteHandler):
    script: dict[str, list[Fault] | Callable[[str], Page | None]] = {}
    hits: list[str] = []

    def page(self, key: str) -> Page | None:
        self.hits.append(key)
        entry = self.script.get(key) or next(
            (v for k, v in self.script.items() if k.endswith("*") and key.startswith(k[:-1])), None
        )
        if callable(entry):
            return entry(key)
        if not entry:
            return super().page(key)
        fault = entry.pop(0) if len(entry) > 1 else entry[0]
        time.sleep(fault.delay)
        page = super().page(key) or Page(b"", status=404)
        return Page(
            fault.body if fault.body is not None else page.body, fault.content_type or page.content_type, fault.status
        )


@contextmanager
def fixture_site(
    spider: str, script: dict[str, Any] | None = None, pages: dict[str, Page] | None = None
) -> Iterator[tuple[dict[str, str], type[ScriptedHandler]]]:
    """Serve a spider's fixtures (one host); `pages` adds or replaces pages by request key."""
    sites = read_sites_dir(FIXTURES / spider)
    (host,) = sites
    sites[host].update(pages or {})
    handler = type("Handler", (ScriptedHandler,), {"script": dict(script or {}), "hits": []})
    with serve_sites(sites, handler) as origins:
        yield origins, handler


def fixture_page(spider: str, key: str) -> Page:
    (site,) = read_sites_dir(FIXTURES / spider).values()
    return site[key]


def crawl(
    spider: str,
    database_url: str,
    home: Path,
    origins: dict[str, str],
    *,
    timeout: float = 60,
    spider_args: dict[str, str] | None = None,
    **overrides: Any,
) -> RunOutcome:
    """One real crawl through the runner; returns the outcome whether loaded or failed."""
    try:
        return run_spider(
            spider,
            database_url=database_url,
            site_urls=origins,
            timeout=timeout,
            overrides={**TEST_SETTINGS, **overrides},
            home=home,
            spider_args=spider_args,
        )
    except CrawlFailed as exc:
        return exc.outcome


def stored_calls(database_url: str) -> dict[str, dict[str, Any]]:
    """Every stored call as {id: {column: value}}, to compare the store before and after a run."""
    with session_scope(database_url) as session:
        return {
            c.id: {col.name: getattr(c, col.name) for col in Call.__table__.columns}
            for c in session.scalars(select(Call))
        }


def replay(
    spider: str, database_url: str, home: Path, folder: Path, *, timeout: float = 60, **overrides: Any
) -> RunOutcome:
    """One crawl from a recording (`fundscout crawl --replay`): no network, no loopback server."""
    try:
        return run_spider(
            spider,
            database_url=database_url,
            replay=folder,
            timeout=timeout,
            overrides={**TEST_SETTINGS, **overrides},
            home=home,
        )
    except CrawlFailed as exc:
        return exc.outcome


@contextmanager
def probe_server(site: Site) -> Iterator[tuple[dict[str, str], type[ScriptedHandler]]]:
    """Serve the probe spider's site (tests/scrapers/probe_spider.py) with request logging."""
    handler = type("ProbeHandler", (ScriptedHandler,), {"script": {}, "hits": []})
    with serve_sites({ProbeSpider.host: site}, handler) as origins:
        yield origins, handler


def crawl_probe(database_url: str, home: Path, origins: dict[str, str], **overrides: Any) -> RunOutcome:
    return crawl("probe", database_url, home, origins, **{**PROBE_SETTINGS, **overrides})


def read_items(outcome: RunOutcome) -> list[dict[str, Any]]:
    """The feed a run wrote (items.jsonl), one dict per call."""
    lines = (outcome.run_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
