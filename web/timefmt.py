"""Dates and times on the web pages, in the page language (Slovenian `24. 11. 2026 14:05`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from reports.briefs.i18n import format_date


def local_time(at: dt.datetime, zone: ZoneInfo, lang: str = "sl") -> str:
    """A stored UTC time (SQLite returns it naive) as local wall-clock time."""
    aware = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(zone)
    return f"{format_date(aware.date(), lang)} {aware:%H:%M}"
