"""Weekly delivery: at least once, exactly once where it can be known, never silently lost.

Each (firm, week) has one `digest_outbox` row, and the message itself is kept as an .eml file
(`message_path`) with a Message-ID fixed per firm and week. Statuses:

- `pending`: built, not yet accepted by the server (never tried, the server was unreachable, or it
  answered 4xx; `last_error` says which). Every run sends all pending rows, the earliest week
  first, so a week lost to an outage goes out with the next run of any week.
- `sending`: claimed by a run with a conditional update committed before the message goes out, so
  a re-run, a second worker or an Airflow retry cannot send it again. A row left here means the
  process died mid-send: it may have been delivered.
- `unknown`: the connection broke or timed out after the message data was sent, so the server may
  have accepted it. Like `sending`, never re-sent automatically.
- `sent`; `failed` (5xx for that recipient, a malformed or unsubscribed address; the reason is in
  `last_error`, the other firms go on).

`fundscout outbox` lists them per week; after checking the mail server's log for the Message-ID
the operator releases a `sending`/`unknown` row (`fundscout outbox release ID`): back to pending,
or marked sent when the log shows it was delivered.
"""

from __future__ import annotations

import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from fundscout.db import session_scope
from fundscout.db.models import DigestOutbox, EmailSuppression, Firm, utcnow
from reports.digest.mail import SmtpSettings

MAX_ATTEMPTS = 8
STATUSES = ("pending", "sending", "sent", "failed", "unknown")
# A row in one of these is not built or sent again by a run: it is done, or needs the operator.
SETTLED = ("sent", "failed", "sending", "unknown")
RELEASABLE = ("sending", "unknown", "failed")


class DeliveryError(Exception):
    def __init__(self, message: str, *, temporary: bool, connection: bool = False, maybe_sent: bool = False):
        super().__init__(message)
        self.temporary = temporary
        self.connection = connection  # the server itself is unreachable: stop trying this run
        self.maybe_sent = maybe_sent  # lost after the message data went out: the server may have it


def _reply_error(code: int, text: bytes | str, what: str) -> DeliveryError:
    reply = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return DeliveryError(f"{what}: {code} {reply}".strip(), temporary=400 <= code < 500)


class SmtpConnection:
    """One SMTP session reused for a run's messages; reconnects once after a drop before DATA."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP server {s.host}:{s.port}: {exc.smtp_code} {exc.smtp_error!r}", temporary=True, connection=True
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"SMTP server {s.host}:{s.port} unreachable: {exc}", temporary=True, connection=True
            ) from exc
        return smtp

    def send(self, raw: bytes, recipient: str) -> None:
        sender = parseaddr(self.settings.sender)[1]
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            smtp = self._smtp
            try:
                self._envelope(smtp, sender, recipient)
            except (smtplib.SMTPServerDisconnected, OSError) as exc:  # nothing sent yet: reconnect once
                self._smtp = None
                if attempt == 2:
                    raise DeliveryError(f"connection lost: {exc}", temporary=True) from exc
                continue
            try:
                code, reply = smtp.data(raw)
            except smtplib.SMTPResponseException as exc:  # DATA or the message refused, with a reply
                self._reset(smtp)
                raise _reply_error(exc.smtp_code, exc.smtp_error, "message refused") from exc
            except (OSError, smtplib.SMTPException) as exc:
                # The data may have reached the server; resending could deliver it twice.
                self.close()
                raise DeliveryError(
                    f"no answer after the message data ({exc}); check the mail log for its Message-ID",
                    temporary=False,
                    maybe_sent=True,
                ) from exc
            if code != 250:
                raise _reply_error(code, reply, "message refused")
            return

    @staticmethod
    def _envelope(smtp: smtplib.SMTP, sender: str, recipient: str) -> None:
        """MAIL FROM and RCPT TO; a refusal raises DeliveryError (the session is reset for the next)."""
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(sender)
        if code != 250:
            SmtpConnection._reset(smtp)
            raise _reply_error(code, reply, "sender refused")
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            SmtpConnection._reset(smtp)
            raise _reply_error(code, reply, f"recipient {recipient} refused")

    @staticmethod
    def _reset(smtp: smtplib.SMTP) -> None:
        try:
            smtp.rset()
        except (OSError, smtplib.SMTPException):
            pass

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


# --- the rows ------------------------------------------------------------------------------------


def settled_firms(database_url: str, week: str) -> set[str]:
    """Firms whose message of `week` is sent, failed or needs the operator: not built again."""
    with session_scope(database_url) as session:
        return set(
            session.scalars(
                select(DigestOutbox.firm_id).where(DigestOutbox.week == week, DigestOutbox.status.in_(SETTLED))
            )
        )


@dataclass
class Delivery:
    firm_id: str
    week: str
    message_id: str
    recipient: str
    message_path: str  # the message as sent, CRLF line ends (`mail.as_wire_bytes`)
    workbook_path: str | None = None


def queue(database_url: str, item: Delivery) -> None:
    """The firm's row for the week, pending with this message (unless it is already settled)."""
    values = {
        "message_id": item.message_id,
        "recipient": item.recipient,
        "message_path": item.message_path,
        "workbook_path": item.workbook_path,
    }
    with session_scope(database_url) as session:
        updated = session.execute(
            update(DigestOutbox)
            .where(DigestOutbox.firm_id == item.firm_id, DigestOutbox.week == item.week)
            .where(DigestOutbox.status == "pending")
            .values(**values)
        ).rowcount
        exists = session.scalar(
            select(DigestOutbox.id).where(DigestOutbox.firm_id == item.firm_id, DigestOutbox.week == item.week)
        )
    if updated or exists is not None:
        return
    try:
        with session_scope(database_url) as session:
            session.add(
                DigestOutbox(
                    firm_id=item.firm_id, week=item.week, status="pending", attempts=0, created_at=utcnow(), **values
                )
            )
    except IntegrityError:  # another run created it in between: that row is the one
        pass


