"""The briefs: the filtered list, one brief with its comments and history, status changes, comments, Word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import AuditLog, Brief, Call, CallDomain, Comment, User
from fundscout.fields import DOMAINS, FIELDS_BY_NAME, vocabulary_label
from fundscout.status import deadline_to_show
from reports.briefs.context import build_context, days_left_text
from reports.briefs.draft import brief_path
from reports.briefs.i18n import format_date, format_percent
from reports.briefs.render import docx_bytes, markdown_to_html
from web.audit import describe_entries
from web.deps import (
    CsrfRefusal,
    CurrentUser,
    DbSession,
    Lang,
    current_user,
    flash,
    language,
    message,
    page,
    redirect_to,
)
from web.i18n import ACTIONS, CONFIRM_BUTTON, PAGES
from web.workflow import (
    STATUSES,
    TRANSITIONS,
    ReviewError,
    add_comment,
    change_status,
    changes_since_review,
    check_status_change,
    needs_rereview,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SOON_DAYS = 14  # a deadline this close is marked in the list

router = APIRouter()


class BriefNotFound(Exception):
    pass


def path_brief(session: DbSession, brief_id: int) -> Brief:
    """The brief of the URL's `brief_id`; BriefNotFound (a 404 page) when there is none."""
    brief = session.get(Brief, brief_id)
    if brief is None:
        raise BriefNotFound
    return brief


PathBrief = Annotated[Brief, Depends(path_brief)]


@router.get("/", response_class=HTMLResponse, name="brief_list")
def brief_list(
    request: Request,
    session: DbSession,
    lang: Lang,  # before the login check, so `?lang=` also holds for the login form it redirects to
    user: CurrentUser,
    status: str = "",
    domain: str = "",
    deadline_before: str = "",
    min_score: str = "",
) -> HTMLResponse:
    """One row per call: its brief in the page language when there is one, else in the other."""
    before = _date_or_none(deadline_before)
    floor = _float_or_none(min_score)
    today = dt.date.today()
    per_call: dict[str, list[Brief]] = {}
    calls: dict[str, Call] = {}
    for brief, call in session.execute(
        select(Brief, Call).join(Call, Call.id == Brief.call_id).order_by(Brief.updated_at.desc(), Brief.id)
    ):
        per_call.setdefault(call.id, []).append(brief)
        calls[call.id] = call
    rows = []
    for call_id, versions in per_call.items():
        brief = next((b for b in versions if b.lang == lang), versions[0])
        call = calls[call_id]
        if status in STATUSES and brief.status != status:
            continue
        if floor is not None and (brief.score is None or brief.score < floor):
            continue
        domains = _brief_domains(session, call)
        deadline = deadline_to_show(call, today)
        if domain and domain not in domains:
            continue
        if before and (deadline is None or deadline > before):
            continue
        rows.append(
            {
                "brief": brief,
                "call": call,
                "score": score_text(brief.score, lang),
                "deadline": deadline,
                "days_left": days_left_text(deadline, today, lang) if deadline else None,
                "soon": deadline is not None and 0 <= (deadline - today).days <= SOON_DAYS,
                "domains": [vocabulary_label(DOMAINS, d, lang) for d in domains],
                "langs": sorted(b.lang for b in versions),
                "flagged": needs_rereview(brief, call),
            }
        )
    return page(
        request,
        "list.html",
        user=user,
        rows=rows,
        statuses=STATUSES,
        domains={code: vocabulary_label(DOMAINS, code, lang) for code in DOMAINS},
        filters={"status": status, "domain": domain, "deadline_before": deadline_before, "min_score": min_score},
    )


@router.get("/briefs/{brief_id}", response_class=HTMLResponse, name="brief_detail")
def brief_detail(request: Request, session: DbSession, user: CurrentUser, brief: PathBrief) -> HTMLResponse:
    return brief_page(request, session, user, brief)


