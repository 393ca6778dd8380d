"""What a confirmed sign-up costs: the store match run it triggers (web/firms.py) scores only the
new firm against every call, because the other firms' and calls' inputs are unchanged.

    PYTHONPATH=. python benchmarks/firm_confirm.py [--firms N] [--calls M]

Prints the seconds of a full first run, of the run after one new firm, and of the finder's search.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from benchmarks.match_scale import generate
from fundscout.db import session_scope, upgrade
from fundscout.db.models import Call, Firm, utcnow
from fundscout.records import FirmRecord
from matching.firms import firm_domains
from matching.store import match_store
from reports.finder import CallQuery, find_calls


def _firm(values: dict) -> Firm:
    record = FirmRecord.model_validate({**values, "email": None})
    now = utcnow()
    return Firm(
        **record.model_dump(),
        domains=firm_domains(record),
        subscribed=True,
        content_hash=values["firm_id"],
        created_at=now,
        updated_at=now,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=300)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    firms, calls = generate(args.firms + 1, args.calls)
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    now = utcnow()
    with session_scope(url) as session:
        for c in calls:
            session.add(
                Call(
                    id=c["id"],
                    url=f"https://example.si/{c['id']}",
                    source="import",
                    title=c["title"],
                    text=c["text"],
                    applicant_types=c["applicant_types"],
                    cohesion_regions=c["cohesion_regions"],
                    deadlines=c["deadlines"],
                    funds=[],
                    domains=[],
                    provenance={},
                    content_hash=c["id"],
                    first_seen_at=now,
                    updated_at=now,
                    last_seen_at=now,
                )
            )
        for f in firms[:-1]:
            session.add(_firm(f))
    start = time.perf_counter()
    match_store(url)
    full = time.perf_counter() - start
    with session_scope(url) as session:
        session.add(_firm(firms[-1]))
    start = time.perf_counter()
    report = match_store(url)
    one = time.perf_counter() - start
    with session_scope(url) as session:
        start = time.perf_counter()
        found = find_calls(session, CallQuery(text="razpis", status="all"), dt.date.today())
        search = time.perf_counter() - start
    print(f"{args.firms} firms x {args.calls} calls: first store run {full:.1f} s")
    print(
        f"one new firm (a confirmed sign-up): {one:.2f} s, {report.pairs_scored} pairs scored, {report.pairs_written} written"
    )
    print(f"finder text search over {args.calls} calls: {search * 1000:.0f} ms, {len(found)} found")


if __name__ == "__main__":
    main()
