"""What the public pages share: their templates (templates/public/), texts, labels and today's date.

They use the review app's session, CSRF token and language (web/deps.py), so one `?lang=en` holds
for every page of the app.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from fundscout.config import TEMPLATES_DIR, settings
from fundscout.fields import (
    APPLICANT_TYPES,
    COHESION_REGIONS,
    DOMAINS,
    FUNDS,
    PROGRAMME_PERIODS,
    SIZE_CLASSES,
    STATUSES,
    vocabulary_label,
)
from reports.digest.safe import safe_url
from web.deps import csrf_token, language
from web.public_texts import TEXTS

VOCABULARIES = {
    "domain": DOMAINS,
    "status": STATUSES,
    "applicant_type": APPLICANT_TYPES,
    "period": PROGRAMME_PERIODS,
    "fund": FUNDS,
    "region": COHESION_REGIONS,
    "size": SIZE_CLASSES,
}


def today() -> dt.date:
    """Today where the calls are (FUNDSCOUT_TIMEZONE): the day statuses are counted on."""
    return dt.datetime.now(settings().timezone).date()


def show_date(value: dt.date | str | None, lang: str) -> str:
    if value is None:
        return "–"
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%-d. %-m. %Y") if lang == "sl" else day.isoformat()


def show_time(at: dt.datetime | None, lang: str) -> str:
    if at is None:
        return "–"
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    local = aware.astimezone(settings().timezone)
    return local.strftime("%-d. %-m. %Y %H:%M" if lang == "sl" else "%Y-%m-%d %H:%M")


def show_money(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}"
    return (text.replace(",", ".") if lang == "sl" else text) + " EUR"


@cache
def templates() -> Jinja2Templates:
    env = Jinja2Templates(directory=str(TEMPLATES_DIR / "public"))  # autoescapes .html
    env.env.globals["safe_url"] = safe_url
    return env


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A public page in the request's language, with the session's CSRF token."""
    lang = language(request)

    def label(vocabulary: str, code: str) -> str:
        values = VOCABULARIES[vocabulary]
        return vocabulary_label(values, code, lang) if code in values else code

    return templates().TemplateResponse(
        request,
        name,
        {
            "t": TEXTS[lang],
            "lang": lang,
            "csrf_token": csrf_token(request),
            "label": label,
            "vocabularies": VOCABULARIES,
            "date": lambda v: show_date(v, lang),
            "time": lambda v: show_time(v, lang),
            "money": lambda v: show_money(v, lang),
            **context,
        },
        status_code=status_code,
    )
