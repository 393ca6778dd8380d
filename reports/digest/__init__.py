"""Weekly digests: per firm an Excel workbook of the calls that fit it, e-mailed once a week.

`run_weekly` is the stage's entry point (CLI `fundscout digest`, the Airflow DAG, the demo).
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from fundscout.config import DIGEST_MIN_SCORE, settings
from fundscout.db import session_scope
from fundscout.db.models import DigestOutbox, Firm
from reports.digest.collect import Week, collect_digests, recipients
from reports.digest.links import BadToken, digest_token, firm_of_unsubscribe_token, unsubscribe_url
from reports.digest.mail import DEFAULT_SENDER, as_wire_bytes, build_message, parse_smtp_url
from reports.digest.outbox import DONE, Delivery, Outbox
from reports.digest.workbook import build_workbook

__all__ = ["DigestReport", "run_weekly", "unsubscribe", "unsubscribe_firm", "BadToken"]

ATTACHMENT_NAMES = {"sl": "fundscout-razpisi-{week}.xlsx", "en": "fundscout-calls-{week}.xlsx"}


@dataclass
class DigestReport:
    week: str
    receiving_firms: int = 0
    workbooks: list[Path] = field(default_factory=list)
    messages: list[Path] = field(default_factory=list)
    already_done: list[str] = field(default_factory=list)
    unsendable: dict[str, str] = field(default_factory=dict)  # firm id -> why no message was made
    outcome: dict[str, str] = field(default_factory=dict)  # firm id -> outbox status (with --send)

    def __str__(self) -> str:
        text = f"week {self.week}: {len(self.workbooks)} digests for {self.receiving_firms} subscribed firms"
        if self.unsendable:
            text += f", {len(self.unsendable)} with an unusable e-mail address"
        if self.already_done:
            text += f", {len(self.already_done)} already handled this week"
        if self.outcome:
            counts: dict[str, int] = {}
            for status in self.outcome.values():
                counts[status] = counts.get(status, 0) + 1
            text += "; " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
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
    """Build every receiving firm's digest for `week`; write .xlsx and .eml under `out_dir`
    (`digests/`, `outbox/`) and, with `send`, deliver each firm's message at most once."""
    if lang not in ATTACHMENT_NAMES:
        raise ValueError(f"language {lang!r} is not supported; use sl or en")
    parsed = Week.parse(week)
    if send and not smtp_url:
        raise ValueError("sending needs an SMTP server: set FUNDSCOUT_SMTP_URL")
    smtp = parse_smtp_url(smtp_url) if send and smtp_url else None
    sender = smtp.sender if smtp else DEFAULT_SENDER
    cfg = settings()
    today = today or dt.datetime.now(cfg.timezone).date()

    report = DigestReport(week=parsed.name)
    with session_scope(database_url) as session:
        report.receiving_firms = len(recipients(session))
        done = set()
        if send:
            done = set(
                session.scalars(
                    select(DigestOutbox.firm_id).where(DigestOutbox.week == parsed.name, DigestOutbox.status.in_(DONE))
                )
            )
        digests = collect_digests(session, parsed, tz=cfg.timezone, today=today, min_score=min_score)

    books, outbox_dir = out_dir / "digests", out_dir / "outbox"
    books.mkdir(parents=True, exist_ok=True)
    outbox_dir.mkdir(parents=True, exist_ok=True)
    with Outbox(database_url, parsed.name, smtp) if smtp else nullcontext() as outbox:
        for firm, digest in digests:
            if firm.firm_id in done:
                report.already_done.append(firm.firm_id)
                continue
            workbook = build_workbook(digest, lang, token=digest_token(firm.firm_id, parsed.name))
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
                if outbox is not None:
                    report.outcome[firm.firm_id] = outbox.fail_unsendable(firm.firm_id, reason)
                continue
            stem = _file_stem(firm.firm_id, parsed.name)
            book_path, message_path = books / f"{stem}.xlsx", outbox_dir / f"{stem}.eml"
            book_path.write_bytes(workbook)
            raw = as_wire_bytes(message)
            message_path.write_bytes(raw)
            report.workbooks.append(book_path)
            report.messages.append(message_path)
            if outbox is not None:
                report.outcome[firm.firm_id] = outbox.send(
                    Delivery(firm.firm_id, raw, message["Message-ID"], firm.email or "", str(book_path))
                )
    return report


def unsubscribe_firm(database_url: str, firm_id: str) -> bool:
    """Stop the firm's digests; False when no such firm exists."""
    with session_scope(database_url) as session:
        firm = session.get(Firm, firm_id)
        if firm is None:
            return False
        firm.subscribed = False
        return True


def unsubscribe(database_url: str, token: str) -> str:
    """Unsubscribe the firm of a signed link token; returns its id (BadToken/LookupError otherwise)."""
    firm_id = firm_of_unsubscribe_token(token)
    if not unsubscribe_firm(database_url, firm_id):
        raise LookupError(f"firm {firm_id!r} of the unsubscribe token is not in the store")
    return firm_id
