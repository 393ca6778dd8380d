"""Idempotent weekly delivery: one digest per firm and week, whatever is re-run or retried.

Each (firm, week) has one `digest_outbox` row. A message is sent only after its row is claimed
with a conditional update (pending/deferred -> sending) that is committed first, so a re-run,
a second worker or an Airflow retry cannot send it again. The outcome is committed at once:
`sent`; `deferred` (4xx answer, server unreachable: tried again on the next run, up to
MAX_ATTEMPTS); `failed` (5xx answer for that recipient; the others go on). A row left in
`sending` means the process died mid-send: it is never re-sent automatically (it may have been
delivered) and is reported so the operator can check the mail log by its Message-ID.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fundscout.db import session_scope
from fundscout.db.models import DigestOutbox, utcnow
from reports.digest.mail import SmtpSettings

MAX_ATTEMPTS = 8
DONE = ("sent", "failed", "sending")
CLAIMABLE = ("pending", "deferred")


class DeliveryError(Exception):
    def __init__(self, message: str, *, temporary: bool, connection: bool = False):
        super().__init__(message)
        self.temporary = temporary
        self.connection = connection  # the server itself is unreachable: stop trying this run


def _reply_error(code: int, text: bytes | str, what: str) -> DeliveryError:
    reply = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return DeliveryError(f"{what}: {code} {reply}".strip(), temporary=400 <= code < 500)


class SmtpConnection:
    """One SMTP session reused for a run's messages; reconnects once after a drop."""

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
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                refused = self._smtp.sendmail(parseaddr(self.settings.sender)[1], [recipient], raw)
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None
                if attempt == 2:
                    raise DeliveryError(f"connection lost: {exc}", temporary=True) from exc
                continue
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = exc.recipients.get(recipient, (550, b"refused"))
                raise _reply_error(code, text, f"recipient {recipient} refused") from exc
            except smtplib.SMTPSenderRefused as exc:
                raise _reply_error(exc.smtp_code, exc.smtp_error, "sender refused") from exc
            except smtplib.SMTPResponseException as exc:
                raise _reply_error(exc.smtp_code, exc.smtp_error, "message refused") from exc
            except (OSError, smtplib.SMTPException) as exc:
                self.close()
                raise DeliveryError(f"sending failed: {exc}", temporary=True) from exc
            if recipient in refused:  # several recipients, only some refused
                code, text = refused[recipient]
                raise _reply_error(code, text, f"recipient {recipient} refused")
            return

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def outbox_status(database_url: str, firm_id: str, week: str) -> str | None:
    with session_scope(database_url) as session:
        return session.scalar(
            select(DigestOutbox.status).where(DigestOutbox.firm_id == firm_id, DigestOutbox.week == week)
        )


def ensure_row(database_url: str, firm_id: str, week: str) -> None:
    """The firm's outbox row for the week, created pending if it is not there yet."""
    if outbox_status(database_url, firm_id, week) is not None:
        return
    try:
        with session_scope(database_url) as session:
            session.add(DigestOutbox(firm_id=firm_id, week=week, status="pending", attempts=0, created_at=utcnow()))
    except IntegrityError:  # another run created it in between: that row is the one
        pass


def claim(database_url: str, firm_id: str, week: str, workbook_path: str, message_id: str) -> bool:
    """Mark the row `sending` if it may be sent now; False when it is done or another run has it."""
    with session_scope(database_url) as session:
        result = session.execute(
            update(DigestOutbox)
            .where(DigestOutbox.firm_id == firm_id, DigestOutbox.week == week, DigestOutbox.status.in_(CLAIMABLE))
            .values(
                status="sending", attempts=DigestOutbox.attempts + 1, workbook_path=workbook_path, message_id=message_id
            )
        )
        return result.rowcount == 1


def finish(database_url: str, firm_id: str, week: str, error: DeliveryError | None) -> str:
    """Record the outcome of a claimed send; returns the new status."""
    with session_scope(database_url) as session:
        row = session.scalars(
            select(DigestOutbox).where(DigestOutbox.firm_id == firm_id, DigestOutbox.week == week)
        ).one()
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", utcnow(), None
        else:
            give_up = not error.temporary or row.attempts >= MAX_ATTEMPTS
            row.status, row.last_error = ("failed" if give_up else "deferred"), str(error)[:2000]
        return row.status


def release(database_url: str, firm_id: str, week: str, error: DeliveryError) -> None:
    """Hand a claimed row back untried (the server was unreachable before this message)."""
    with session_scope(database_url) as session:
        row = session.scalars(
            select(DigestOutbox).where(DigestOutbox.firm_id == firm_id, DigestOutbox.week == week)
        ).one()
        row.status, row.last_error = "deferred", str(error)[:2000]


@dataclass
class Delivery:
    firm_id: str
    raw: bytes  # the message as sent, CRLF line ends (`mail.as_wire_bytes`)
    message_id: str
    recipient: str
    workbook_path: str


class Outbox:
    """Sends a week's messages over one SMTP session, each at most once (see the module notes)."""

    def __init__(self, database_url: str, week: str, settings: SmtpSettings):
        self.database_url, self.week = database_url, week
        self.connection = SmtpConnection(settings)
        self.unreachable: DeliveryError | None = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.connection.close()

    def send(self, item: Delivery) -> str:
        """Send the firm's message unless this week's was already handled; its status after."""
        url, week = self.database_url, self.week
        ensure_row(url, item.firm_id, week)
        if not claim(url, item.firm_id, week, item.workbook_path, item.message_id):
            return outbox_status(url, item.firm_id, week) or "unknown"
        if self.unreachable is not None:  # the server was down a moment ago: do not wait again
            release(url, item.firm_id, week, self.unreachable)
            return "deferred"
        error = None
        try:
            self.connection.send(item.raw, item.recipient)
        except DeliveryError as exc:
            error = exc
            if exc.connection:
                self.unreachable = exc
        return finish(url, item.firm_id, week, error)

    def fail_unsendable(self, firm_id: str, reason: str) -> str:
        """Mark a message that cannot even be built (e.g. a malformed address) failed for the week."""
        ensure_row(self.database_url, firm_id, self.week)
        if not claim(self.database_url, firm_id, self.week, "", ""):
            return outbox_status(self.database_url, firm_id, self.week) or "unknown"
        return finish(self.database_url, firm_id, self.week, DeliveryError(reason, temporary=False))
