"""The audit log: the newest entries of who did what, in the page language, each naming (and
linking to) the brief, user or firm it concerns."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import AuditLog, Brief, Call, Firm, User
from web.deps import CurrentUser, DbSession, Lang, page, path_for
from web.i18n import ACTION_LABELS, PAGES, STATUS_LABELS

AUDIT_ROWS = 500
# Internal reasons the drafter records, in words.
_REASONS = {"call changed": "detail_call_changed"}

router = APIRouter()


@router.get("/audit", response_class=HTMLResponse, name="audit_log")
def audit_log(request: Request, session: DbSession, user: CurrentUser, lang: Lang) -> HTMLResponse:
    entries = session.execute(
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(AUDIT_ROWS)
    ).all()
    return page(request, "audit.html", user=user, history=describe_entries(request, session, entries, lang))


def describe_entries(request: Request, session: Session, entries: list[Any], lang: str) -> list[dict[str, Any]]:
    """Each (AuditLog, User) row as {entry, who, action, target, link, details} in words."""
    t, statuses = PAGES[lang], STATUS_LABELS[lang]
    kinds_ids: dict[str, set[str]] = {}
    for entry, _ in entries:
        kind, _, key = entry.target.partition(":")
        kinds_ids.setdefault(kind, set()).add(key)
    brief_ids = [int(k) for k in kinds_ids.get("brief", ()) if k.isdigit()]
    briefs = {
        brief.id: (brief, title)
        for brief, title in session.execute(
            select(Brief, Call.title).join(Call, Call.id == Brief.call_id).where(Brief.id.in_(brief_ids))
        )
    }
    firm_rows = session.execute(select(Firm.firm_id, Firm.name).where(Firm.firm_id.in_(kinds_ids.get("firm", ()))))
    firms = {firm_id: name for firm_id, name in firm_rows}
    out = []
    for entry, who in entries:
        kind, _, key = entry.target.partition(":")
        link = None
        if kind == "brief" and key.isdigit() and int(key) in briefs:
            brief, title = briefs[int(key)]
            target = t["target_brief"].format(title=title, lang=t[f"lang_{brief.lang}"])
            link = path_for(request, "brief_detail", brief_id=brief.id)
        elif kind == "brief":
            target = t["missing_brief"].format(id=key)
        elif kind == "user":
            target = t["target_user"].format(name=key)
        elif kind == "firm":
            target = t["target_firm"].format(name=firms.get(key, key))
        else:
            target = entry.target
        details = entry.details or {}
        said = []
        if details.get("to_status"):
            said.append(
                t["detail_status"].format(
                    from_status=statuses.get(details.get("from_status"), details.get("from_status")),
                    to_status=statuses.get(details["to_status"], details["to_status"]),
                )
            )
        if details.get("reason"):
            reason = details["reason"]
            said.append(t[_REASONS[reason]] if reason in _REASONS else t["detail_reason"].format(reason=reason))
        out.append(
            {
                "entry": entry,
                "who": who.display_name if who else t["system"],
                "action": ACTION_LABELS[lang].get(entry.action, entry.action),
                "target": target,
                "link": link,
                "details": "; ".join(said),
            }
        )
    return out
