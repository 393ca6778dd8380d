"""Offline crawl figures: wall time per spider (subprocess, crawl, gate and load) on the sample site.

Run: .venv/bin/python benchmarks/crawl_offline.py   (uses a temporary SQLite store)
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from fundscout.db import upgrade
from scrapers.runner import CrawlFailed, run_spider, spider_names


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        url = f"sqlite:///{home / 'store.db'}"
        upgrade(url)
        total_items, started = 0, time.perf_counter()
        print(f"{'spider':<20} {'seconds':>8} {'items':>6} {'crawl s':>8}  verdict")
        for name in spider_names():
            begin = time.perf_counter()
            try:
                outcome = run_spider(name, database_url=url, offline=True, home=home)
            except CrawlFailed as exc:
                outcome = exc.outcome
            crawl_seconds = outcome.summary.get("stats", {}).get("elapsed_time_seconds", 0.0)
            print(
                f"{name:<20} {time.perf_counter() - begin:>8.2f} {outcome.items:>6} {crawl_seconds:>8.2f}  {outcome.verdict}"
            )
            total_items += outcome.items
        elapsed = time.perf_counter() - started
        print(f"{'all':<20} {elapsed:>8.2f} {total_items:>6}  ({total_items / elapsed:.1f} items/s end to end)")


if __name__ == "__main__":
    main()
