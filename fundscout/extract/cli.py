"""`fundscout extract`: JSONL rows `{id, url, text}` in, one row of fields and evidence per notice out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fundscout.extract import extract_notice
from fundscout.load import InputError, read_jsonl
from fundscout.records import RecordError

PROGRESS_EVERY = 200


def _checked_rows(path: Path) -> list[tuple[int, dict]]:
    """The input rows, or InputError naming every row that is not an object with a text."""
    rows = read_jsonl(path)
    errors = []
    for number, row in rows:
        if not isinstance(row, dict):
            errors.append(RecordError(str(path), number, None, f"expected a JSON object, got {type(row).__name__}"))
        elif not isinstance(row.get("text"), str):
            problem = "is missing" if row.get("text") is None else "must be a string"
            errors.append(RecordError(str(path), number, "text", f"the notice text {problem}"))
        elif not isinstance(row.get("id"), (str, int)):
            errors.append(RecordError(str(path), number, "id", "the notice id is missing"))
    if errors:
        raise InputError(errors)
    return rows


def extract_file(input_path: Path, output_path: Path, progress: Callable[[str], None] | None = None) -> int:
    """Extract every notice of `input_path` into `output_path`; the input is checked whole first,
    so a bad row leaves no half-written output. Returns the number of notices."""
    rows = _checked_rows(input_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(output_path.name + ".part")
    with tmp.open("w", encoding="utf-8") as out:
        for done, (_, row) in enumerate(rows, start=1):
            extraction = extract_notice(row["text"], row.get("url"))
            record = {"id": str(row["id"]), "url": row.get("url"), **extraction.fields, "evidence": extraction.evidence}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if progress and done % PROGRESS_EVERY == 0:
                progress(f"extract: {done}/{len(rows)} notices")
    tmp.replace(output_path)
    return len(rows)
