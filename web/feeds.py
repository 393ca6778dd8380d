"""Feeds of the public finder: an ICS calendar of deadlines (any filtered list, or a firm's matches
through its signed profile link) and an Atom feed of new and changed calls."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import CallHistory, Firm
from fundscout.fields import FIELDS_BY_NAME
from reports.digest.links import BadToken, read_firm_token
from reports.feeds import changes_feed, deadline_calendar
from reports.finder import CallQuery, find_calls, matches_now
from web.deps import DbSession, Lang
from web.public import today

router = APIRouter()

ICS_TYPE = "text/calendar; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _call_url(request: Request):
    return lambda call_id: str(request.url_for("call_page", call_id=call_id))


@router.get("/feeds/calls.ics", name="calls_ics")
def calls_ics(request: Request, session: DbSession, lang: Lang) -> Response:
    query, _bad = CallQuery.from_params(request.query_params)
    calls = find_calls(session, query, today())
    return Response(deadline_calendar(calls, _call_url(request), lang), media_type=ICS_TYPE)


@router.get("/feeds/calls.atom", name="calls_atom")
def calls_atom(request: Request, session: DbSession, lang: Lang) -> Response:
    query, _bad = CallQuery.from_params(request.query_params)
    day = today()
    qs = urlencode(query.params())
    self_url = str(request.url_for("calls_atom")) + (f"?{qs}" if qs else "")
    finder_url = str(request.url_for("call_finder")) + (f"?{qs}" if qs else "")
    calls = find_calls(session, query, day)
    feed = changes_feed(
        calls,
        _call_url(request),
        self_url=self_url,
        alternate_url=finder_url,
        today=day,
        lang=lang,
        changed=_latest_changes(session, {f.call.id for f in calls}, lang),
    )
    return Response(feed, media_type=ATOM_TYPE)


def _latest_changes(session: Session, call_ids: set[str], lang: str) -> dict[str, list[str]]:
    """Per call, the labels of the facts its latest history row changed."""
    latest: dict[str, CallHistory] = {}
    for row in session.scalars(select(CallHistory).order_by(CallHistory.changed_at)):
        if row.call_id in call_ids:
            latest[row.call_id] = row
    return {
        call_id: [FIELDS_BY_NAME[n].label(lang) if n in FIELDS_BY_NAME else n for n in sorted(row.diff)]
        for call_id, row in latest.items()
    }


@router.get("/feeds/firm/{token}/matches.ics", name="firm_ics")
def firm_ics(request: Request, session: DbSession, lang: Lang, token: str) -> Response:
    """Deadlines of the calls a firm's digest lists; the signed profile token is the proof."""
    try:
        (firm_id,) = read_firm_token("profile", token)
    except (BadToken, ValueError):
        return Response("link not valid or expired", status_code=404, media_type="text/plain")
    firm = session.get(Firm, firm_id)
    if firm is None:
        return Response("link not valid or expired", status_code=404, media_type="text/plain")
    calls = [m.found for m in matches_now(session, firm.firm_id, today())]
    return Response(
        deadline_calendar(calls, _call_url(request), lang, name=f"FundScout – {firm.name}"), media_type=ICS_TYPE
    )
