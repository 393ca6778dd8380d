"""What reviewers may do to a brief: status changes with reasons, comments, and the audit trail.

Kept apart from the web layer so the rules hold for every client of the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundscout.db.models import AuditLog, Brief, Call, CallHistory, Comment, Review, User, utcnow

STATUSES = ("draft", "in_review", "approved", "rejected", "submitted")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("in_review",),
    "in_review": ("approved", "rejected", "draft"),
    "approved": ("submitted", "in_review"),
    "rejected": ("draft",),
    "submitted": (),
}
MAX_TEXT = 5000


class ReviewError(ValueError):
    """A request the rules refuse. `key` names the message shown to the reviewer (review/i18n.py)."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}" if params else key)


def audit(session: Session, user: User | None, action: str, target: str, **details: Any) -> None:
    session.add(AuditLog(at=utcnow(), user_id=user.id if user else None, action=action, target=target, details=details))


def check_status_change(brief: Brief, to_status: str, reason: str = "") -> None:
    """ReviewError unless the brief may move to `to_status` with this reason (a rejection needs one)."""
    reason = reason.strip()
    if to_status not in TRANSITIONS.get(brief.status, ()):
        raise ReviewError("bad_transition", from_status=brief.status, to_status=to_status)
    if to_status == "rejected" and not reason:
        raise ReviewError("reason_required")
    if len(reason) > MAX_TEXT:
        raise ReviewError("too_long", limit=MAX_TEXT)


def change_status(session: Session, brief: Brief, user: User, to_status: str, reason: str = "") -> Review:
    """Move a brief along the workflow; a rejection needs a reason. Clears a re-review flag."""
    check_status_change(brief, to_status, reason)
    reason = reason.strip()
    now = utcnow()
    review = Review(
        brief_id=brief.id,
        user_id=user.id,
        from_status=brief.status,
        to_status=to_status,
        reason=reason or None,
        created_at=now,
    )
    session.add(review)
    audit(
        session,
        user,
        "status_changed",
        f"brief:{brief.id}",
        from_status=brief.status,
        to_status=to_status,
        reason=reason or None,
    )
    call = session.get(Call, brief.call_id)
    # The reviewer decided on the call as it is now: that version is the new reference.
    brief.status, brief.call_hash, brief.needs_rereview, brief.updated_at = to_status, call.content_hash, False, now
    session.flush()
    return review


def add_comment(session: Session, brief: Brief, user: User, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise ReviewError("empty_comment")
    if len(body) > MAX_TEXT:
        raise ReviewError("too_long", limit=MAX_TEXT)
    comment = Comment(brief_id=brief.id, user_id=user.id, body=body, created_at=utcnow())
    session.add(comment)
    session.flush()
    audit(session, user, "commented", f"brief:{brief.id}", comment_id=comment.id)
    return comment


def needs_rereview(brief: Brief, call: Call) -> bool:
    """Flagged by the drafter, or the call changed since the brief's reference version."""
    return bool(brief.needs_rereview) or brief.call_hash != call.content_hash


@dataclass(frozen=True)
class Change:
    changed_at: dt.datetime
    kind: str
    field: str
    old: Any
    new: Any


def changes_since_review(session: Session, brief: Brief) -> list[Change]:
    """Call changes after the brief was last reviewed (or drafted, if nobody reviewed it yet)."""
    last_review = session.scalar(select(func.max(Review.created_at)).where(Review.brief_id == brief.id))
    since = last_review or brief.created_at
    rows = session.scalars(
        select(CallHistory)
        .where(CallHistory.call_id == brief.call_id, CallHistory.changed_at > since)
        .order_by(CallHistory.changed_at, CallHistory.id)
    )
    return [
        Change(row.changed_at, row.kind, name, old_new[0], old_new[1])
        for row in rows
        for name, old_new in sorted(row.diff.items())
    ]