def fail_unsendable(database_url: str, firm_id: str, week: str, reason: str) -> str:
    """Record a message that cannot even be built (e.g. a malformed address) as failed for the week."""
    with session_scope(database_url) as session:
        row = session.scalars(
            select(DigestOutbox).where(DigestOutbox.firm_id == firm_id, DigestOutbox.week == week)
        ).one_or_none()
        if row is None:
            row = DigestOutbox(firm_id=firm_id, week=week, status="pending", attempts=0, created_at=utcnow())
            session.add(row)
        if row.status == "pending":
            row.status, row.last_error = "failed", reason[:2000]
        return row.status


def _claim(database_url: str, row_id: int) -> bool:
    """Mark the row `sending` if it is still pending; False when another run has it."""
    with session_scope(database_url) as session:
        result = session.execute(
            update(DigestOutbox)
            .where(DigestOutbox.id == row_id, DigestOutbox.status == "pending")
            .values(status="sending", attempts=DigestOutbox.attempts + 1)
        )
        return result.rowcount == 1


def _finish(database_url: str, row_id: int, error: DeliveryError | None, *, untried: bool = False) -> str:
    """Record the outcome of a claimed send; returns the new status."""
    with session_scope(database_url) as session:
        row = session.get(DigestOutbox, row_id)
        assert row is not None
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", utcnow(), None
            return row.status
        if untried:  # handed back without a try: the attempt does not count
            row.attempts -= 1
        if error.maybe_sent:
            row.status = "unknown"
        elif error.temporary and row.attempts < MAX_ATTEMPTS:
            row.status = "pending"
        else:
            row.status = "failed"
        row.last_error = str(error)[:2000]
        return row.status


@dataclass
class _Due:
    id: int
    firm_id: str
    week: str
    recipient: str | None
    message_path: str | None
    subscribed: bool
    suppressed: bool


def _due(database_url: str) -> list[_Due]:
    """Every pending row of every week, the earliest week first."""
    suppressed = select(EmailSuppression.address).where(EmailSuppression.address == func.lower(DigestOutbox.recipient))
    with session_scope(database_url) as session:
        rows = session.execute(
            select(DigestOutbox, Firm.subscribed, suppressed.exists())
            .join(Firm, Firm.firm_id == DigestOutbox.firm_id)
            .where(DigestOutbox.status == "pending")
            .order_by(DigestOutbox.week, DigestOutbox.firm_id)
        ).all()
        return [
            _Due(r.id, r.firm_id, r.week, r.recipient, r.message_path, bool(subscribed), bool(is_suppressed))
            for r, subscribed, is_suppressed in rows
        ]


