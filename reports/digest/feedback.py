"""Firms' responses from their workbooks, and how they move future matches.

A firm picks a status per call in its workbook (zanima nas / ni relevantno / prijavljamo se) and
sends the file back; `fundscout feedback FILE.xlsx` stores the responses in `firm_feedback`.
`FeedbackPreferences.adjustment` turns them into score points: the call itself moves strongly
("ni relevantno" removes it from later digests), and calls in the same smart-city domains move a
little, up for domains the firm showed interest in and down for domains it declined.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db import session_scope
from fundscout.db.models import Call, Firm, FirmFeedback, utcnow
from reports.digest.content import word
from reports.digest.links import BadToken, read_digest_token
from reports.digest.workbook import CALL_COLUMNS, TOKEN_PROPERTY, status_code

# Points added to a match's 0–100 score for the firm's response to that very call.
CALL_POINTS = {"applying": 15.0, "interested": 10.0, "not_relevant": -100.0}
# Points per net response in a shared domain, and the most domain preference can move a score.
DOMAIN_POINTS = 4.0
DOMAIN_CAP = 10.0
MAX_FILE_BYTES = 20 * 1024 * 1024


class FeedbackError(ValueError):
    """A returned workbook that cannot be read; the message names the file and the problem."""


@dataclass
class FeedbackPreferences:
    responses: dict[str, str] = field(default_factory=dict)  # call id -> status
    domain_balance: Counter[str] = field(default_factory=Counter)

    def add(self, call_id: str, status: str, domains: Iterable[str]) -> None:
        self.responses[call_id] = status
        for domain in domains or ():
            self.domain_balance[domain] += -1 if status == "not_relevant" else 1

    @classmethod
    def load(cls, session: Session, firm_id: str) -> FeedbackPreferences:
        return cls.load_many(session, [firm_id]).get(firm_id, cls())

    @classmethod
    def load_many(cls, session: Session, firm_ids: list[str]) -> dict[str, FeedbackPreferences]:
        """Preferences of several firms in a few queries (firms without feedback are left out)."""
        prefs: dict[str, FeedbackPreferences] = {}
        for start in range(0, len(firm_ids), 500):
            rows = session.execute(
                select(FirmFeedback.firm_id, FirmFeedback.call_id, FirmFeedback.status, Call.domains)
                .join(Call, Call.id == FirmFeedback.call_id)
                .where(FirmFeedback.firm_id.in_(firm_ids[start : start + 500]))
            )
            for firm_id, call_id, status, domains in rows:
                prefs.setdefault(firm_id, cls()).add(call_id, status, domains)
        return prefs

    def adjustment(self, call_id: str, domains: Iterable[str]) -> float:
        """Score points for a call: the firm's own response to it, else its domain preference."""
        if call_id in self.responses:
            return CALL_POINTS[self.responses[call_id]]
        points = sum(self.domain_balance.get(d, 0) * DOMAIN_POINTS for d in domains or ())
        return max(-DOMAIN_CAP, min(DOMAIN_CAP, points))


def feedback_adjustment(session: Session, firm_id: str, call_id: str) -> float:
    """Points to add to the firm's 0–100 match score of the call (then clamp to 0–100)."""
    call = session.get(Call, call_id)
    domains = call.domains if call is not None else []
    return FeedbackPreferences.load(session, firm_id).adjustment(call_id, domains)


def adjusted_score(score: float, points: float) -> float:
    return max(0.0, min(100.0, score + points))


@dataclass
class FeedbackFile:
    firm_id: str
    week: str
    responses: dict[str, str]  # call id -> status
    problems: list[str]


_ID_LABEL = next(c.label("sl") for c in CALL_COLUMNS if c.key == "id")


