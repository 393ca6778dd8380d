"""Engines, transactions and schema upgrades for SQLite and PostgreSQL alike.

Loads of calls and firms run one at a time (`lock_for_load`): the merge rules read the whole
store (notice numbers, titles), so two loads at once could each create the same call, and two
changes of one fact could each be recorded against the same old value. A load waits for the one
before it for at most `STORE_BUSY_SECONDS`, then fails with `StoreBusy`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from fundscout.config import STORE_BUSY_SECONDS

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
LOAD_LOCK_KEY = 0x46554E44  # PostgreSQL advisory lock every load takes ("FUND")
CONFLICT_ATTEMPTS = 3  # a load that deadlocks or fails to serialise runs again, this many times in all
_CONFLICT_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_LOCK_TIMEOUT_STATE = "55P03"  # lock_not_available: lock_timeout ran out


class StoreBusy(SQLAlchemyError):
    """The store stayed locked by another writer too long, or the load kept conflicting with one.

    A SQLAlchemyError, so every caller that reports a failed load reports this one too."""


@cache
def engine_for(url: str) -> Engine:
    """One engine per database URL; SQLite gets WAL, foreign keys, a busy timeout and a parent folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": STORE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL: readers never wait for the writer, and the writer never waits for readers.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session whose work commits at the end or rolls back whole on any error."""
    factory = sessionmaker(engine_for(url), expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def _busy_message(waited: float) -> str:
    return (
        f"the store is busy: another load held it for more than {waited:g} s, so nothing was loaded; "
        "run the command again when that load has finished"
    )


def lock_for_load(session: Session, wait_seconds: float | None = None) -> None:
    """Make this transaction the only load in the store until it ends, waiting at most `wait_seconds`.

    SQLite: a write that changes nothing takes the database's write lock now, so every read that
    follows sees the latest data and no other writer commits before this one. PostgreSQL: a
    transaction-level advisory lock; `lock_timeout` also bounds every row lock after it.
    Raises StoreBusy when the wait runs out (default `STORE_BUSY_SECONDS`).
    """
    wait_seconds = STORE_BUSY_SECONDS if wait_seconds is None else wait_seconds
    conn = session.connection()
    try:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
            try:
                conn.exec_driver_sql("UPDATE calls SET id = id WHERE 0")
            finally:  # the connection goes back to the pool with the engine's own timeout
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(STORE_BUSY_SECONDS * 1000)}")
        else:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'")
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})
    except DBAPIError as exc:
        if _is_busy(exc):
            raise StoreBusy(_busy_message(wait_seconds)) from exc
        raise


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _is_busy(exc: DBAPIError) -> bool:
    return _sqlstate(exc) == _LOCK_TIMEOUT_STATE or "database is locked" in str(exc.orig)


T = TypeVar("T")


def run_load(url: str, work: Callable[[Session], T], *, attempts: int = CONFLICT_ATTEMPTS) -> tuple[T, int]:
    """`work(session)` as the store's one load, in one transaction: (its result, conflicts retried).

    A deadlock or serialisation failure (PostgreSQL, against a writer that is not a load) rolls
    the transaction back and runs `work` again, up to `attempts` times in all; then StoreBusy.
    """
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(url) as session:
                lock_for_load(session)
                return work(session), attempt - 1
        except DBAPIError as exc:
            if _is_busy(exc):
                raise StoreBusy(_busy_message(STORE_BUSY_SECONDS)) from exc
            if _sqlstate(exc) not in _CONFLICT_STATES:
                raise
            if attempt == attempts:
                raise StoreBusy(
                    f"the store is busy: the load conflicted with other writers {attempts} times "
                    f"({type(exc.orig).__name__}), so nothing was loaded; run the command again"
                ) from exc
    raise AssertionError("unreachable")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Create or upgrade the schema to the newest migration."""
    command.upgrade(alembic_config(url), "head")
