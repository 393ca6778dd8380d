"""Users of the review app: argon2 password hashes in the store."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db import session_scope
from fundscout.db.models import AuditLog, User, utcnow

_HASHER = PasswordHasher()
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")
MIN_PASSWORD = 10
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("fundscout-no-such-user")


class UserError(ValueError):
    pass


def add_user(database_url: str, username: str, password: str, *, display_name: str | None = None) -> bool:
    """Create the user (True) or set a new password and name for an existing one (False)."""
    if not USERNAME.fullmatch(username):
        raise UserError(f"username {username!r}: use 2–80 lower-case letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password for {username!r}: at least {MIN_PASSWORD} characters")
    now = utcnow()
    with session_scope(database_url) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            session.add(
                User(
                    username=username,
                    display_name=display_name or username,
                    password_hash=_HASHER.hash(password),
                    active=True,
                    created_at=now,
                )
            )
            session.add(AuditLog(at=now, action="user_added", target=f"user:{username}", details={}))
            return True
        user.password_hash = _HASHER.hash(password)
        user.display_name = display_name or user.display_name
        session.add(AuditLog(at=now, action="password_set", target=f"user:{username}", details={}))
        return False


def account_of(session: Session, username: str) -> tuple[int, str] | None:
    """(id, password hash) of the active user with this name, else None."""
    row = session.execute(
        select(User.id, User.password_hash).where(User.username == username, User.active.is_(True))
    ).first()
    return (row[0], row[1]) if row else None


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` fits the hash. Without a hash (no such user) a dummy one is checked, so a
    wrong name costs as long as a wrong password. Slow by design (argon2): call it off the event loop."""
    try:
        _HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def rehash_if_needed(session: Session, user: User, password: str) -> None:
    """After a good login: store a new hash when the hasher's parameters changed since."""
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
