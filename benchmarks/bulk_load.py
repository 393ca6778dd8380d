"""Bulk load of call records: rows/s for new, unchanged and changed batches on SQLite and
PostgreSQL, next to the per-row path the load step had before, and the peak RSS of the bulk loads.

    python benchmarks/bulk_load.py --rows 50000 --baseline-rows 3000 \
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Writes two synthetic JSONL files of `--rows` calls (B changes the budget and a deadline of every
call of A), then on each store: `import_calls_file(A)` into an empty store (new), A again
(unchanged), B (changed). The per-row path is the `load_records` of commit 7018378 (one ORM
object and one SELECT of its page per record), reimplemented below so this script needs no git;
it runs on `--baseline-rows` calls of the same files, in a store of its own, in the same run.
PostgreSQL runs in a database made for the run and dropped after it. Prints one line per store,
path and batch: `store=… path=… batch=… rows=N seconds=S rows_per_s=R client_cpu_s=C peak_rss_mb=M` (C is this
process's CPU time: on a shared machine it shows what the wall time owes to other work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from fundscout.db import engine_for, session_scope, upgrade
from fundscout.db.models import Call, CallHistory, CallSource, utcnow
from fundscout.load import import_calls_file, read_jsonl, validate_batch
from fundscout.load.upsert import _row_values
from fundscout.records import content_hash, facts

WORDS = "razpis sofinanciranje občine pametne rešitve mobilnost energija zdravje podatki storitve".split()


def write_calls(path: Path, rows: int, *, changed: bool) -> None:
    """`rows` calls with a notice text of about 1.5 kB, written line by line."""
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            body = " ".join(rng.choice(WORDS) for _ in range(200))
            day = dt.date(2027, 1, 1) + dt.timedelta(days=i % 300 + (30 if changed else 0))
            record = {
                "id": f"bench-{i:06d}",
                "url": f"https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/{i}/",
                "source": "uradni_list",
                "title": f"Javni razpis za {rng.choice(WORDS)} št. {i}",
                "publisher": "Ministrstvo za digitalno preobrazbo",
                "notice_number": f"Ob-{i % 99999 + 1}/{26 - i // 99999}",
                "published_on": "2026-11-13",
                "call_type": "javni_razpis",
                "programme_period": "2021-2027",
                "eu_funded": True,
                "funds": ["ERDF"],
                "deadlines": [day.isoformat()],
                "budget_eur": 1_000_000.0 + i + (250_000.0 if changed else 0.0),
                "applicant_types": ["municipality", "sme"],
                "text": body,
                "evidence": {"deadlines": f"Rok za oddajo vlog je {day:%d. %m. %Y}.", "budget_eur": "1.000.000 EUR"},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def head(path: Path, rows: int, target: Path) -> Path:
    with path.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for _, line in zip(range(rows), src, strict=False):
            out.write(line)
    return target


# --- the per-row path of commit 7018378 (fundscout/load/upsert.py), for comparison only ----------


def _per_row_stored_facts(call: Call) -> dict[str, Any]:
    out = {}
    for name in facts.__globals__["TRACKED_FIELDS"]:
        value = getattr(call, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = sorted(value)
        out[name] = value
    return out


def per_row_load_records(session, records) -> None:
    """The old upsert: ORM objects one by one and a SELECT of call_sources per record."""
    now = utcnow()
    ids = [r.id for r in records]
    existing: dict[str, Call] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        existing.update({c.id: c for c in session.scalars(select(Call).where(Call.id.in_(chunk)))})
    for record in records:
        new_facts = facts(record)
        digest = content_hash(new_facts)
        provenance = {name: {"snippet": snippet, "url": record.url} for name, snippet in record.evidence.items()}
        call = existing.get(record.id)
        if call is None:
            session.add(
                Call(
                    **_row_values(record),
                    provenance=provenance,
                    content_hash=digest,
                    first_seen_at=now,
                    updated_at=now,
                    last_seen_at=now,
                )
            )
        elif call.content_hash != digest:
            old_facts = _per_row_stored_facts(call)
            diff = {k: [old_facts[k], v] for k, v in new_facts.items() if old_facts[k] != v}
            for name, value in _row_values(record).items():
                setattr(call, name, value)
            call.provenance = {**call.provenance, **provenance}
            call.content_hash, call.updated_at, call.last_seen_at = digest, now, now
            session.add(
                CallHistory(
                    call_id=record.id, changed_at=now, source=record.source, run_id=None, kind="update", diff=diff
                )
            )
        else:
            call.last_seen_at = now
        seen = session.scalars(
            select(CallSource).where(
                CallSource.call_id == record.id, CallSource.source == record.source, CallSource.url == record.url
            )
        ).first()
        if seen is None:
            session.add(
                CallSource(call_id=record.id, source=record.source, url=record.url, first_seen_at=now, last_seen_at=now)
            )
        else:
            seen.last_seen_at = now
    session.flush()


def per_row_import(url: str, path: Path) -> None:
    """`import_calls_file` as it was: the whole file read and validated, then the per-row upsert."""
    records = validate_batch(read_jsonl(path), str(path))
    with session_scope(url) as session:
        per_row_load_records(session, records)


# --- stores ---------------------------------------------------------------------------------------


@contextmanager
def sqlite_store(folder: Path, name: str) -> Iterator[str]:
    url = f"sqlite:///{folder / name}.db"
    upgrade(url)
    yield url
    engine_for(url).dispose()


@contextmanager
def pg_store(admin_url: str) -> Iterator[str]:
    name = f"fundscout_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(store: str, path_name: str, load, url: str, files: dict[str, Path], rows: int) -> None:
    for batch in ("new", "unchanged", "changed"):
        started, cpu = time.perf_counter(), time.process_time()
        load(url, files[batch])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"store={store} path={path_name} batch={batch} rows={rows} seconds={seconds:.2f} "
            f"rows_per_s={rows / seconds:.0f} client_cpu_s={cpu:.2f} peak_rss_mb={peak_rss_mb():.0f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=3_000)
    parser.add_argument("--pg", help="PostgreSQL admin URL; without it only SQLite runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first, second = folder / "a.jsonl", folder / "b.jsonl"
        write_calls(first, args.rows, changed=False)
        write_calls(second, args.rows, changed=True)
        bulk_files = {"new": first, "unchanged": first, "changed": second}
        small_a = head(first, args.baseline_rows, folder / "a_small.jsonl")
        small_b = head(second, args.baseline_rows, folder / "b_small.jsonl")
        small_files = {"new": small_a, "unchanged": small_a, "changed": small_b}
        print(
            f"file_mb={first.stat().st_size / 2**20:.1f} rows={args.rows} "
            f"peak_rss_mb_before_loading={peak_rss_mb():.0f}",
            flush=True,
        )
        stores = [("sqlite", lambda name: sqlite_store(folder, name))]
        if args.pg:
            stores.append(("postgresql", lambda name: pg_store(args.pg)))
        for store, make in stores:
            with make("bulk") as url:
                measure(store, "bulk", import_calls_file, url, bulk_files, args.rows)
        # The per-row path reads whole files into memory: it runs after every bulk figure.
        for store, make in stores:
            with make("per_row") as url:
                measure(store, "per_row_7018378", per_row_import, url, small_files, args.baseline_rows)


if __name__ == "__main__":
    main()
