"""Reading an input file of call records and validating it whole, before anything is loaded.

A batch is all or nothing: one invalid row rejects it, and every problem is named by file, row
and field so the operator can fix the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fundscout.records import RecordError, validate_record


class InputError(Exception):
    """Input that cannot be read at all (encoding, syntax, empty). Names the file and row."""

    def __init__(self, errors: Sequence[RecordError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class BatchRejected(InputError):
    """At least one row failed validation, so nothing of the batch was loaded."""


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
        raise InputError(
            [RecordError(name, row, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
        ) from exc
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
            errors.append(
                RecordError(
                    source, number, "id", f"duplicate id {record.id!r}, first given on row {first_row[record.id]}"
                )
            )
            continue
        first_row[record.id] = number
        records.append(record)
    if errors:
        raise BatchRejected(errors)
    return records
