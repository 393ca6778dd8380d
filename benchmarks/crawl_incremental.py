"""Incremental crawl figures: requests of a full first crawl and of a second, unchanged crawl, per
source, on the bundled sample site (which answers with ETags and honours If-None-Match).

The sample site is served once, so both crawls meet the same origins; each source runs through
the real runner (subprocess, gate, load) with a fresh home, twice. Requests are counted where
they arrive: at the site. A 304 is a request too (it carries no body); robots.txt is kept for
24 hours. Goal: the second crawl asks for at most 10 % of the first's requests.

Run: .venv/bin/python benchmarks/crawl_incremental.py [SPIDER ...]   (temporary SQLite store and home)
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from fundscout.db import upgrade
from scrapers.runner import CrawlFailed, RunOutcome, run_spider, spider_names
from scrapers.sample_site import SiteHandler, render_sample_sites, serve_sites


class CountingHandler(SiteHandler):
    answers: list[tuple[int, int]] = []  # (server port, status) per request

    def send_response(self, code: int, message: str | None = None) -> None:
        self.answers.append((self.server.server_address[1], code))
        super().send_response(code, message)


def run(name: str, url: str, home: Path, origins: dict[str, str]) -> RunOutcome:
    try:
        return run_spider(name, database_url=url, site_urls=origins, home=home)
    except CrawlFailed as exc:
        return exc.outcome


def main() -> None:
    spiders = sys.argv[1:] or spider_names()
    print(f"{'spider':<20} {'1st req':>7} {'2nd req':>7} {'2nd 304':>7} {'2nd/1st':>7} {'unchanged':>9}  verdicts")
    totals = Counter()
    with tempfile.TemporaryDirectory() as folder, serve_sites(render_sample_sites(), CountingHandler) as origins:
        hosts = {int(origin.rsplit(":", 1)[1]): host for host, origin in origins.items()}
        for name in spiders:
            home = Path(folder) / name
            home.mkdir()
            url = f"sqlite:///{home / 'store.db'}"
            upgrade(url)
            counts = []
            outcomes = []
            for _ in range(2):
                CountingHandler.answers.clear()
                outcomes.append(run(name, url, home, origins))
                counts.append(Counter((hosts[port], status) for port, status in CountingHandler.answers))
            first, second = sum(counts[0].values()), sum(counts[1].values())
            not_modified = sum(v for (_, status), v in counts[1].items() if status == 304)
            ratio = second / first if first else 0.0
            totals.update(first=first, second=second)
            unchanged = outcomes[1].summary.get("calls_unchanged", 0)
            verdicts = "/".join(o.verdict for o in outcomes)
            print(f"{name:<20} {first:>7} {second:>7} {not_modified:>7} {ratio:>7.0%} {unchanged:>9}  {verdicts}")
    print(f"{'all':<20} {totals['first']:>7} {totals['second']:>7} {'':>7} {totals['second'] / totals['first']:>7.0%}")


if __name__ == "__main__":
    main()
