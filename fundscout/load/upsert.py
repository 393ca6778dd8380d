"""Upsert of validated call records with history, inside the caller's one transaction.

Records are never deleted; unchanged calls are skipped by content hash, and each real change to
a fact updates the call and writes one history row with the old and new values.

The work is done in batches, a few statements per batch whatever its size: one read of the
stored hashes (locked, in id order, on PostgreSQL), one read of the facts of the changed calls,
one insert of the new calls, one update per shape of changed row, one update of the unchanged
ones, one insert of the history rows, and for the pages seen one read, one insert of the new and
one update of the known. On PostgreSQL each insert and update is one statement of column arrays.
The caller holds the load lock (`fundscout.db.lock_for_load`), so the values a change is
recorded against are the last ones written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, ColumnElement, Date, DateTime, Table, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from fundscout.db.models import Call, CallHistory, CallSource, utcnow
from fundscout.fields import CALL_FIELDS, DERIVED_FIELDS, TRACKED_FIELDS
from fundscout.records import content_hash, facts

BATCH_SIZE = 1_000  # records per round of statements; also bounds the ids in one IN (...)

calls = Call.__table__
history_table = CallHistory.__table__
sources_table = CallSource.__table__


@dataclass
class LoadReport:
    received: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_ids: list[str] = field(default_factory=list)
    created_ids: list[str] = field(default_factory=list)
    retries: int = 0  # times the whole load ran again after a deadlock or serialisation failure

    def add(self, other: LoadReport) -> LoadReport:
        self.received += other.received
        self.created += other.created
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.created_ids += other.created_ids
        self.changed_ids += other.changed_ids
        return self

    def __str__(self) -> str:
        return f"{self.received} records: {self.created} new, {self.changed} changed, {self.unchanged} unchanged"


# The fields by how a row stores them, worked out once rather than per record and field.
_AS_IS = tuple(f.name for f in CALL_FIELDS if f.kind not in ("codes", "dates") and f.name not in DERIVED_FIELDS)
_CODES = tuple(f.name for f in CALL_FIELDS if f.kind == "codes" and f.name not in DERIVED_FIELDS)
_DATES = tuple(f.name for f in CALL_FIELDS if f.kind == "dates" and f.name not in DERIVED_FIELDS)
_DERIVED = tuple((f.name, f.kind) for f in CALL_FIELDS if f.name in DERIVED_FIELDS)


def _row_values(record: BaseModel) -> dict[str, Any]:
    given = record.__dict__  # the validated values, read without a getattr per field
    values = {name: given[name] for name in _AS_IS}
    for name in _CODES:
        values[name] = sorted(given[name])
    for name in _DATES:
        values[name] = sorted(d.isoformat() for d in given[name])
    for name, kind in _DERIVED:  # a derived field nobody gave keeps its stored value
        if name in record.model_fields_set:
            value = given[name]
            values[name] = (
                sorted(d.isoformat() for d in value) if kind == "dates" else sorted(value) if kind == "codes" else value
            )
    return values


def _stored_facts(row: Any) -> dict[str, Any]:
    out = {}
    for name in TRACKED_FIELDS:
        value = getattr(row, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = sorted(value)
        out[name] = value
    return out


def _one_of(session: Session, column: Any, values: list[Any]) -> ColumnElement[bool]:
    """`column IN (values)`; on PostgreSQL `= ANY(array)`, one parameter, so the statement stays
    short and psycopg parses it once instead of once per batch."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def _stored_hashes(session: Session, ids: list[str]) -> dict[str, str]:
    """The content hash of each stored call of these ids, locked against other writers on PostgreSQL.

    Locks are taken in id order, the order every load takes them in, so two writers never
    wait for each other in a circle. Only the hash is read: an unchanged call needs nothing more."""
    stmt = (
        select(calls.c.id, calls.c.content_hash).where(_one_of(session, calls.c.id, sorted(ids))).order_by(calls.c.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return {call_id: digest for call_id, digest in session.execute(stmt)}


def _stored_rows(session: Session, ids: list[str]) -> dict[str, Any]:
    """The stored facts and provenance of calls whose hash says they changed (already locked)."""
    if not ids:
        return {}
    stmt = select(calls.c.id, calls.c.provenance, *(calls.c[name] for name in TRACKED_FIELDS)).where(
        _one_of(session, calls.c.id, sorted(ids))
    )
    return {row.id: row for row in session.execute(stmt)}


# --- many rows in one driver call ------------------------------------------------------------------
# SQLAlchemy's executemany spends more time per row on its own bookkeeping than the database
# spends storing it. These build the statement once and hand the rows to the driver, converted
# the way SQLAlchemy's column types store them (JSON as text; on SQLite, dates and timestamps as
# its ISO text), so the ORM reads them back as if it had written them.


def _sqlite_timestamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


_json_text = json.JSONEncoder().encode  # what json.dumps does with its defaults, without its per-call set-up


@lru_cache(maxsize=4_096)
def _json_strings(items: tuple[str, ...]) -> str:
    return _json_text(list(items))


def _json_column(value: Any) -> str:
    """A JSON column's text. Lists of codes and dates repeat from row to row (a few funds, a few
    applicant types), so their text is encoded once and looked up after."""
    if type(value) is list and all(type(item) is str for item in value):
        return _json_strings(tuple(value))
    return _json_text(value)


@cache
def _converters(dialect: str, table: Table) -> dict[str, Callable[[Any], Any]]:
    out: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, JSON):
            out[column.name] = _json_column
        elif dialect == "sqlite" and isinstance(column.type, DateTime):
            out[column.name] = _sqlite_timestamp
        elif dialect == "sqlite" and isinstance(column.type, Date):
            out[column.name] = _sqlite_date
    return out


def _driver_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> tuple[Any, list[dict[str, Any]]]:
    conn = session.connection()
    convert = _converters(conn.dialect.name, table)
    names = [name for name in rows[0] if name in convert]
    for row in rows:
        for name in names:
            row[name] = convert[name](row[name])
    return conn, rows


def _placeholder(conn: Any, name: str) -> str:
    return f"%({name})s" if conn.dialect.paramstyle == "pyformat" else f":{name}"


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows may leave out columns: those get the column's default (as SQLAlchemy would) or NULL."""
    given = {name for row in rows for name in row}
    columns = [c for c in table.columns if c.name in given or c.default is not None]
    for column in columns:
        default = column.default
        for row in rows:
            if column.name not in row:
                row[column.name] = (
                    None if default is None else default.arg(None) if default.is_callable else default.arg
                )
    conn, rows = _driver_rows(session, table, rows)
    quote = conn.dialect.identifier_preparer.quote
    columns = list(rows[0])
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(sql + f"SELECT * FROM {_unnest(conn, table, columns)}", _column_arrays(rows, columns))
        return
    conn.exec_driver_sql(sql + f"VALUES ({', '.join(_placeholder(conn, c) for c in columns)})", rows)


# PostgreSQL takes the rows as one array per column: one short statement, parsed once, whatever
# the batch size. (psycopg's executemany sends one statement per row, each planned and run apart.)


def _unnest(conn: Any, table: Table, columns: list[str]) -> str:
    (key,) = table.primary_key.columns
    types = [(key if c == "key" else table.c[c]).type.compile(dialect=conn.dialect) for c in columns]
    return f"unnest({', '.join(f'CAST(%b AS {t}[])' for t in types)})"


def _column_arrays(rows: list[dict[str, Any]], columns: list[str]) -> tuple[list[Any], ...]:
    return tuple([row[c] for row in rows] for c in columns)


def _update_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows of one set of columns; `key` is the primary key of the row to update."""
    conn, rows = _driver_rows(session, table, rows)
    quote = conn.dialect.identifier_preparer.quote
    (key,) = table.primary_key.columns
    if conn.dialect.name == "postgresql":
        names = list(rows[0])
        assignments = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in names if c != "key")
        conn.exec_driver_sql(
            f"UPDATE {quote(table.name)} SET {assignments} "
            f"FROM {_unnest(conn, table, names)} AS v ({', '.join(quote(c) for c in names)}) "
            f"WHERE {quote(table.name)}.{quote(key.name)} = v.{quote('key')}",
            _column_arrays(rows, names),
        )
        return
    assignments = ", ".join(f"{quote(c)} = {_placeholder(conn, c)}" for c in rows[0] if c != "key")
    conn.exec_driver_sql(
        f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key.name)} = {_placeholder(conn, 'key')}", rows
    )


def _mark_seen(session: Session, batch: Sequence[BaseModel], now: dt.datetime) -> None:
    """Record each page a call was seen on: a new row, or a later last_seen_at for a known one.

    The load lock keeps other loads from adding the same page meanwhile."""
    ids = sorted({r.id for r in batch})
    pages = select(sources_table.c.id, sources_table.c.call_id, sources_table.c.source, sources_table.c.url)
    known = {
        (row.call_id, row.source, row.url): row.id
        for row in session.execute(pages.where(_one_of(session, sources_table.c.call_id, ids)))
    }
    seen, new_rows = [], []
    for record in batch:
        page = (record.id, record.source, record.url)
        if page in known:
            seen.append(known[page])
        else:
            known[page] = None  # one row per page, however often the batch names it
            new_rows.append(
                {
                    "call_id": record.id,
                    "source": record.source,
                    "url": record.url,
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
            )
    if seen:
        session.execute(
            update(sources_table).where(_one_of(session, sources_table.c.id, seen)).values(last_seen_at=now)
        )
    if new_rows:
        _insert_many(session, sources_table, new_rows)


def load_records(
    session: Session,
    records: Iterable[BaseModel],
    *,
    run_id: int | None = None,
    now: dt.datetime | None = None,
    kind: str | None = None,
) -> LoadReport:
    """Upsert validated records (one per call id) inside the caller's transaction.

    A change is recorded as an "amendment" when the record is one (call_type) or `kind` says so,
    else as an "update"."""
    now = now or utcnow()
    session.flush()  # the ORM's pending work first: the statements below go around it
    report = LoadReport()
    batch: list[BaseModel] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH_SIZE:
            _load_batch(session, batch, report, run_id, now, kind)
            batch = []
    if batch:
        _load_batch(session, batch, report, run_id, now, kind)
    session.expire_all()  # objects the session holds may show the rows as they were before
    return report


def _load_batch(
    session: Session,
    batch: Sequence[BaseModel],
    report: LoadReport,
    run_id: int | None,
    now: dt.datetime,
    kind: str | None,
) -> None:
    hashes = _stored_hashes(session, [r.id for r in batch])
    fact_values = {r.id: facts(r) for r in batch}
    digests = {i: content_hash(values) for i, values in fact_values.items()}
    stored = _stored_rows(session, [i for i, h in hashes.items() if h != digests[i]])
    new_rows: list[dict[str, Any]] = []
    changes: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # one executemany per set of columns
    history: list[dict[str, Any]] = []
    unchanged: list[str] = []
    for record in batch:
        digest = digests[record.id]
        provenance = {name: {"snippet": snippet, "url": record.url} for name, snippet in record.evidence.items()}
        if record.id not in hashes:
            new_rows.append(
                {
                    **_row_values(record),
                    "provenance": provenance,
                    "content_hash": digest,
                    "first_seen_at": now,
                    "updated_at": now,
                    "last_seen_at": now,
                }
            )
            report.created_ids.append(record.id)
        elif hashes[record.id] != digest:
            row = stored[record.id]
            new_facts = fact_values[record.id]
            old_facts = _stored_facts(row)
            values = _row_values(record)
            values.pop("id")
            values.update(
                key=record.id,
                provenance={**row.provenance, **provenance},
                content_hash=digest,
                updated_at=now,
                last_seen_at=now,
            )
            changes.setdefault(tuple(sorted(values)), []).append(values)
            history.append(
                {
                    "call_id": record.id,
                    "changed_at": now,
                    "source": record.source,
                    "run_id": run_id,
                    "kind": kind or ("amendment" if record.call_type == "amendment" else "update"),
                    "diff": {k: [old_facts[k], v] for k, v in new_facts.items() if old_facts[k] != v},
                }
            )
            report.changed_ids.append(record.id)
        else:
            unchanged.append(record.id)
    if new_rows:
        _insert_many(session, calls, new_rows)
    for rows in changes.values():
        _update_many(session, calls, rows)
    if unchanged:
        session.execute(update(calls).where(_one_of(session, calls.c.id, unchanged)).values(last_seen_at=now))
    if history:
        _insert_many(session, history_table, history)
    _mark_seen(session, batch, now)
    report.received += len(batch)
    report.created += len(new_rows)
    report.changed += len(history)
    report.unchanged += len(unchanged)
