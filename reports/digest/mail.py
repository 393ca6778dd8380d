"""The digest e-mail: plain text and HTML (Jinja2) with the workbook attached, and SMTP settings."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from urllib.parse import parse_qs, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from fundscout.config import SMTP_TIMEOUT_SECONDS, TEMPLATES_DIR
from fundscout.db.models import utcnow
from reports.digest.content import (
    URGENT_DAYS,
    Digest,
    DigestCall,
    change_text,
    deadline_text,
    status_text,
)
from reports.digest.links import profile_url
from reports.digest.safe import clean_text, safe_url

XLSX_SUBTYPE = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOP_IN_MAIL = 5
LEAD_IN_SUBJECT = 2  # calls named in the subject per kind (closing soon, changed); the rest counted
SUBJECT_TITLE = 60  # characters of a title in the subject
DEFAULT_SENDER = "FundScout <fundscout@localhost>"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "plain", "starttls" or "ssl"
    username: str | None
    password: str | None
    sender: str
    timeout: float = SMTP_TIMEOUT_SECONDS


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://[user:pass@]host[:port][?from=addr&starttls=1]`, or `smtps://` for SMTP over TLS.

    The sender is the `from` parameter, else `FUNDSCOUT_MAIL_FROM`, else a localhost address.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(
            f"SMTP URL {parts.scheme}://{parts.hostname or ''}… must look like "
            "smtp://user:password@host:port or smtps://…"
        )
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    security = "ssl" if parts.scheme == "smtps" else "starttls" if starttls else "plain"
    sender = query.get("from", [os.environ.get("FUNDSCOUT_MAIL_FROM") or DEFAULT_SENDER])[0]
    timeout = float(query.get("timeout", ["30"])[0])
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if security == "ssl" else 25),
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender,
        timeout=timeout,
    )


def contact_address(smtp_url: str | None) -> str:
    """The address a firm can write to about its digest: the digests' sender (replies go there)."""
    sender = parse_smtp_url(smtp_url).sender if smtp_url else os.environ.get("FUNDSCOUT_MAIL_FROM") or DEFAULT_SENDER
    return parseaddr(sender)[1]


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
    )


