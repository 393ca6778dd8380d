"""Single e-mails to a firm outside the weekly digest: the sign-up confirmation, the profile link,
the confirmation of a changed address. Plain text, sent at once over FUNDSCOUT_SMTP_URL; without
an SMTP server they are written to $FUNDSCOUT_HOME/outbox/notices/ as .eml files, as the demo does.
"""

from __future__ import annotations

import logging
import uuid
from email.headerregistry import Address
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from fundscout.config import settings
from fundscout.db.models import utcnow
from reports.digest.mail import DEFAULT_SENDER, as_wire_bytes, parse_smtp_url
from reports.digest.outbox import DeliveryError, SmtpConnection

log = logging.getLogger(__name__)


def send_notice(recipient: str, subject: str, body: str) -> bool:
    """Send one plain-text message; False (logged, never raised) when it could not go out."""
    Address(addr_spec=recipient)  # ValueError on a malformed address, before anything is sent
    cfg = settings()
    smtp = parse_smtp_url(cfg.smtp_url) if cfg.smtp_url else None
    sender = smtp.sender if smtp else DEFAULT_SENDER
    message = MIMEText(body, "plain", "utf-8")
    message["Subject"] = subject
    message["From"] = formataddr(parseaddr(sender))
    message["To"] = recipient
    message["Date"] = format_datetime(utcnow())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<notice.{uuid.uuid4().hex}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    raw = as_wire_bytes(message)
    if smtp is None:
        folder = cfg.home / "outbox" / "notices"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml").write_bytes(raw)
        return True
    connection = SmtpConnection(smtp)
    try:
        connection.send(raw, recipient)
    except DeliveryError as exc:
        log.warning("notice to a firm not sent: %s", exc)
        return False
    finally:
        connection.close()
    return True