def deliver_pending(database_url: str, settings: SmtpSettings) -> dict[tuple[str, str], str]:
    """Send every pending message over one SMTP session; {(week, firm id): status after}."""
    outcome: dict[tuple[str, str], str] = {}
    connection = SmtpConnection(settings)
    unreachable: DeliveryError | None = None
    try:
        for due in _due(database_url):
            if not _claim(database_url, due.id):
                continue  # another run took it
            key = (due.week, due.firm_id)
            if not due.subscribed or due.suppressed:
                reason = f"not sent: {due.recipient} unsubscribed from the digests"
                outcome[key] = _finish(database_url, due.id, DeliveryError(reason, temporary=False))
                continue
            if unreachable is not None:  # the server was down a moment ago: do not wait again
                outcome[key] = _finish(database_url, due.id, unreachable, untried=True)
                continue
            try:
                raw = Path(due.message_path or "").read_bytes()
            except OSError as exc:
                reason = f"message file {due.message_path} cannot be read: {exc.strerror}"
                outcome[key] = _finish(database_url, due.id, DeliveryError(reason, temporary=False))
                continue
            error = None
            try:
                connection.send(raw, due.recipient or "")
            except DeliveryError as exc:
                error = exc
                if exc.connection:
                    unreachable = exc
            outcome[key] = _finish(database_url, due.id, error)
    finally:
        connection.close()
    return outcome


# --- what the operator sees and does -------------------------------------------------------------


@dataclass
class OutboxRow:
    id: int
    firm_id: str
    week: str
    status: str
    attempts: int
    recipient: str | None
    message_id: str | None
    last_error: str | None


def outbox_rows(database_url: str, week: str | None = None) -> list[OutboxRow]:
    with session_scope(database_url) as session:
        query = select(DigestOutbox).order_by(DigestOutbox.week, DigestOutbox.firm_id)
        if week:
            query = query.where(DigestOutbox.week == week)
        return [
            OutboxRow(r.id, r.firm_id, r.week, r.status, r.attempts, r.recipient, r.message_id, r.last_error)
            for r in session.scalars(query)
        ]


def outbox_report(rows: list[OutboxRow]) -> list[str]:
    """Per week the count in each status, then every row that is not sent, with its reason."""
    lines = []
    weeks: dict[str, Counter[str]] = {}
    for row in rows:
        weeks.setdefault(row.week, Counter())[row.status] += 1
    for week, counts in weeks.items():
        lines.append(f"{week}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES))
    for row in rows:
        if row.status != "sent":
            line = f"  #{row.id} {row.week} {row.firm_id} {row.status} (attempts {row.attempts})"
            line += f" to {row.recipient or '-'} Message-ID {row.message_id or '-'}"
            if row.last_error:
                line += f": {row.last_error}"
            lines.append(line)
    return lines


def undelivered(database_url: str) -> list[OutboxRow]:
    """Rows not yet known to be delivered nor given up: pending, sending or unknown, any week."""
    return [r for r in outbox_rows(database_url) if r.status in ("pending", "sending", "unknown")]


class ReleaseError(ValueError):
    """A row that cannot be released (no such id, or not in a releasable state)."""


def release(database_url: str, row_id: int, *, delivered: bool = False) -> OutboxRow:
    """A `sending`, `unknown` or `failed` row back to `pending` (sent again by the next run with the
    same Message-ID), or to `sent` when the mail log shows the server accepted it."""
    with session_scope(database_url) as session:
        row = session.get(DigestOutbox, row_id)
        if row is None:
            raise ReleaseError(f"outbox row #{row_id} does not exist (see `fundscout outbox`)")
        if row.status not in RELEASABLE:
            raise ReleaseError(f"outbox row #{row_id} is {row.status}; only {', '.join(RELEASABLE)} rows are released")
        was = f"{row.status}: {row.last_error}" if row.last_error else row.status
        if delivered:
            row.status, row.sent_at = "sent", utcnow()
            row.last_error = f"marked delivered by the operator (was {was})"[:2000]
        else:
            row.status, row.attempts = "pending", 0
            row.last_error = f"released by the operator (was {was})"[:2000]
        return OutboxRow(
            row.id, row.firm_id, row.week, row.status, row.attempts, row.recipient, row.message_id, row.last_error
        )
