"""Loads at the same time: each waits for the other, nothing is lost, history chains exactly.

Real threads against the real stores; the load lock (fundscout.db.lock_for_load) is what makes
a second load wait, so each test checks that the second one really waited.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

import fundscout.db.engine as engine_module
from fundscout.cli import app
from fundscout.db import engine_for, lock_for_load, session_scope
from fundscout.db.models import Call, CallHistory, CallSource
from fundscout.load import import_calls_file, load_records
from fundscout.records import CallRecord
from tests.conftest import _empty_tables
from tests.store.test_load import call, write_jsonl

runner = CliRunner()


def calls(ids, **overrides) -> list[dict]:
    return [call(id=f"call-{i:04d}", notice_number=None, title=f"Javni razpis številka {i}", **overrides) for i in ids]


def run_together(*jobs):
    """Run the jobs in threads released at once; re-raise the first failure."""
    start, results, errors = threading.Barrier(len(jobs)), [None] * len(jobs), []

    def worker(i, job):
        start.wait()
        try:
            results[i] = job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise errors[0]
    return results


def history_of(url, call_id) -> list[dict]:
    with session_scope(url) as s:
        return [
            r.diff
            for r in s.scalars(select(CallHistory).where(CallHistory.call_id == call_id).order_by(CallHistory.id))
        ]


def test_overlapping_new_calls_imported_at_once_all_load(db_url, tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", calls(range(0, 600), budget_eur=1000.0))
    b = write_jsonl(tmp_path / "b.jsonl", calls(range(300, 900), budget_eur=2000.0))
    first, second = run_together(lambda: import_calls_file(db_url, a), lambda: import_calls_file(db_url, b))
    overlap = {f"call-{i:04d}" for i in range(300, 600)}
    earlier, later = (first, second) if overlap <= set(first.created_ids) else (second, first)
    assert set(later.changed_ids) == overlap and later.created == 300
    last_budget = 1000.0 if later is first else 2000.0
    with session_scope(db_url) as s:
        stored = dict(s.execute(select(Call.id, Call.budget_eur)).all())
        sources = s.scalars(select(CallSource.call_id)).all()
    assert len(stored) == 900 and len(sources) == 900
    assert {stored[i] for i in overlap} == {last_budget}
    assert all(len(history_of(db_url, i)) == 1 for i in sorted(overlap)[:5])


def test_updates_in_opposite_order_at_once_do_not_deadlock(db_url, tmp_path):
    ids = list(range(400))
    import_calls_file(db_url, write_jsonl(tmp_path / "base.jsonl", calls(ids, budget_eur=1.0)))
    up = write_jsonl(tmp_path / "up.jsonl", calls(ids, budget_eur=2.0))
    down = write_jsonl(tmp_path / "down.jsonl", calls(reversed(ids), budget_eur=3.0))
    reports = run_together(lambda: import_calls_file(db_url, up), lambda: import_calls_file(db_url, down))
    assert [r.changed for r in reports] == [400, 400]
    chain = history_of(db_url, "call-0123")
    assert len(chain) == 2
    assert chain[0]["budget_eur"][0] == 1.0 and chain[0]["budget_eur"][1] == chain[1]["budget_eur"][0]
    with session_scope(db_url) as s:
        assert s.get(Call, "call-0123").budget_eur == chain[1]["budget_eur"][1]


def test_two_changes_of_one_fact_at_once_chain_in_history(db_url, tmp_path):
    """A load holds the store with 2000 -> 5000 uncommitted; a second load (5000 -> 4000) waits for it."""
    cid = call()["id"]
    import_calls_file(db_url, write_jsonl(tmp_path / "a.jsonl", [call(budget_eur=2000.0)]))
    second = write_jsonl(tmp_path / "c.jsonl", [call(budget_eur=4000.0)])
    locked, release, finished = threading.Event(), threading.Event(), []

    def first_load():
        with session_scope(db_url) as session:
            lock_for_load(session)
            load_records(session, [CallRecord.model_validate(call(budget_eur=5000.0))])
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=first_load)
    holder.start()
    assert locked.wait(30)
    waiter = threading.Thread(target=lambda: finished.append(import_calls_file(db_url, second)))
    waiter.start()
    time.sleep(1.0)
    assert finished == [] and waiter.is_alive()  # the second load waits, it neither fails nor reads 2000
    release.set()
    holder.join(30)
    waiter.join(30)
    assert finished and finished[0].changed == 1
    assert [d["budget_eur"] for d in history_of(db_url, cid)] == [[2000.0, 5000.0], [5000.0, 4000.0]]


def test_a_store_held_too_long_says_it_is_busy(fundscout_env, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "STORE_BUSY_SECONDS", 0.5)
    path = write_jsonl(tmp_path / "small.jsonl", [call()])
    with session_scope(fundscout_env) as session:
        lock_for_load(session)  # a long load, still running
        started = time.monotonic()
        result = runner.invoke(app, ["import-calls", str(path)])
        waited = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert "the store is busy: another load held it for more than 0.5 s, so nothing was loaded" in result.stderr
    assert "run the command again" in result.stderr and "Traceback" not in result.stderr
    assert waited >= 0.5
    assert import_calls_file(fundscout_env, path).created == 1  # free again: it loads


@pytest.fixture
def pg_url(postgres_url):
    _empty_tables(postgres_url)
    yield postgres_url
    _empty_tables(postgres_url)


def wait_for_a_lock_wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine_for(url).connect() as conn:
            waiting = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the load never waited for the other writer's lock")


def test_a_deadlock_with_another_writer_is_retried(pg_url, tmp_path):
    """Another writer locks call b, the load locks a and waits for b, the writer then wants a.

    PostgreSQL breaks the circle by aborting the load (it waited first and the writer's own
    deadlock check is set later); the load runs again and both writes land."""
    import_calls_file(pg_url, write_jsonl(tmp_path / "base.jsonl", calls([1, 2], budget_eur=1.0)))
    change = write_jsonl(tmp_path / "change.jsonl", calls([1, 2], budget_eur=2.0))
    writer = engine_for(pg_url).connect()
    writer.execute(text("SET deadlock_timeout = '20s'"))
    writer.execute(text("UPDATE calls SET domains = '[\"health\"]' WHERE id = 'call-0002'"))
    reports = []
    loader = threading.Thread(target=lambda: reports.append(import_calls_file(pg_url, change)))
    loader.start()
    wait_for_a_lock_wait(pg_url)  # the load now holds call-0001 and waits for call-0002
    writer.execute(text("UPDATE calls SET domains = '[\"health\"]' WHERE id = 'call-0001'"))
    writer.commit()
    writer.close()
    loader.join(30)
    assert reports and reports[0].retries == 1 and reports[0].changed == 2
    with session_scope(pg_url) as s:
        rows = s.execute(select(Call.id, Call.budget_eur, Call.domains).order_by(Call.id)).all()
    assert [tuple(r) for r in rows] == [("call-0001", 2.0, ["health"]), ("call-0002", 2.0, ["health"])]
