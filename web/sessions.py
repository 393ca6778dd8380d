"""Server-side sessions of the review app: what makes a login end when it should.

The signed cookie only carries a random token (and the CSRF token and language); the session
itself is a `review_sessions` row. Logging out deletes the row, so a copy of the old cookie is
refused; a session also ends SESSION_HOURS after login or IDLE_MINUTES after its last request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from fundscout.db.models import ReviewSession, User, utcnow

SESSION_HOURS = 8
IDLE_MINUTES = 60
# `last_seen_at` is written at most this often, so reading pages does not write on every request.
TOUCH_SECONDS = 60


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)  # SQLite returns stored UTC times naive


def start(session: Session, user: User) -> str:
    """A new session for `user`; returns the token for the cookie. Ended sessions are cleared out."""
    now = utcnow()
    idle_since = now - dt.timedelta(minutes=IDLE_MINUTES)
    session.execute(
        delete(ReviewSession).where(or_(ReviewSession.expires_at < now, ReviewSession.last_seen_at < idle_since))
    )
    token = secrets.token_urlsafe(32)
    session.add(
        ReviewSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS),
        )
    )
    return token


def user_of(session: Session, token: str | None) -> User | None:
    """The active user of a live session, else None (unknown, logged out, expired or idle too long)."""
    if not token:
        return None
    row = session.get(ReviewSession, _hash(token))
    if row is None:
        return None
    now = utcnow()
    if now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) > dt.timedelta(minutes=IDLE_MINUTES):
        return None  # refused now; the row is cleared out by the next login
    if now - _aware(row.last_seen_at) > dt.timedelta(seconds=TOUCH_SECONDS):
        row.last_seen_at = now
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def end(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(ReviewSession).where(ReviewSession.token_hash == _hash(token)))