@router.post("/briefs/{brief_id}/status", name="brief_status")
def brief_status(
    request: Request,
    session: DbSession,
    lang: Lang,
    user: CurrentUser,
    brief: PathBrief,
    refusal: CsrfRefusal,
    to_status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """A status button first asks for confirmation (a page of its own: the app runs no script);
    the confirmed post changes the status and says so on the brief's page."""
    if refusal:
        return brief_page(request, session, user, brief, error=refusal, status_code=403)
    words = ACTIONS[lang].get((brief.status, to_status))
    title = session.get(Call, brief.call_id).title
    try:  # the workflow validates before it writes, so a refusal leaves nothing behind
        if words is None:
            raise ReviewError("bad_transition", from_status=brief.status, to_status=to_status)
        if confirmed != "yes":
            check_status_change(brief, to_status, reason)
            return page(
                request,
                "confirm.html",
                user=user,
                brief=brief,
                to_status=to_status,
                reason=reason.strip(),
                question=words[1].format(title=title),
                button=CONFIRM_BUTTON[lang].format(action=words[0][:1].lower() + words[0][1:]),
            )
        change_status(session, brief, user, to_status, reason)
    except ReviewError as exc:
        return brief_page(request, session, user, brief, error=message(request, exc), status_code=400)
    flash(request, words[2].format(title=title))
    return redirect_to(request, "brief_detail", brief_id=brief.id)


@router.post("/briefs/{brief_id}/comments", name="brief_comment")
def brief_comment(
    request: Request,
    session: DbSession,
    lang: Lang,
    user: CurrentUser,
    brief: PathBrief,
    refusal: CsrfRefusal,
    body: Annotated[str, Form()] = "",
) -> Response:
    if refusal:
        return brief_page(request, session, user, brief, error=refusal, status_code=403)
    try:
        add_comment(session, brief, user, body)
    except ReviewError as exc:
        return brief_page(request, session, user, brief, error=message(request, exc), status_code=400)
    flash(request, PAGES[lang]["comment_added"])
    return redirect_to(request, "brief_detail", brief_id=brief.id)


@router.get("/briefs/{brief_id}/brief.docx", name="brief_docx", dependencies=[Depends(current_user)])
def brief_docx(session: DbSession, brief: PathBrief) -> Response:
    """The brief as a Word document, built from the call as it is now."""
    content = docx_bytes(build_context(session, brief.call_id, brief.lang))
    filename = brief_path(Path("."), brief.call_id, brief.lang, "docx").name
    return Response(
        content, media_type=DOCX_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def brief_page(
    request: Request, session: Session, user: User, brief: Brief, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    lang = language(request)
    call = session.get(Call, brief.call_id)
    comments = session.execute(
        select(Comment, User)
        .join(User, User.id == Comment.user_id)
        .where(Comment.brief_id == brief.id)
        .order_by(Comment.created_at)
    ).all()
    history = session.execute(
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.target == f"brief:{brief.id}")
        .order_by(AuditLog.at, AuditLog.id)
    ).all()
    flagged = needs_rereview(brief, call)
    versions = {b.lang: b.id for b in session.scalars(select(Brief).where(Brief.call_id == brief.call_id))}
    return page(
        request,
        "brief.html",
        status_code,
        user=user,
        brief=brief,
        call=call,
        body=markdown_to_html(brief.markdown),
        flagged=flagged,
        changes=changes_since_review(session, brief) if flagged else [],
        show=lambda value: _show_value(value, lang),
        field_label=lambda name: FIELDS_BY_NAME[name].label(lang) if name in FIELDS_BY_NAME else name,
        score=score_text(brief.score, lang),
        actions=[(to, ACTIONS[lang][(brief.status, to)][0]) for to in TRANSITIONS[brief.status]],
        versions=versions,
        comments=comments,
        history=describe_entries(request, session, history, lang),
        error=error,
    )


def score_text(score: float | None, lang: str) -> str:
    """A 0–100 match score as a percentage in the page language (`85 %`)."""
    return format_percent(round(score), lang) if score is not None else "–"


def _brief_domains(session: Session, call: Call) -> list[str]:
    classified = list(session.scalars(select(CallDomain.domain).where(CallDomain.call_id == call.id)))
    return classified or list(call.domains or [])


def _show_value(value: Any, lang: str) -> str:
    """A fact's old or new value on the page: ISO dates as dates of the page language."""
    if value is None or value == []:
        return "–"
    values = value if isinstance(value, list) else [value]
    return ", ".join(format_date(d, lang) if (d := _date_or_none(str(v))) else str(v) for v in values)


def _date_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _float_or_none(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
