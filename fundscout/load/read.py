"""Reading an input file of call records and validating it whole, before anything is kept.

A batch is all or nothing: one invalid row rejects it, and every problem is named by file, row
and field so the operator can fix the file. Files are read a line at a time, so a large file
never sits in memory whole: the loaders validate and load it in chunks inside one transaction
and roll it back if any row turns out bad.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fundscout.records import MAX_DEPTH, RecordError, validate_record


class InputError(Exception):
    """Input that cannot be read at all (missing, encoding, syntax, empty). Names the file and row."""

    def __init__(self, errors: Sequence[RecordError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class BatchRejected(InputError):
    """At least one row failed validation, so nothing of the batch was loaded."""


def unreadable(name: str, exc: OSError) -> InputError:
    """The file itself cannot be read: missing, a folder, no permission."""
    reason = {FileNotFoundError: "file not found", IsADirectoryError: "is a folder, not a file"}.get(
        type(exc), f"cannot read the file ({exc.strerror or exc})"
    )
    return InputError([RecordError(name, None, None, reason)])


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for every non-blank line, read lazily.

    A line that is not UTF-8 or not JSON yields a RecordError in place of its value; a file that
    cannot be opened or has no rows raises InputError.
    """
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise unreadable(name, exc) from exc
    rows = 0
    with handle:
        try:
            for number, raw in enumerate(handle, start=1):
                if number == 1:
                    raw = raw.removeprefix(codecs.BOM_UTF8)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    rows += 1
                    yield number, RecordError(name, number, None, "not UTF-8; save the file as UTF-8")
                    continue
                if not line.strip():
                    continue
                rows += 1
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, RecordError(name, number, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
                except RecursionError:
                    yield number, RecordError(name, number, None, f"values nested more than {MAX_DEPTH} levels deep")
        except OSError as exc:
            raise unreadable(name, exc) from exc
    if not rows:
        raise InputError([RecordError(name, None, None, "file is empty: expected one JSON object per line")])


def read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """Every row of `iter_jsonl` at once; InputError naming every unreadable line."""
    rows = list(iter_jsonl(path))
    errors = [value for _, value in rows if isinstance(value, RecordError)]
    if errors:
        raise InputError(errors)
    return rows


def validated_chunks(rows: Iterable[tuple[int, Any]], source: str, size: int) -> Iterator[list[BaseModel]]:
    """Validated records in chunks of `size`, while every row so far is good.

    After the first bad row nothing more is yielded, but every row is still checked, so that
    BatchRejected, raised at the end, lists every bad row and field of the batch.
    """
    chunk: list[BaseModel] = []
    errors: list[RecordError] = []
    first_row: dict[str, int] = {}
    for number, data in rows:
        if isinstance(data, RecordError):
            errors.append(data)
            continue
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
        if not errors:
            chunk.append(record)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if errors:
        raise BatchRejected(errors)
    if chunk:
        yield chunk


def validate_batch(rows: Iterable[tuple[int, Any]], source: str) -> list[BaseModel]:
    """Validated records, or BatchRejected listing every bad row and field."""
    return [record for chunk in validated_chunks(rows, source, size=1_000) for record in chunk]
