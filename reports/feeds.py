"""Feeds of calls: an iCalendar file of deadlines (RFC 5545) and an Atom feed of new and changed
calls (RFC 4287). Scraped text goes in as text; the libraries escape it.

`call_url` gives the public page of a call (the web app passes one built from FUNDSCOUT_PUBLIC_URL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from icalendar import Calendar, Event
from lxml import etree

from fundscout.status import as_dates, call_status
from reports.digest.safe import clean_text, safe_url
from reports.finder import FoundCall

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_ENTRIES = 100  # newest changes first; older ones are on the call pages
PRODID = "-//FundScout//Razpisi Kranj pametno mesto//SL"
WORDS = {
    "sl": {
        "deadline": "Rok",
        "changed": "Spremenjeno",
        "calendar": "FundScout – roki razpisov",
        "feed": "FundScout – novi in spremenjeni razpisi",
    },
    "en": {
        "deadline": "Deadline",
        "changed": "Changed",
        "calendar": "FundScout – call deadlines",
        "feed": "FundScout – new and changed calls",
    },
}
STATUS_WORDS = {
    "sl": {"forthcoming": "napovedan", "open": "odprt", "closed": "zaprt", "withdrawn": "umaknjen"},
    "en": {"forthcoming": "forthcoming", "open": "open", "closed": "closed", "withdrawn": "withdrawn"},
}


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def deadline_calendar(
    calls: Iterable[FoundCall], call_url: Callable[[str], str], lang: str = "sl", name: str | None = None
) -> bytes:
    """One all-day event per deadline of each call; UIDs are stable, so a refreshed subscription
    updates an event instead of adding a second one."""
    words = WORDS[lang]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or words["calendar"])
    for found in calls:
        call = found.call
        title = clean_text(call.title, 300, lang, one_line=True)
        page = call_url(call.id)
        for deadline in as_dates(call.deadlines or []):
            event = Event()
            event.add("uid", f"{call.id}-{deadline.isoformat()}@fundscout")
            event.add("dtstamp", _utc(call.updated_at))
            event.add("dtstart", deadline)
            event.add("dtend", deadline + dt.timedelta(days=1))
            event.add("summary", f"{words['deadline']}: {title}")
            event.add("url", page)
            details = [clean_text(call.publisher or "", 300, lang, one_line=True), page]
            source = safe_url(call.url)
            if source:
                details.append(source)
            event.add("description", "\n".join(d for d in details if d))
            event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
            calendar.add_component(event)
    return calendar.to_ical()


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def changes_feed(
    calls: Sequence[FoundCall],
    call_url: Callable[[str], str],
    *,
    self_url: str,
    alternate_url: str,
    today: dt.date,
    lang: str = "sl",
    changed: dict[str, list[str]] | None = None,
) -> bytes:
    """Atom feed of the calls, most recently changed first (at most ATOM_ENTRIES). `changed` names,
    per call, the facts its latest change touched (shown in the entry)."""
    newest = sorted(calls, key=lambda f: (_utc(f.call.updated_at), f.call.id), reverse=True)[:ATOM_ENTRIES]
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    _sub(feed, "id", self_url)
    _sub(feed, "title", WORDS[lang]["feed"])
    updated = max((_utc(f.call.updated_at) for f in newest), default=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    _sub(feed, "updated", updated.isoformat())
    _sub(_sub(feed, "author"), "name", "FundScout")
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=alternate_url, type="text/html")
    _sub(feed, "generator", "FundScout")
    for found in newest:
        call = found.call
        page = call_url(call.id)
        entry = _sub(feed, "entry")
        _sub(entry, "id", page)
        _sub(entry, "title", clean_text(call.title, 500, lang, one_line=True))
        _sub(entry, "updated", _utc(call.updated_at).isoformat())
        _sub(entry, "published", _utc(call.first_seen_at).isoformat())
        _sub(entry, "link", rel="alternate", href=page, type="text/html")
        source = safe_url(call.url)
        if source:
            _sub(entry, "link", rel="via", href=source)
        status = STATUS_WORDS[lang][call_status(call, today)]
        deadline = f"{WORDS[lang]['deadline']}: {found.deadline.isoformat()}" if found.deadline else ""
        lines = [f"{status}. {deadline}".strip(), clean_text(call.publisher or "", 300, lang, one_line=True)]
        if changed and changed.get(call.id):
            lines.append(f"{WORDS[lang]['changed']}: {', '.join(changed[call.id])}")
        if call.summary:
            lines.append(clean_text(call.summary, 2000, lang))
        _sub(entry, "summary", "\n".join(line for line in lines if line), type="text")
        for domain in call.domains or []:
            _sub(entry, "category", term=domain)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8")
