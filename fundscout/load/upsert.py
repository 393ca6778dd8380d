"""Upsert of validated call records with history, inside the caller's one transaction.

Records are never deleted; unchanged calls are skipped by content hash, and each real change to
a fact updates the call and writes one history row with the old and new values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import Call, CallHistory, CallSource, utcnow
from fundscout.fields import CALL_FIELDS, DERIVED_FIELDS, TRACKED_FIELDS
from fundscout.records import content_hash, facts


@dataclass
class LoadReport:
    received: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_ids: list[str] = field(default_factory=list)
    created_ids: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.received} records: {self.created} new, {self.changed} changed, {self.unchanged} unchanged"


def _row_values(record: BaseModel) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in CALL_FIELDS:
        if f.name in DERIVED_FIELDS and f.name not in record.model_fields_set:
            continue
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
        chunk = ids[start : start + 500]
        found.update({c.id: c for c in session.scalars(select(Call).where(Call.id.in_(chunk)))})
    return found


def load_records(
    session: Session, records: Sequence[BaseModel], *, run_id: int | None = None, now: dt.datetime | None = None
) -> LoadReport:
    """Upsert validated records inside the caller's transaction."""
    now = now or utcnow()
    report = LoadReport(received=len(records))
    existing = _existing(session, [r.id for r in records])
    for record in records:
        new_facts = facts(record)
        digest = content_hash(new_facts)
        provenance = {name: {"snippet": snippet, "url": record.url} for name, snippet in record.evidence.items()}
        call = existing.get(record.id)
        if call is None:
            call = Call(
                **_row_values(record),
                provenance=provenance,
                content_hash=digest,
                first_seen_at=now,
                updated_at=now,
                last_seen_at=now,
            )
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
            session.add(
                CallHistory(
                    call_id=record.id, changed_at=now, source=record.source, run_id=run_id, kind=kind, diff=diff
                )
            )
            report.changed += 1
            report.changed_ids.append(record.id)
        else:
            call.last_seen_at = now
            report.unchanged += 1
        _mark_seen(session, record, now)
    session.flush()
    return report


def _mark_seen(session: Session, record: BaseModel, now: dt.datetime) -> None:
    seen = session.scalars(
        select(CallSource).where(
            CallSource.call_id == record.id,
            CallSource.source == record.source,
            CallSource.url == record.url,
        )
    ).first()
    if seen is None:
        session.add(
            CallSource(call_id=record.id, source=record.source, url=record.url, first_seen_at=now, last_seen_at=now)
        )
    else:
        seen.last_seen_at = now
