"""The digest e-mail: plain text and HTML (Jinja2) with the workbook attached, and SMTP settings."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache
from urllib.parse import parse_qs, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from fundscout.config import TEMPLATES_DIR
from fundscout.db.models import utcnow
from fundscout.digest.safe import clean_text, safe_url
from fundscout.digest.workbook import Digest, word

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TOP_IN_MAIL = 5
DEFAULT_SENDER = "FundScout <fundscout@localhost>"
SUBJECTS = {"sl": "FundScout: razpisi za vas, teden {week}", "en": "FundScout: calls for you, week {week}"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "plain", "starttls" or "ssl"
    username: str | None
    password: str | None
    sender: str
    timeout: float = 30.0


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://[user:pass@]host[:port][?from=addr&starttls=1]`, or `smtps://` for SMTP over TLS.

    The sender is the `from` parameter, else `FUNDSCOUT_MAIL_FROM`, else a localhost address.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"SMTP URL {parts.scheme}://{parts.hostname or ''}… must look like "
                         "smtp://user:password@host:port or smtps://…")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    security = "ssl" if parts.scheme == "smtps" else "starttls" if starttls else "plain"
    sender = query.get("from", [os.environ.get("FUNDSCOUT_MAIL_FROM") or DEFAULT_SENDER])[0]
    timeout = float(query.get("timeout", ["30"])[0])
    return SmtpSettings(
        host=parts.hostname, port=parts.port or (465 if security == "ssl" else 25), security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, sender=sender, timeout=timeout)


@cache
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
                       keep_trailing_newline=True)


def message_id(firm_id: str, week: str, sender: str) -> str:
    """Stable per firm and week, so a receiving server can spot a duplicate delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    tag = hashlib.sha256(f"{firm_id}\n{week}".encode()).hexdigest()[:20]
    return f"<digest.{week}.{tag}@{domain}>"


def _mail_context(digest: Digest, lang: str, unsubscribe_url: str) -> dict:
    top = []
    for call in digest.open[:TOP_IN_MAIL]:
        if call.next_deadline:
            deadline = call.next_deadline.strftime("%d. %m. %Y" if lang == "sl" else "%Y-%m-%d")
        else:
            deadline = word("until_funds_spent" if call.until_funds_spent else "unknown", lang)
        top.append({"title": clean_text(call.title, 300, lang, one_line=True), "url": safe_url(call.url),
                    "deadline": deadline, "days_left": call.days_left(digest.as_of),
                    "score": round(call.score)})
    return {
        "lang": lang, "week": digest.week, "top": top, "unsubscribe_url": unsubscribe_url,
        "firm_name": clean_text(digest.firm_name, 200, lang, one_line=True),
        "counts": {key: len(getattr(digest, key)) for key in ("new", "changed", "closing", "open")},
    }


def build_message(digest: Digest, recipient: str, workbook: bytes, *, sender: str, lang: str,
                  unsubscribe_url: str, attachment_name: str) -> EmailMessage:
    context = _mail_context(digest, lang, unsubscribe_url)
    msg = EmailMessage()
    msg["Subject"] = SUBJECTS[lang].format(week=digest.week)
    msg["From"] = sender
    name = clean_text(digest.firm_name, 100, lang, one_line=True)
    msg["To"] = Address(display_name=name, addr_spec=recipient)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(digest.firm_id, digest.week, sender)
    # RFC 2369 / RFC 8058: the mail client's own unsubscribe button, one click, no login.
    sender_addr = parseaddr(sender)[1]
    msg["List-Unsubscribe"] = f"<{unsubscribe_url}>, <mailto:{sender_addr}?subject=unsubscribe>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(_templates().get_template("digest_email.txt.j2").render(context))
    msg.add_alternative(_templates().get_template("digest_email.html.j2").render(context), subtype="html")
    msg.add_attachment(workbook, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=attachment_name)
    return msg
