"""The public call finder (no login): search with filters, a call's page, and the list as CSV or XLSX.

Plain GET forms and links only, so every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from fundscout.db.models import Call, CallDomain, CallHistory, CallSource
from fundscout.fields import CALL_FIELDS, FIELDS_BY_NAME, vocabulary_label
from fundscout.status import call_status
from reports.finder import SORTS, STATUS_CHOICES, CallQuery, find_calls, known_sources
from reports.tables import calls_frame, frame_bytes
from web.deps import DbSession, Lang
from web.public import VOCABULARIES, page, show_date, show_money, today

router = APIRouter()

MAX_ROWS = 300  # rows on one finder page; downloads and feeds hold the whole list
# Facts of the call page: every field but the bookkeeping ones shown elsewhere and the page text.
PAGE_FIELDS = tuple(f for f in CALL_FIELDS if f.name not in ("id", "text", "title", "domains"))
DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def fact_text(name: str, value: Any, lang: str) -> str:
    """A stored value of call field `name` as a reader sees it."""
    field = FIELDS_BY_NAME.get(name)
    if value is None or value == [] or field is None:
        return "–" if field is not None else str(value)
    if field.kind == "codes" and field.values:
        return ", ".join(vocabulary_label(field.values, v, lang) if v in field.values else str(v) for v in value)
    if field.kind == "code" and field.values and value in field.values:
        return vocabulary_label(field.values, value, lang)
    if field.kind == "dates":
        return ", ".join(show_date(v, lang) for v in value)
    if field.kind == "date":
        return show_date(value, lang)
    if field.kind == "bool":
        return ("da" if value else "ne") if lang == "sl" else ("yes" if value else "no")
    if name == "budget_eur":
        return show_money(value, lang)
    if field.kind == "float":
        return f"{value:g}"
    return str(value)


def _query(request: Request) -> tuple[CallQuery, list[str]]:
    return CallQuery.from_params(request.query_params)


@router.get("/calls", response_class=HTMLResponse, name="call_finder")
def call_finder(request: Request, session: DbSession, lang: Lang) -> HTMLResponse:
    query, bad = _query(request)
    found = find_calls(session, query, today())
    params = query.params()
    return page(
        request,
        "finder.html",
        query=query,
        bad=bad,
        found=found[:MAX_ROWS],
        total=len(found),
        max_rows=MAX_ROWS,
        statuses=STATUS_CHOICES,
        sorts=SORTS,
        sources=known_sources(session),
        query_string=urlencode(params),
        choices={k: VOCABULARIES[k] for k in ("domain", "applicant_type", "period", "fund", "region")},
        filter_labels={
            "domain": FIELDS_BY_NAME["domains"].label(lang),
            "applicant_type": FIELDS_BY_NAME["applicant_types"].label(lang),
            "period": FIELDS_BY_NAME["programme_period"].label(lang),
            "fund": FIELDS_BY_NAME["funds"].label(lang),
            "region": FIELDS_BY_NAME["cohesion_regions"].label(lang),
            **{name: FIELDS_BY_NAME[name].label(lang) for name in ("title", "publisher", "budget_eur")},
        },
    )


@router.get("/export/calls.{fmt}", name="call_export")
def call_export(request: Request, session: DbSession, fmt: str) -> Response:
    """The finder's list (same filters and order) as a CSV or XLSX file."""
    if fmt not in DOWNLOAD_TYPES:
        return Response(f"unknown format {fmt!r}; use csv or xlsx", status_code=404, media_type="text/plain")
    query, _bad = _query(request)
    day = today()
    frame = calls_frame((f.call for f in find_calls(session, query, day)), day)
    return Response(
        frame_bytes(frame, fmt),
        media_type=DOWNLOAD_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="fundscout-calls-{day.isoformat()}.{fmt}"'},
    )


@router.get("/calls/{call_id:path}", response_class=HTMLResponse, name="call_page")
def call_page(request: Request, session: DbSession, lang: Lang, call_id: str) -> HTMLResponse:
    call = session.get(Call, call_id)
    if call is None:
        return page(request, "message.html", 404, title=None, message_key="not_found")
    provenance = call.provenance or {}
    facts = [
        {
            "label": f.label(lang),
            "value": fact_text(f.name, getattr(call, f.name), lang),
            "url": f.kind == "url",
            "raw": getattr(call, f.name),
            "snippet": (provenance.get(f.name) or {}).get("snippet"),
            "source_url": (provenance.get(f.name) or {}).get("url"),
        }
        for f in PAGE_FIELDS
    ]
    history = [
        {
            "at": row.changed_at,
            "kind": row.kind,
            "source": row.source,
            "changes": [
                (
                    FIELDS_BY_NAME[name].label(lang) if name in FIELDS_BY_NAME else name,
                    *(fact_text(name, v, lang) for v in pair),
                )
                for name, pair in sorted(row.diff.items())
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for row in session.scalars(
            select(CallHistory).where(CallHistory.call_id == call.id).order_by(CallHistory.changed_at.desc())
        )
    ]
    sources = list(
        session.scalars(select(CallSource).where(CallSource.call_id == call.id).order_by(CallSource.first_seen_at))
    )
    domains = list(
        session.scalars(select(CallDomain).where(CallDomain.call_id == call.id).order_by(CallDomain.score.desc()))
    )
    return page(
        request,
        "call.html",
        call=call,
        status=call_status(call, today()),
        facts=facts,
        history=history,
        sources=sources,
        domains=domains,
    )
