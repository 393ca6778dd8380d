"""What goes into each firm's digest for a week, read from the store.

A digest covers one ISO week: calls first seen in it, changes recorded in it, calls closing within
30 days of its last day (or of today, while the week is running) and all open calls that fit the
firm and that it may apply for (eligible or not yet known), ranked by score after the firm's
feedback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from fundscout.config import DIGEST_MIN_SCORE
from fundscout.db.models import Call, CallHistory, EmailSuppression, Firm, Match
from fundscout.fields import LEGAL_FORMS
from fundscout.status import CallDates, call_status, is_open, next_deadline
from reports.digest.content import Digest, DigestCall, DigestChange
from reports.digest.feedback import FeedbackPreferences, adjusted_score
from reports.digest.workbook import CLOSING_DAYS

MAX_OPEN_ROWS = 200  # a workbook lists at most this many open calls, best first
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True)
class Week:
    name: str
    monday: dt.date

    @classmethod
    def parse(cls, text: str) -> Week:
        """`2026-W48` -> Week; ValueError with a clear message otherwise."""
        found = _WEEK.fullmatch(text.strip())
        if not found:
            raise ValueError(f"week {text!r} is not an ISO week like 2026-W48")
        try:
            monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
        except ValueError as exc:
            raise ValueError(f"week {text!r} does not exist ({exc})") from exc
        return cls(f"{found[1]}-W{found[2]}", monday)

    @classmethod
    def containing(cls, day: dt.date) -> Week:
        year, number, _ = day.isocalendar()
        return cls.parse(f"{year}-W{number:02d}")

    def window(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of the week in local time, as aware datetimes."""
        start = dt.datetime.combine(self.monday, dt.time(), tzinfo=tz)
        return start, start + dt.timedelta(days=7)

    def as_of(self, today: dt.date) -> dt.date:
        """The day deadlines are counted from: today while the week runs, else its Sunday."""
        sunday = self.monday + dt.timedelta(days=6)
        return min(max(today, self.monday), sunday)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; the store writes UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _digest_call(call: Call, match: Match, score: float, status: str | None, as_of: dt.date) -> DigestCall:
    reasons = match.reasons if isinstance(match.reasons, dict) else {}
    dates = CallDates.of(call)
    return DigestCall(
        call_id=call.id,
        title=call.title,
        url=call.url,
        publisher=call.publisher,
        next_deadline=next_deadline(dates, as_of),
        until_funds_spent=call.until_funds_spent,
        budget_eur=call.budget_eur,
        domains=list(call.domains or ()),
        applicant_types=list(call.applicant_types or ()),
        summary=call.summary,
        score=score,
        eligible=match.eligible,
        eligibility_reasons=[str(r) for r in reasons.get("eligibility") or ()],
        relevance_reasons=[str(r) for r in reasons.get("relevance") or ()],
        status=status,
        call_status=call_status(dates, as_of),
        opens_on=dates.opens_on,
        deadlines_left=sum(d >= as_of for d in dates.deadlines),
        last_deadline=dates.deadlines[-1] if dates.deadlines else None,
    )


# Subscribed, with an address, and the address not suppressed (whichever firm id it comes under).
_SUPPRESSED = select(EmailSuppression.address).where(EmailSuppression.address == func.lower(Firm.email)).exists()
_RECEIVING = and_(Firm.subscribed.is_(True), Firm.email.is_not(None), Firm.email != "", ~_SUPPRESSED)


def recipients(session: Session) -> list[Firm]:
    """Firms that get digests: subscribed, with an e-mail address that has not unsubscribed."""
    return list(session.scalars(select(Firm).where(_RECEIVING).order_by(Firm.firm_id)))


def reader_of(firm: Firm) -> str:
    """What the firm is (applicant type of its legal form), so the digest can call it that."""
    return LEGAL_FORMS.get(firm.legal_form, "enterprise")


def collect_digests(
    session: Session, week: Week, *, tz: ZoneInfo, today: dt.date, min_score: float = DIGEST_MIN_SCORE
) -> list[tuple[Firm, Digest]]:
    """One digest per receiving firm, in order of id; a firm with no open match gets an empty one
    (it is told that nothing fits this week: every subscribed firm hears from us)."""
    as_of = week.as_of(today)
    start, end = week.window(tz)
    firms = {f.firm_id: f for f in recipients(session)}
    matches = session.execute(
        select(Match, Call)
        .join(Call, Call.id == Match.call_id)
        .join(Firm, Firm.firm_id == Match.firm_id)
        .where(_RECEIVING, or_(Match.eligible.is_(None), Match.eligible.is_(True)))
    ).all()
    by_firm: dict[str, list[tuple[Match, Call]]] = defaultdict(list)
    for match, call in matches:
        if is_open(call, as_of):
            by_firm[match.firm_id].append((match, call))
    call_ids = list({call.id for rows in by_firm.values() for _, call in rows})
    history: dict[str, list[CallHistory]] = defaultdict(list)
    for start_at in range(0, len(call_ids), 500):
        for row in session.scalars(
            select(CallHistory)
            .where(CallHistory.call_id.in_(call_ids[start_at : start_at + 500]))
            .order_by(CallHistory.changed_at, CallHistory.id)
        ):
            if start <= _aware(row.changed_at) < end:
                history[row.call_id].append(row)

    feedback = FeedbackPreferences.load_many(session, list(by_firm))
    digests = []
    for firm_id, firm in sorted(firms.items()):
        prefs = feedback.get(firm_id) or FeedbackPreferences()
        entries: list[tuple[DigestCall, Call]] = []
        for match, call in by_firm.get(firm_id, ()):
            score = adjusted_score(match.score, prefs.adjustment(call.id, call.domains or ()))
            if score >= min_score:
                entries.append((_digest_call(call, match, score, prefs.responses.get(call.id), as_of), call))
        entries.sort(key=lambda e: (-e[0].score, e[0].call_id))
        digest = Digest(
            firm_id=firm_id,
            firm_name=firm.name,
            week=week.name,
            as_of=as_of,
            monday=week.monday,
            reader=reader_of(firm),
        )
        digest.open = [entry for entry, _ in entries[:MAX_OPEN_ROWS]]
        digest.new = [entry for entry, call in entries if start <= _aware(call.first_seen_at) < end]
        digest.closing = sorted(
            (e for e, _ in entries if (d := e.days_left(as_of)) is not None and d <= CLOSING_DAYS),
            key=lambda e: (e.next_deadline, -e.score),
        )
        digest.changed = [
            DigestChange(entry, name, values[0], values[1], _aware(row.changed_at).astimezone(tz).date(), row.kind)
            for entry, call in entries
            for row in history.get(call.id, ())
            for name, values in sorted(row.diff.items())
            if isinstance(values, list) and len(values) == 2
        ]
        digests.append((firm, digest))
    return digests
