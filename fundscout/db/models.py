"""SQLAlchemy models of the store. The call columns come from the field dictionary.

Portable types only (no PostgreSQL-specific ones), so the same models and migrations serve the
embedded SQLite store and the PostgreSQL production store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fundscout.fields import CALL_FIELDS, Field

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Timestamp = DateTime(timezone=True)


def _column(field: Field) -> Column[Any]:
    kinds: dict[str, Any] = {
        "key": String(200),
        "url": Text(),
        "str": String(200),
        "text": Text(),
        "date": Date(),
        "bool": Boolean(),
        "float": Float(),
        "code": String(40),
        "codes": JSON(),
        "dates": JSON(),
    }
    return Column(
        field.name,
        kinds[field.kind],
        primary_key=field.kind == "key",
        nullable=not field.required and field.kind not in ("codes", "dates"),
        default=list if field.kind in ("codes", "dates") else None,
        comment=field.description[:200],
    )


calls_table = Table(
    "calls",
    Base.metadata,
    *(_column(f) for f in CALL_FIELDS),
    # {field: {"snippet": text the fact was read from, "url": page it was on}}
    Column("provenance", JSON(), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("last_seen_at", Timestamp, nullable=False),
)


class Call(Base):
    __table__ = calls_table


class CallHistory(Base):
    """One row per real change of a call's facts: {field: [old, new]}."""

    __tablename__ = "call_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    source: Mapped[str] = mapped_column(String(60))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "update" or "amendment"
    diff: Mapped[dict[str, Any]] = mapped_column(JSON)


class CallSource(Base):
    """A page a call was seen on; a call published by several sources has several rows."""

    __tablename__ = "call_sources"
    __table_args__ = (UniqueConstraint("call_id", "source", "url"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    source: Mapped[str] = mapped_column(String(60))
    url: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    last_seen_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ScrapeRun(Base):
    """One crawl (or import) of one source and the verdict of its gate."""

    __tablename__ = "scrape_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(60), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    finish_reason: Mapped[str | None] = mapped_column(String(60))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    loaded_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str] = mapped_column(String(20))  # running / loaded / failed
    reason: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Firm(Base):
    __tablename__ = "firms"
    firm_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    legal_form: Mapped[str] = mapped_column(String(40))
    size_class: Mapped[str] = mapped_column(String(20))
    municipality: Mapped[str] = mapped_column(String(80))
    nace_codes: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    interests: Mapped[list[str]] = mapped_column(JSON)
    email: Mapped[str | None] = mapped_column(String(320))
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    # A week with nothing new or changed for the firm: "digest" (the workbook of its open matches
    # all the same) or "note" (a short e-mail saying nothing new fits). Never silence.
    quiet_week: Mapped[str] = mapped_column(String(10), default="digest", server_default="digest")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    # --- self-service and the business register (web/firms.py, fundscout/load/firms.py) ---
    # Matična številka, 10 digits (a 7-digit one gets the main unit's "000"): the register's key.
    registry_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(2), default="sl", server_default="sl")
    consent_text: Mapped[str | None] = mapped_column(Text)  # the words the firm agreed to
    consent_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)  # double opt-in done
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class CallDomain(Base):
    __tablename__ = "call_domains"
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    classified_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Match(Base):
    """Eligibility and relevance of one call for one firm, kept apart, each with its reasons."""

    __tablename__ = "matches"
    firm_id: Mapped[str] = mapped_column(ForeignKey("firms.firm_id"), primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class DigestOutbox(Base):
    """One weekly digest per firm; the key (firm, week) makes sending idempotent."""

    __tablename__ = "digest_outbox"
    __table_args__ = (UniqueConstraint("firm_id", "week"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[str] = mapped_column(ForeignKey("firms.firm_id"))
    week: Mapped[str] = mapped_column(String(10))  # ISO week, e.g. 2026-W48
    status: Mapped[str] = mapped_column(String(20))  # pending / sending / sent / failed / unknown
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(300))
    workbook_path: Mapped[str | None] = mapped_column(Text)
    message_path: Mapped[str | None] = mapped_column(Text)  # the .eml as sent, so a later run can send it
    recipient: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    sent_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class EmailSuppression(Base):
    """An address that asked for no more digests, whichever firm it is (or is later) filed under."""

    __tablename__ = "email_suppressions"
    address: Mapped[str] = mapped_column(String(320), primary_key=True)  # lower case
    firm_id: Mapped[str | None] = mapped_column(String(60))  # the firm it unsubscribed from
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Brief(Base):
    __tablename__ = "briefs"
    __table_args__ = (UniqueConstraint("call_id", "lang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20))  # draft / in_review / approved / rejected / submitted
    score: Mapped[float | None] = mapped_column(Float)
    markdown: Mapped[str] = mapped_column(Text)
    call_hash: Mapped[str] = mapped_column(String(64))  # the call's content hash when drafted
    needs_rereview: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Review(Base):
    """A status change of a brief, with the reason (required for a rejection)."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- digests stage ---------------------------------------------------------------------------------


class FirmFeedback(Base):
    """A firm's response to a call, picked in its weekly workbook; the latest one counts."""

    __tablename__ = "firm_feedback"
    firm_id: Mapped[str] = mapped_column(ForeignKey("firms.firm_id"), primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # interested / not_relevant / applying
    week: Mapped[str] = mapped_column(String(10))  # the digest week the response came with
    source: Mapped[str] = mapped_column(Text)  # file name it was read from
    received_at: Mapped[dt.datetime] = mapped_column(Timestamp)


# --- review app sessions ---------------------------------------------------------------------------


class ReviewSession(Base):
    """A logged-in session of the review app. The cookie carries a random token; only its SHA-256 is
    stored, so the table does not hand out sessions. Logging out deletes the row."""

    __tablename__ = "review_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    last_seen_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
