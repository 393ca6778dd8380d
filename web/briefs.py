"""The briefs: the filtered list, one brief with its comments and history, status changes, comments, Word."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import AuditLog, Brief, Call, CallDomain, Comment, User
from fundscout.fields import DOMAINS, FIELDS_BY_NAME, vocabulary_label
from fundscout.status import deadline_to_show
from reports.briefs.context import build_context
from reports.briefs.draft import brief_path
from reports.briefs.render import docx_bytes, markdown_to_html
from web.deps import CsrfRefusal, CurrentUser, DbSession, Lang, current_user, language, message, page
from web.i18n import ACTION_LABELS
from web.workflow import (
    STATUSES,
    TRANSITIONS,
    ReviewError,
    add_comment,
    change_status,
    changes_since_review,
    needs_rereview,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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
    before = _date_or_none(deadline_before)
    floor = _float_or_none(min_score)
    today = dt.date.today()
    query = select(Brief, Call).join(Call, Call.id == Brief.call_id).order_by(Brief.updated_at.desc())
    if status in STATUSES:
        query = query.where(Brief.status == status)
    if floor is not None:
        query = query.where(Brief.score >= floor)
    rows = []
    for brief, call in session.execute(query):
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
                "deadline": deadline,
                "domains": [vocabulary_label(DOMAINS, d, lang) for d in domains],
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
    user: CurrentUser,
    brief: PathBrief,
    refusal: CsrfRefusal,
    to_status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    return act_on_brief(
        request, session, user, brief, refusal, lambda: change_status(session, brief, user, to_status, reason)
    )


@router.post("/briefs/{brief_id}/comments", name="brief_comment")
def brief_comment(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    brief: PathBrief,
    refusal: CsrfRefusal,
    body: Annotated[str, Form()] = "",
) -> Response:
    return act_on_brief(request, session, user, brief, refusal, lambda: add_comment(session, brief, user, body))


@router.get("/briefs/{brief_id}/brief.docx", name="brief_docx", dependencies=[Depends(current_user)])
def brief_docx(session: DbSession, brief: PathBrief) -> Response:
    """The brief as a Word document, built from the call as it is now."""
    content = docx_bytes(build_context(session, brief.call_id, brief.lang))
    filename = brief_path(Path("."), brief.call_id, brief.lang, "docx").name
    return Response(
        content, media_type=DOCX_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def act_on_brief(
    request: Request, session: Session, user: User, brief: Brief, refusal: str | None, action: Callable[[], Any]
) -> Response:
    """Apply `action` unless the CSRF check refused the post, then show the brief."""
    if refusal:
        return brief_page(request, session, user, brief, error=refusal, status_code=403)
    try:  # the workflow validates before it writes, so a refusal leaves nothing behind
        action()
    except ReviewError as exc:
        return brief_page(request, session, user, brief, error=message(request, exc), status_code=400)
    return RedirectResponse(request.url_for("brief_detail", brief_id=brief.id), status_code=303)


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
        show=_show_value,
        field_label=lambda name: FIELDS_BY_NAME[name].label(lang) if name in FIELDS_BY_NAME else name,
        transitions=TRANSITIONS[brief.status],
        comments=comments,
        history=history,
        action_labels=ACTION_LABELS[lang],
        error=error,
    )


def _brief_domains(session: Session, call: Call) -> list[str]:
    classified = list(session.scalars(select(CallDomain.domain).where(CallDomain.call_id == call.id)))
    return classified or list(call.domains or [])


def _show_value(value: Any) -> str:
    if value is None or value == []:
        return "–"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


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
