"""The store as pandas tables, and the files analysts and the call finder export them to.

`fundscout export calls|matches|firms --format csv|xlsx|parquet [--where EXPR]` and the finder's
CSV/XLSX downloads both write through `write_frame`, so a file means the same from either.

- Parquet keeps the types: lists stay lists, dates stay dates, times stay UTC times.
- CSV and XLSX hold one value per cell: a list is written as its items joined by "; " (the firm
  CSV's separator), dates as ISO text, times in UTC.
- XLSX cells are typed as text, so scraped text starting with `=`, `+`, `-` or `@` stays text
  and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db import session_scope
from fundscout.db.models import Call, Firm, Match
from fundscout.fields import CALL_FIELDS, FIRM_COLUMNS
from fundscout.status import call_status, deadline_to_show
from reports.digest.safe import EXCEL_CELL_LIMIT, clean_text

TABLES = ("calls", "matches", "firms")
FORMATS = ("csv", "xlsx", "parquet")
LIST_SEPARATOR = "; "

# The notice text is the page as read (long, and in the call page); the rest is every fact.
CALL_COLUMNS = tuple(f.name for f in CALL_FIELDS if f.name != "text")
FIRM_EXPORT_COLUMNS = (
    *FIRM_COLUMNS,
    "registry_number",
    "address",
    "domains",
    "subscribed",
    "paused",
    "confirmed_at",
    "unsubscribed_at",
    "created_at",
    "updated_at",
)


class ExportError(ValueError):
    """A table, format or `--where` expression that cannot be exported, with what is wrong."""


def _utc(at: dt.datetime | None) -> pd.Timestamp | None:
    """A stored time as an aware UTC timestamp (SQLite hands back naive UTC times)."""
    if at is None:
        return None
    return pd.Timestamp(at if at.tzinfo else at.replace(tzinfo=dt.UTC)).tz_convert("UTC")


def call_row(call: Any, today: dt.date) -> dict[str, Any]:
    """One call as an export row: its facts, its status today and the deadline a reader looks at."""
    row = {name: getattr(call, name) for name in CALL_COLUMNS}
    for name in ("funds", "deadlines", "applicant_types", "cohesion_regions", "domains"):
        row[name] = list(row[name] or [])
    row["status"] = call_status(call, today)
    row["deadline"] = deadline_to_show(call, today)
    row["first_seen_at"] = _utc(call.first_seen_at)
    row["updated_at"] = _utc(call.updated_at)
    return row


def calls_frame(calls: Iterable[Any], today: dt.date) -> pd.DataFrame:
    columns = [*CALL_COLUMNS, "status", "deadline", "first_seen_at", "updated_at"]
    return pd.DataFrame([call_row(c, today) for c in calls], columns=columns)


def _matches_frame(session: Session) -> pd.DataFrame:
    rows = []
    for match, title, name in session.execute(
        select(Match, Call.title, Firm.name)
        .join(Call, Call.id == Match.call_id)
        .join(Firm, Firm.firm_id == Match.firm_id)
        .order_by(Match.firm_id, Match.score.desc(), Match.call_id)
    ):
        reasons = match.reasons or {}
        rows.append(
            {
                "firm_id": match.firm_id,
                "firm_name": name,
                "call_id": match.call_id,
                "call_title": title,
                "score": match.score,
                "eligible": match.eligible,
                "eligibility_reasons": list(reasons.get("eligibility", [])),
                "relevance_reasons": list(reasons.get("relevance", [])),
                "computed_at": _utc(match.computed_at),
            }
        )
    columns = [
        "firm_id",
        "firm_name",
        "call_id",
        "call_title",
        "score",
        "eligible",
        "eligibility_reasons",
        "relevance_reasons",
        "computed_at",
    ]
    return pd.DataFrame(rows, columns=columns)


def _firms_frame(session: Session) -> pd.DataFrame:
    rows = []
    for firm in session.scalars(select(Firm).order_by(Firm.firm_id)):
        row = {name: getattr(firm, name) for name in FIRM_EXPORT_COLUMNS}
        for name in ("nace_codes", "interests", "domains"):
            row[name] = list(row[name] or [])
        for name in ("confirmed_at", "unsubscribed_at", "created_at", "updated_at"):
            row[name] = _utc(row[name])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(FIRM_EXPORT_COLUMNS))


def table_frame(database_url: str, table: str, today: dt.date) -> pd.DataFrame:
    """One of TABLES read from the store."""
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    with session_scope(database_url) as session:
        if table == "calls":
            return calls_frame(session.scalars(select(Call).order_by(Call.id)), today)
        if table == "matches":
            return _matches_frame(session)
        return _firms_frame(session)


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """One value per cell: lists joined with "; ", dates and times as ISO text (UTC)."""
    return pd.DataFrame(
        {column: [_flat_value(v) for v in frame[column].astype(object)] for column in frame.columns},
        columns=frame.columns,
        index=frame.index,
        dtype=object,
    )


def _flat_value(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(x) for x in value)
    if isinstance(value, dt.date):  # dates, datetimes and pandas timestamps
        return value.isoformat()
    if value is pd.NaT:
        return None
    return value


def select_rows(frame: pd.DataFrame, where: str | None) -> pd.DataFrame:
    """The rows for which the pandas expression `where` holds, evaluated on the flat table (so a
    list column is text: `domains.str.contains("health")`)."""
    if not where:
        return frame
    try:
        mask = flat(frame).query(where, engine="python").index
    except Exception as exc:  # pandas raises many kinds (syntax, unknown name, type)
        raise ExportError(
            f"--where {where!r} is not a usable pandas expression: {exc}; "
            f"columns are {', '.join(map(str, frame.columns))}"
        ) from exc
    return frame.loc[mask]


def _xlsx(frame: pd.DataFrame) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append([str(c) for c in frame.columns])
    for values in flat(frame).itertuples(index=False):
        sheet.append([None if _missing(v) else _cell(v) for v in values])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value, EXCEL_CELL_LIMIT)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def frame_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """`frame` as a file of format `fmt` (FORMATS)."""
    frame = frame.reset_index(drop=True)
    if fmt == "csv":
        return flat(frame).to_csv(index=False).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(frame)
    if fmt == "parquet":
        out = io.BytesIO()
        frame.to_parquet(out, index=False, engine="pyarrow")
        return out.getvalue()
    raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def export_table(
    database_url: str, table: str, fmt: str, output: Path, where: str | None = None, today: dt.date | None = None
) -> int:
    """`fundscout export`: write `table` (rows matching `where`) to `output`; the number of rows."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    frame = select_rows(table_frame(database_url, table, today or dt.date.today()), where)
    data = frame_bytes(frame, fmt)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return len(frame)