def message_id(firm_id: str, week: str, sender: str) -> str:
    """Stable per firm and week, so a receiving server can spot a duplicate delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    tag = hashlib.sha256(f"{firm_id}\n{week}".encode()).hexdigest()[:20]
    return f"<digest.{week}.{tag}@{domain}>"


def _item(call: DigestCall, detail: str, lang: str) -> dict:
    return {"title": clean_text(call.title, 300, lang, one_line=True), "url": safe_url(call.url), "detail": detail}


def _days(days: int, lang: str) -> str:
    if lang != "sl":
        return "today" if days == 0 else f"{days} days left"
    return "danes" if days == 0 else f"še {days} dni"


def urgent_calls(digest: Digest) -> list[DigestCall]:
    """Calls closing within URGENT_DAYS of the digest day, soonest first."""
    soon = [c for c in digest.open if (d := c.days_left(digest.as_of)) is not None and 0 <= d <= URGENT_DAYS]
    return sorted(soon, key=lambda c: (c.next_deadline, -c.score))


def changed_calls(digest: Digest, lang: str) -> list[tuple[DigestCall, list[str]]]:
    """Each changed call once, with what changed in words (deadline moves first)."""
    found: dict[str, tuple[DigestCall, list[str]]] = {}
    for change in sorted(digest.changed, key=lambda c: (c.field != "deadlines", c.changed_on)):
        found.setdefault(change.call.call_id, (change.call, []))[1].append(change_text(change, lang))
    return list(found.values())


def _short(title: str, lang: str) -> str:
    return clean_text(title, SUBJECT_TITLE, lang, one_line=True)


def _named(calls: list[DigestCall], lang: str) -> str:
    names = "; ".join(_short(c.title, lang) for c in calls[:LEAD_IN_SUBJECT])
    more = len(calls) - LEAD_IN_SUBJECT
    if more > 0:
        names += f" {'in še' if lang == 'sl' else 'and'} {more}"
    return names


def quiet(digest: Digest) -> bool:
    """Nothing new, changed or closing soon for the firm this week."""
    return not digest.new and not digest.changed and not urgent_calls(digest)


def subject(digest: Digest, lang: str, *, note: bool = False) -> str:
    """`FundScout, 49. teden (…): rok kmalu: A; B · spremenjeno: C · novih ujemanj: 3`."""
    sl = lang == "sl"
    head = f"FundScout, {digest.week_label(lang)}"
    if note:
        return f"{head}: {'nič novega za vas' if sl else 'nothing new for you'}"
    parts = []
    if soon := urgent_calls(digest):
        parts.append(f"{'rok kmalu' if sl else 'closing soon'}: {_named(soon, lang)}")
    if changed := changed_calls(digest, lang):
        parts.append(f"{'spremenjeno' if sl else 'changed'}: {_named([c for c, _ in changed], lang)}")
    parts.append(f"{'novih ujemanj' if sl else 'new matches'}: {len(digest.new)}")
    return f"{head}: " + " · ".join(parts)


def mail_context(digest: Digest, lang: str, unsubscribe_url: str, *, note: bool = False) -> dict:
    """What both parts of the e-mail say, in order: the plain-text and HTML templates only lay it out."""
    sl = lang == "sl"
    sections = []
    soon = urgent_calls(digest)
    if soon and not note:
        sections.append(
            {
                "heading": f"Rok se izteka v {URGENT_DAYS} dneh" if sl else f"Closing within {URGENT_DAYS} days",
                "calls": [
                    _item(c, f"{deadline_text(c, lang)} ({_days(c.days_left(digest.as_of) or 0, lang)})", lang)
                    for c in soon
                ],
            }
        )
    changed = changed_calls(digest, lang)
    if changed and not note:
        sections.append(
            {
                "heading": "Spremenjeni razpisi" if sl else "Changed calls",
                "calls": [_item(c, "; ".join(what), lang) for c, what in changed],
            }
        )
    counts = {
        "new": len(digest.new),
        "changed": len(changed),
        "closing": len(digest.closing),
        "open": len(digest.open),
    }
    if note:
        lead = (
            "Ta teden ni novih ali spremenjenih razpisov, ki bi vam ustrezali."
            if sl
            else "No new or changed call fits you this week."
        )
        if digest.open:
            lead += (
                f" Odprtih razpisov za vas je še {counts['open']}; seznam je v zadnjem izboru z vsebino."
                if sl
                else f" {counts['open']} open calls still fit you; they are listed in your last full digest."
            )
        summary = None
    else:
        lead = f"Novih ujemanj ta teden: {counts['new']}." if sl else f"New matches this week: {counts['new']}."
        summary = (
            f"V priloženi Excelovi datoteki: novih {counts['new']}, spremenjenih {counts['changed']}, "
            f"z rokom v 30 dneh {counts['closing']}, vseh odprtih za vas {counts['open']}."
            if sl
            else f"In the attached workbook: {counts['new']} new, {counts['changed']} changed, "
            f"{counts['closing']} closing within 30 days, {counts['open']} open calls for you in all."
        )
    top = (
        []
        if note
        else [_item(c, f"{status_text(c, lang)} · {round(c.score)}/100", lang) for c in digest.open[:TOP_IN_MAIL]]
    )
    return {
        "lang": lang,
        "title": subject(digest, lang, note=note),
        "greeting": (
            f"Pozdravljeni, {clean_text(digest.firm_name, 200, lang, one_line=True)}!"
            if sl
            else f"Hello {clean_text(digest.firm_name, 200, lang, one_line=True)},"
        ),
        "week": digest.week_label(lang),
        "week_line": ("Tedenski izbor razpisov FundScout za " if sl else "Your FundScout selection of calls for ")
        + digest.week_label(lang)
        + ".",
        "sections": sections,
        "lead": lead,
        "top_heading": ("Najbolj ustrezni razpisi" if sl else "Best matches") if top else None,
        "top": top,
        "summary": summary,
        "feedback": None
        if note
        else (
            "V stolpcu »Vaš odziv« lahko pri vsakem razpisu izberete »zanima nas«, »ni relevantno« ali "
            "»prijavljamo se« in datoteko pošljete nazaj — tako bodo naslednji izbori bolj po vaši meri."
            if sl
            else "In the column “Your response” you can mark each call “interested”, “not relevant” or "
            "“we are applying” and send the file back, so that future selections fit you better."
        ),
        "unsubscribe_label": "Odjava od tedenskega izbora" if sl else "Unsubscribe from the weekly digest",
        "unsubscribe_url": unsubscribe_url,
        "profile_label": "Vaš profil (urejanje, premor, e-naslov, podatki, izbris)"
        if sl
        else "Your profile (edit, pause, e-mail, your data, delete)",
        "profile_url": profile_url(digest.firm_id),  # the firm's self-service page (web/firms.py)
    }


def build_message(
    digest: Digest,
    recipient: str,
    workbook: bytes | None,
    *,
    sender: str,
    lang: str,
    unsubscribe_url: str,
    attachment_name: str,
) -> Message:
    """The firm's e-mail, with the workbook attached, or the short note when `workbook` is None;
    ValueError when the recipient is not a valid address.

    Built with the `email.mime` classes: for thousands of messages a week they are several
    times faster than `EmailMessage`, whose header registry re-parses every header.
    """
    Address(addr_spec=recipient)  # raises ValueError on a malformed address
    note = workbook is None
    context = mail_context(digest, lang, unsubscribe_url, note=note)
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(_templates().get_template("digest_email.txt.j2").render(context), "plain", "utf-8"))
    body.attach(MIMEText(_templates().get_template("digest_email.html.j2").render(context), "html", "utf-8"))
    if note:
        msg: Message = body
    else:
        attachment = MIMEApplication(workbook, XLSX_SUBTYPE)
        attachment.add_header("Content-Disposition", "attachment", filename=attachment_name)
        msg = MIMEMultipart("mixed", _subparts=[body, attachment])
    msg["Subject"] = Header(context["title"], "utf-8")
    msg["From"] = formataddr(parseaddr(sender), "utf-8")
    msg["To"] = formataddr((clean_text(digest.firm_name, 100, lang, one_line=True), recipient), "utf-8")
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id(digest.firm_id, digest.week, sender)
    # RFC 2369 / RFC 8058: the mail client's own unsubscribe button, one click, no login.
    msg["List-Unsubscribe"] = f"<{unsubscribe_url}>, <mailto:{parseaddr(sender)[1]}?subject=unsubscribe>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    return msg


def as_wire_bytes(msg: Message) -> bytes:
    """The message flattened once, with the CRLF line ends SMTP wants (also a valid .eml file)."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
