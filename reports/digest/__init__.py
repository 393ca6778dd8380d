"""Weekly digests: per firm an Excel workbook of the calls that fit it, e-mailed once a week.

`run_weekly` is the stage's entry point (CLI `fundscout digest`, the Airflow DAG, the demo).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from fundscout.config import DIGEST_MIN_SCORE, settings
from fundscout.db import session_scope
from fundscout.db.models import EmailSuppression, Firm, utcnow
from reports.digest.collect import Week, collect_digests, recipients
from reports.digest.links import (
    BadToken,
    digest_token,
    firm_of_unsubscribe_token,
    sending_problems,
    unsubscribe_url,
)
from reports.digest.mail import DEFAULT_SENDER, as_wire_bytes, build_message, parse_smtp_url, quiet
from reports.digest.outbox import Delivery, deliver_pending, fail_unsendable, queue, settled_firms, undelivered
from reports.digest.workbook import build_workbook

__all__ = [
    "QUIET_WEEK_CHOICES",
    "DigestReport",
    "run_weekly",
    "set_quiet_week",
    "unsubscribe",
    "unsubscribe_firm",
    "BadToken",
]

ATTACHMENT_NAMES = {"sl": "fundscout-razpisi-{week}.xlsx", "en": "fundscout-calls-{week}.xlsx"}
QUIET_WEEK_CHOICES = ("digest", "note")


@dataclass
class DigestReport:
    week: str
    receiving_firms: int = 0
    workbooks: list[Path] = field(default_factory=list)
    messages: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # firms told that nothing new fits this week
    already_done: list[str] = field(default_factory=list)
    unsendable: dict[str, str] = field(default_factory=dict)  # firm id -> why no message was made
    outcome: dict[str, str] = field(default_factory=dict)  # firm id -> outbox status (with --send)
    earlier: dict[str, str] = field(default_factory=dict)  # "week firm" -> status of an earlier week's message
    undelivered: list[str] = field(default_factory=list)  # "week firm status" still not known delivered

    def __str__(self) -> str:
        text = (
            f"week {self.week}: {len(self.workbooks)} digests for {self.receiving_firms} subscribed firms, "
            f"{len(self.notes)} told that nothing new fits"
        )
        if self.unsendable:
            text += f", {len(self.unsendable)} with an unusable e-mail address"
        if self.already_done:
            text += f", {len(self.already_done)} already handled this week"
        if self.outcome:
            counts: dict[str, int] = {}
            for status in self.outcome.values():
                counts[status] = counts.get(status, 0) + 1
            text += "; " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        if self.earlier:
            sent = sum(status == "sent" for status in self.earlier.values())
            text += f"; earlier weeks: {sent} of {len(self.earlier)} pending messages sent"
        if self.undelivered:
            text += f"; {len(self.undelivered)} messages not yet delivered (fundscout outbox)"
        return text


def _file_stem(firm_id: str, week: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9._-]', '_', firm_id)}-{week}"


def run_weekly(
    database_url: str,
    week: str,
    *,
    out_dir: Path,
    send: bool,
    smtp_url: str | None,
    lang: str = "sl",
    min_score: float = DIGEST_MIN_SCORE,
    today: dt.date | None = None,
) -> DigestReport:
    """Build every receiving firm's e-mail for `week` (a digest, or a short note when nothing fits)
    and write .xlsx and .eml under `out_dir` (`digests/`, `outbox/`); with `send`, queue them and
    deliver every pending message of this and earlier weeks, the earliest first, each at most once."""
    if lang not in ATTACHMENT_NAMES:
        raise ValueError(f"language {lang!r} is not supported; use sl or en")
    parsed = Week.parse(week)
    if send:
        problems = ([] if smtp_url else ["sending needs an SMTP server: set FUNDSCOUT_SMTP_URL"]) + sending_problems()
        if problems:
            raise ValueError("; ".join(problems))
    smtp = parse_smtp_url(smtp_url) if send and smtp_url else None
    sender = smtp.sender if smtp else DEFAULT_SENDER
    cfg = settings()
    today = today or dt.datetime.now(cfg.timezone).date()

    report = DigestReport(week=parsed.name)
    done = settled_firms(database_url, parsed.name) if send else set()
    with session_scope(database_url) as session:
        report.receiving_firms = len(recipients(session))
        digests = collect_digests(session, parsed, tz=cfg.timezone, today=today, min_score=min_score)

    books, outbox_dir = out_dir / "digests", out_dir / "outbox"
    books.mkdir(parents=True, exist_ok=True)
    outbox_dir.mkdir(parents=True, exist_ok=True)
    for firm, digest in digests:
        if firm.firm_id in done:
            report.already_done.append(firm.firm_id)
            continue
        note = digest.is_empty or (firm.quiet_week == "note" and quiet(digest))
        workbook = None if note else build_workbook(digest, lang, token=digest_token(firm.firm_id, parsed.name))
        try:
            message = build_message(
                digest,
                firm.email or "",
                workbook,
                sender=sender,
                lang=lang,
                unsubscribe_url=unsubscribe_url(firm.firm_id),
                attachment_name=ATTACHMENT_NAMES[lang].format(week=parsed.name),
            )
        except ValueError as exc:  # the e-mail module rejects a malformed address
            reason = f"firm {firm.firm_id}: e-mail address {firm.email!r} is not valid: {exc}"
            report.unsendable[firm.firm_id] = reason
            if send:
                report.outcome[firm.firm_id] = fail_unsendable(database_url, firm.firm_id, parsed.name, reason)
            continue
        stem = _file_stem(firm.firm_id, parsed.name)
        book_path, message_path = books / f"{stem}.xlsx", outbox_dir / f"{stem}.eml"
        if workbook is None:
            report.notes.append(firm.firm_id)
        else:
            book_path.write_bytes(workbook)
            report.workbooks.append(book_path)
        message_path.write_bytes(as_wire_bytes(message))
        report.messages.append(message_path)
        if send:
            queue(
                database_url,
                Delivery(
                    firm.firm_id,
                    parsed.name,
                    message["Message-ID"],
                    firm.email or "",
                    str(message_path.resolve()),
                    None if workbook is None else str(book_path.resolve()),
                ),
            )
    if smtp is not None:
        for (sent_week, firm_id), status in deliver_pending(database_url, smtp).items():
            if sent_week == parsed.name:
                report.outcome[firm_id] = status
            else:
                report.earlier[f"{sent_week} {firm_id}"] = status
        report.undelivered = [f"{r.week} {r.firm_id} {r.status}" for r in undelivered(database_url)]
    return report


def unsubscribe_firm(database_url: str, firm_id: str) -> bool:
    """Stop the firm's digests, and any to its address under another firm id; False when no such firm."""
    with session_scope(database_url) as session:
        firm = session.get(Firm, firm_id)
        if firm is None:
            return False
        firm.subscribed = False
        address = (firm.email or "").strip().lower()
        if address and session.get(EmailSuppression, address) is None:
            session.add(EmailSuppression(address=address, firm_id=firm_id, created_at=utcnow()))
        return True


def set_quiet_week(database_url: str, firm_id: str, mode: str) -> bool:
    """What a firm gets in a week with nothing new: "digest" (its workbook all the same) or "note"."""
    if mode not in QUIET_WEEK_CHOICES:
        raise ValueError(f"quiet-week mail {mode!r} is not one of {', '.join(QUIET_WEEK_CHOICES)}")
    with session_scope(database_url) as session:
        firm = session.get(Firm, firm_id)
        if firm is None:
            return False
        firm.quiet_week = mode
        return True


def unsubscribe(database_url: str, token: str) -> str:
    """Unsubscribe the firm of a signed link token; returns its id (BadToken/LookupError otherwise)."""
    firm_id = firm_of_unsubscribe_token(token)
    if not unsubscribe_firm(database_url, firm_id):
        raise LookupError(f"firm {firm_id!r} of the unsubscribe token is not in the store")
    return firm_id