def _header_positions(header: tuple) -> tuple[int, int] | None:
    labels = {str(v).strip() for v in header if v is not None}
    for lang in ("sl", "en"):
        status_label = word("status", lang)
        id_label = next(c.label(lang) for c in CALL_COLUMNS if c.key == "id")
        if status_label in labels and id_label in labels:
            names = [str(v).strip() if v is not None else "" for v in header]
            return names.index(id_label), names.index(status_label)
    return None


def read_feedback(path: Path) -> FeedbackFile:
    """The responses in a returned workbook; FeedbackError when it is not a FundScout digest."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FeedbackError(f"{name}: cannot read file: {exc.strerror}") from exc
    if size > MAX_FILE_BYTES:
        raise FeedbackError(f"{name}: file is {size} bytes, more than a digest can be ({MAX_FILE_BYTES} bytes)")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FeedbackError(f"{name}: not an Excel workbook (.xlsx): {exc}") from exc
    try:
        prop = next((p for p in wb.custom_doc_props.props if p.name == TOKEN_PROPERTY), None)
        if prop is None or not prop.value:
            raise FeedbackError(f"{name}: not a FundScout digest (its FundScout mark is missing)")
        try:
            firm_id, week = read_digest_token(str(prop.value))
        except BadToken as exc:
            raise FeedbackError(f"{name}: {exc}") from exc
        found: dict[str, set[str]] = {}
        problems: list[str] = []
        sheets_read = 0
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            positions = _header_positions(next(rows, ()))
            if positions is None:
                continue
            sheets_read += 1
            id_at, status_at = positions
            for number, row in enumerate(rows, start=2):
                if len(row) <= max(id_at, status_at) or row[status_at] in (None, ""):
                    continue
                call_id, status = row[id_at], status_code(row[status_at])
                if status is None:
                    problems.append(
                        f"{name}: sheet {ws.title!r}, row {number}: unknown response "
                        f"{str(row[status_at])[:40]!r}; pick one from the list"
                    )
                elif call_id:
                    found.setdefault(str(call_id), set()).add(status)
    finally:
        wb.close()
    if not sheets_read:
        raise FeedbackError(
            f"{name}: no sheet has the columns {word('status', 'sl')!r} and "
            f"{_ID_LABEL!r}; were they renamed or deleted?"
        )
    responses = {}
    for call_id, statuses in found.items():
        if len(statuses) == 1:
            responses[call_id] = statuses.pop()
        else:
            problems.append(
                f"{name}: call {call_id}: different responses in different sheets "
                f"({', '.join(sorted(statuses))}); left unchanged"
            )
    return FeedbackFile(firm_id, week, responses, problems)


@dataclass
class FeedbackReport:
    firm_id: str
    week: str
    stored: int
    problems: list[str]

    def __str__(self) -> str:
        return f"firm {self.firm_id}, week {self.week}: {self.stored} responses stored"


def store_feedback(database_url: str, path: Path) -> FeedbackReport:
    """Read a returned workbook and store its responses (the latest response per call wins)."""
    parsed = read_feedback(path)
    problems = list(parsed.problems)
    stored = 0
    with session_scope(database_url) as session:
        if session.get(Firm, parsed.firm_id) is None:
            raise FeedbackError(f"{path}: firm {parsed.firm_id!r} is not in the store")
        known = set(session.scalars(select(Call.id).where(Call.id.in_(list(parsed.responses)))))
        now = utcnow()
        for call_id, status in parsed.responses.items():
            if call_id not in known:
                problems.append(f"{path}: call {call_id!r} is not in the store; response skipped")
                continue
            row = session.get(FirmFeedback, (parsed.firm_id, call_id))
            if row is None:
                session.add(
                    FirmFeedback(
                        firm_id=parsed.firm_id,
                        call_id=call_id,
                        status=status,
                        week=parsed.week,
                        source=path.name,
                        received_at=now,
                    )
                )
            else:
                row.status, row.week, row.source, row.received_at = status, parsed.week, path.name, now
            stored += 1
    return FeedbackReport(parsed.firm_id, parsed.week, stored, problems)
