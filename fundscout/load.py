"""The load step: validate a batch of call records, then upsert it with history in one transaction.

Used by ``fundscout import-calls`` and by the crawler once a run has passed its gate. A batch is
all or nothing: one invalid row, or a crash half-way, leaves the store exactly as it was.
Records are never deleted; a change to a fact updates the call and writes one history row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import Call, CallHistory, CallSource, utcnow
from fundscout.fields import CALL_FIELDS, TRACKED_FIELDS
from fundscout.records import RecordError, content_hash, facts, validate_record


class InputError(Exception):
    """Input that cannot be read at all (encoding, syntax, empty). Names the file and row."""

    def __init__(self, errors: Sequence[RecordError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class BatchRejected(InputError):
    """At least one row failed validation, so nothing of the batch was loaded."""


@dataclass
class LoadReport:
    received: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_ids: list[str] = field(default_factory=list)
    created_ids: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.received} records: {self.created} new, {self.changed} changed, "
                f"{self.unchanged} unchanged")


def read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """(line number, parsed JSON) for every non-blank line; InputError on anything unreadable."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([RecordError(name, 0, None, f"cannot read file: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputError([RecordError(name, row, None,
                                      f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]) from exc
    rows: list[tuple[int, Any]] = []
    errors: list[RecordError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(RecordError(name, number, None, f"not valid JSON: {exc.msg} at column {exc.colno}"))
    if errors:
        raise InputError(errors)
    if not rows:
        raise InputError([RecordError(name, 0, None, "file is empty: expected one JSON object per line")])
    return rows


def validate_batch(rows: Iterable[tuple[int, Any]], source: str) -> list[BaseModel]:
    """Validated records, or BatchRejected listing every bad row and field."""
    records: list[BaseModel] = []
    errors: list[RecordError] = []
    first_row: dict[str, int] = {}
    for number, data in rows:
        record, problems = validate_record(data, source, number)
        errors.extend(problems)
        if record is None:
            continue
        if record.id in first_row:
            errors.append(RecordError(source, number, "id",
                                      f"duplicate id {record.id!r}, first given on row {first_row[record.id]}"))
            continue
        first_row[record.id] = number
        records.append(record)
    if errors:
        raise BatchRejected(errors)
    return records


def _row_values(record: BaseModel) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in CALL_FIELDS:
        value = getattr(record, f.name)
        if f.kind == "dates":
            value = sorted(d.isoformat() for d in value)
        elif f.kind == "codes":
            value = sorted(value)
        values[f.name] = value
    return values


def _stored_facts(call: Call) -> dict[str, Any]:
    out = {}
    for name in TRACKED_FIELDS:
        value = getattr(call, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = sorted(value)
        out[name] = value
    return out


def _existing(session: Session, ids: list[str]) -> dict[str, Call]:
    found: dict[str, Call] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update({c.id: c for c in session.scalars(select(Call).where(Call.id.in_(chunk)))})
    return found


def load_records(session: Session, records: Sequence[BaseModel], *, run_id: int | None = None,
                 now: dt.datetime | None = None) -> LoadReport:
    """Upsert validated records inside the caller's transaction."""
    now = now or utcnow()
    report = LoadReport(received=len(records))
    existing = _existing(session, [r.id for r in records])
    for record in records:
        new_facts = facts(record)
        digest = content_hash(new_facts)
        provenance = {name: {"snippet": snippet, "url": record.url}
                      for name, snippet in record.evidence.items()}
        call = existing.get(record.id)
        if call is None:
            call = Call(**_row_values(record), provenance=provenance, content_hash=digest,
                        first_seen_at=now, updated_at=now, last_seen_at=now)
            session.add(call)
            report.created += 1
            report.created_ids.append(record.id)
        elif call.content_hash != digest:
            old_facts = _stored_facts(call)
            diff = {k: [old_facts[k], v] for k, v in new_facts.items() if old_facts[k] != v}
            for name, value in _row_values(record).items():
                setattr(call, name, value)
            call.provenance = {**call.provenance, **provenance}
            call.content_hash, call.updated_at, call.last_seen_at = digest, now, now
            kind = "amendment" if record.call_type == "amendment" else "update"
            session.add(CallHistory(call_id=record.id, changed_at=now, source=record.source,
                                    run_id=run_id, kind=kind, diff=diff))
            report.changed += 1
            report.changed_ids.append(record.id)
        else:
            call.last_seen_at = now
            report.unchanged += 1
        _mark_seen(session, record, now)
    session.flush()
    return report


def _mark_seen(session: Session, record: BaseModel, now: dt.datetime) -> None:
    seen = session.scalars(select(CallSource).where(
        CallSource.call_id == record.id, CallSource.source == record.source, CallSource.url == record.url,
    )).first()
    if seen is None:
        session.add(CallSource(call_id=record.id, source=record.source, url=record.url,
                               first_seen_at=now, last_seen_at=now))
    else:
        seen.last_seen_at = now


def import_calls_file(database_url: str, path: Path) -> LoadReport:
    """`fundscout import-calls`: read, validate whole, then load in one transaction."""
    from fundscout.db import session_scope

    records = validate_batch(read_jsonl(path), str(path))
    with session_scope(database_url) as session:
        return load_records(session, records)


@dataclass
class FirmReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RecordError] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged firms; "
                f"{len(self.rejected)} rows rejected")


def load_firms(session: Session, firms: Sequence[Any], now: dt.datetime | None = None) -> FirmReport:
    """Insert or refresh firms by firm_id (never duplicates). `firms` are matching.firms.FirmProfile."""
    from fundscout.db.models import Firm
    from matching.firms import firm_domains

    now = now or utcnow()
    report = FirmReport()
    for profile in firms:
        values = profile.model_dump()
        digest = content_hash(values)
        firm = session.get(Firm, profile.firm_id)
        if firm is None:
            session.add(Firm(**values, domains=firm_domains(profile), subscribed=True, content_hash=digest,
                             created_at=now, updated_at=now))
            report.created += 1
        elif firm.content_hash != digest:
            for key, value in values.items():
                setattr(firm, key, value)
            firm.domains = firm_domains(profile)
            firm.content_hash, firm.updated_at = digest, now
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report


def import_firms_file(database_url: str, path: Path) -> FirmReport:
    """`fundscout import-firms`: load the good rows, report the bad ones."""
    from fundscout.db import session_scope
    from matching.firms import read_firms_csv

    parsed = read_firms_csv(path)
    with session_scope(database_url) as session:
        report = load_firms(session, parsed.firms)
    report.rejected = parsed.errors
    return report
