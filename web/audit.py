"""The audit log: the newest entries of who did what."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from fundscout.db.models import AuditLog, User
from web.deps import CurrentUser, DbSession, Lang, page
from web.i18n import ACTION_LABELS

router = APIRouter()


@router.get("/audit", response_class=HTMLResponse, name="audit_log")
def audit_log(request: Request, session: DbSession, user: CurrentUser, lang: Lang) -> HTMLResponse:
    entries = session.execute(
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(500)
    ).all()
    return page(request, "audit.html", user=user, history=entries, action_labels=ACTION_LABELS[lang])
