"""File mode (`fundscout classify`, `fundscout match --input ... --firms ...`): no database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fundscout.extract import extract_notice
from fundscout.load import InputError, read_firms_csv, read_jsonl
from fundscout.records import RecordError
from matching.classify import (
    classify_text,
)
from matching.features import CallProfile
from matching.profiles import call_profile, call_terms, entry_from_profile
from matching.ranking import match_rows


def calls_from_notices(path: Path) -> list[CallProfile]:
    """Notice rows {id, url, text} -> call profiles, facts read with fundscout.extract."""
    calls, errors = [], []
    for number, row in read_jsonl(path):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            errors.append(RecordError(str(path), number, None, "expected an object with string 'id' and 'text'"))
            continue
        extraction = extract_notice(row["text"], row.get("url"))
        fields = extraction.fields
        calls.append(call_profile(row["id"], fields.get("title") or "", row["text"], call_terms(fields, row["text"])))
    if errors:
        raise InputError(errors)
    return calls


def classify_file(notices: Path, output: Path) -> int:
    """`fundscout classify`: one row per notice with its domains, scores and evidence."""
    out, errors = [], []
    for number, row in read_jsonl(notices):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            errors.append(RecordError(str(notices), number, None, "expected an object with string 'id' and 'text'"))
            continue
        title = extract_notice(row["text"], row.get("url")).fields.get("title") or ""
        labels = classify_text(title, row["text"])
        out.append(
            {
                "id": row["id"],
                "domains": [label.domain for label in labels],
                "scores": {label.domain: label.score for label in labels},
                "evidence": {label.domain: label.evidence for label in labels},
            }
        )
    if errors:
        raise InputError(errors)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    return len(out)


def match_file(
    notices: Path,
    firms_csv: Path,
    output: Path,
    *,
    top: int | None = None,
    include_closed: bool = False,
    today: dt.date | None = None,
    lang: str = "sl",
) -> dict[str, Any]:
    """`fundscout match --input N.jsonl --firms F.csv --output O.jsonl`: no database."""
    parsed = read_firms_csv(firms_csv)
    firms = [entry_from_profile(p) for p in parsed.firms]
    calls = calls_from_notices(notices)
    rows = match_rows(firms, calls, top=top, today=today, include_closed=include_closed, lang=lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
    return {"firms": len(firms), "calls": len(calls), "rows": len(rows), "rejected": parsed.errors}
