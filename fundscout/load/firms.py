"""The firm registry: the firm CSV read and validated row by row, then loaded by firm_id.

A bad row is reported by row and field and skipped; the good rows still load.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from fundscout.db import lock_for_load
from fundscout.db.models import Firm, utcnow
from fundscout.fields import FIRM_COLUMNS, FIRM_FIELDS
from fundscout.load.read import InputError, unreadable
from fundscout.records import FirmRecord, RecordError, content_hash, errors_from_validation


@dataclass
class FirmFile:
    firms: list[FirmRecord]
    errors: list[RecordError]


def read_firms_csv(path: Path) -> FirmFile:
    """Parse and validate a firm CSV. Problems with the file itself raise InputError.

    A row with more or fewer fields than the header is refused whole: an unquoted comma would
    otherwise shift a description into the interests."""
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([RecordError(name, None, None, "not UTF-8; save the file as UTF-8")]) from exc
    except OSError as exc:
        raise unreadable(name, exc) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError([RecordError(name, 1, None, f"not a CSV header row: {exc}")]) from exc
    if not header:
        raise InputError(
            [RecordError(name, None, None, f"file is empty: expected a header row {','.join(FIRM_COLUMNS)}")]
        )
    unknown = [c for c in header if c not in FIRM_COLUMNS]
    missing = [f.name for f in FIRM_FIELDS if f.required and f.name not in header]
    if unknown or missing:
        problems = [RecordError(name, 1, c, "unknown column") for c in unknown]
        problems += [RecordError(name, 1, c, "required column is missing") for c in missing]
        raise InputError(problems)
    firms, errors, seen = [], [], set()
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            errors.append(RecordError(name, reader.line_num, None, f"not a CSV row: {exc}"))
            continue
        if cells is None:
            break
        number = reader.line_num
        if not cells:  # a blank line
            continue
        if len(cells) != len(header):
            errors.append(
                RecordError(
                    name,
                    number,
                    None,
                    f"{len(cells)} fields where the header has {len(header)}; "
                    "put a value that contains a comma in double quotes",
                )
            )
            continue
        try:
            firm = FirmRecord.model_validate(dict(zip(header, cells, strict=True)))
        except ValidationError as exc:
            errors.extend(errors_from_validation(exc, name, number))
            continue
        if firm.firm_id in seen:
            errors.append(RecordError(name, number, "firm_id", f"duplicate firm_id {firm.firm_id!r}"))
            continue
        seen.add(firm.firm_id)
        firms.append(firm)
    if not firms and not errors:
        raise InputError([RecordError(name, None, None, "file has a header but no firms")])
    return FirmFile(firms, errors)


@dataclass
class FirmReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RecordError] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged firms; "
            f"{len(self.rejected)} rows rejected"
        )


def load_firms(
    session: Session, firms: Sequence[BaseModel], domains_of: Callable[[Any], list[str]], now: dt.datetime | None = None
) -> FirmReport:
    """Insert or refresh firms (FirmRecord) by firm_id, never duplicating one.

    `domains_of` gives a firm's domains; matching owns that rule (matching/firms.py).
    """
    lock_for_load(session)  # two imports of one registry: the second waits, never inserts a firm twice
    now = now or utcnow()
    report = FirmReport()
    for profile in firms:
        values = profile.model_dump()
        digest = content_hash(values)
        firm = session.get(Firm, profile.firm_id)
        if firm is None:
            session.add(
                Firm(
                    **values,
                    domains=domains_of(profile),
                    subscribed=True,
                    content_hash=digest,
                    created_at=now,
                    updated_at=now,
                )
            )
            report.created += 1
        elif firm.content_hash != digest:
            for key, value in values.items():
                setattr(firm, key, value)
            firm.domains = domains_of(profile)
            firm.content_hash, firm.updated_at = digest, now
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report
