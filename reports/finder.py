"""The public call finder's search: filters read from a query string, calls chosen and sorted.

The finder page, its CSV/XLSX downloads and its ICS and Atom feeds all call `find_calls` with the
same `CallQuery`, so a feed or a file holds exactly the list the page shows. Status comes from
fundscout/status.py; calls are read without their page text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from fundscout.config import DIGEST_MIN_SCORE
from fundscout.db.models import Call, CallSource, Match
from fundscout.fields import APPLICANT_TYPES, COHESION_REGIONS, DOMAINS, FUNDS, PROGRAMME_PERIODS, STATUSES
from fundscout.status import call_status, deadline_to_show, is_open
from reports.digest.feedback import FeedbackPreferences, adjusted_score

# "current" (the default) is open and forthcoming calls: what a reader can still apply for.
STATUS_CHOICES = ("current", *STATUSES, "all")
SORTS = ("deadline", "newest", "title")
TEXT_FIELDS = ("title", "summary", "publisher", "programme", "notice_number")


def folded(text: str) -> str:
    """Case and accents ignored, so `obcina` finds `Občina`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class CallQuery:
    text: str = ""
    domain: str = ""
    status: str = "current"
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    applicant_type: str = ""
    period: str = ""
    fund: str = ""
    source: str = ""
    region: str = ""
    sort: str = "deadline"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> tuple[CallQuery, list[str]]:
        """The query of a request's parameters, and the names of those whose value is not allowed
        (ignored, so a stale link still shows calls)."""
        choices: dict[str, tuple[str, ...]] = {
            "domain": tuple(DOMAINS),
            "status": STATUS_CHOICES,
            "applicant_type": tuple(APPLICANT_TYPES),
            "period": tuple(PROGRAMME_PERIODS),
            "fund": tuple(FUNDS),
            "region": tuple(COHESION_REGIONS),
            "sort": SORTS,
        }
        values: dict[str, Any] = {}
        bad: list[str] = []
        for name, allowed in choices.items():
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                bad.append(name)
            elif value:
                values[name] = value
        for name in ("deadline_from", "deadline_to"):
            value = (params.get(name) or "").strip()
            if value:
                try:
                    values[name] = dt.date.fromisoformat(value)
                except ValueError:
                    bad.append(name)
        values["text"] = " ".join((params.get("text") or "").split())[:200]
        values["source"] = (params.get("source") or "").strip()[:60]
        return cls(**values), bad

    def params(self) -> dict[str, str]:
        """The query as URL parameters (defaults left out), for feed, download and sort links."""
        defaults = CallQuery()
        return {
            name: value.isoformat() if isinstance(value, dt.date) else str(value)
            for name, value in asdict(self).items()
            if value not in (None, "") and value != getattr(defaults, name)
        }


@dataclass
class FoundCall:
    call: Call
    status: str
    deadline: dt.date | None  # the one a reader wants to see (fundscout.status.deadline_to_show)
    sources: list[str] = field(default_factory=list)


def _sort_key(query: CallQuery, found: FoundCall) -> tuple:
    if query.sort == "newest":
        return (-_stamp(found.call.first_seen_at), found.call.id)
    if query.sort == "title":
        return (folded(found.call.title), found.call.id)
    # By deadline: calls one can still apply for first, soonest deadline first, then those without a
    # date; closed and withdrawn ones after, most recently closed first.
    ahead = found.status in ("open", "forthcoming")
    if found.deadline is None:
        return (not ahead, 1, 0, found.call.id)
    ordinal = found.deadline.toordinal()
    return (not ahead, 0, ordinal if ahead else -ordinal, found.call.id)


def _stamp(at: dt.datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).timestamp()


def _matches(query: CallQuery, found: FoundCall) -> bool:
    call = found.call
    if query.status == "current" and found.status not in ("open", "forthcoming"):
        return False
    if query.status not in ("current", "all") and found.status != query.status:
        return False
    if query.domain and query.domain not in (call.domains or []):
        return False
    if query.applicant_type and query.applicant_type not in (call.applicant_types or []):
        return False
    if query.period and call.programme_period != query.period:
        return False
    if query.fund and query.fund not in (call.funds or []):
        return False
    if query.source and query.source not in found.sources:
        return False
    # A call limited to no cohesion region is open to both.
    if query.region and call.cohesion_regions and query.region not in call.cohesion_regions:
        return False
    if query.deadline_from or query.deadline_to:
        low, high = query.deadline_from or dt.date.min, query.deadline_to or dt.date.max
        if not any(low <= dt.date.fromisoformat(str(d)) <= high for d in call.deadlines or []):
            return False
    if query.text:
        haystack = folded(" ".join(str(getattr(call, name) or "") for name in TEXT_FIELDS))
        if not all(word in haystack for word in folded(query.text).split()):
            return False
    return True


def _sources(session: Session) -> dict[str, list[str]]:
    by_call: dict[str, set[str]] = {}
    for call_id, source in session.execute(select(CallSource.call_id, CallSource.source)):
        by_call.setdefault(call_id, set()).add(source)
    return {k: sorted(v) for k, v in by_call.items()}


def find_calls(session: Session, query: CallQuery, today: dt.date) -> list[FoundCall]:
    """The calls that satisfy `query` on day `today`, in its order."""
    sources = _sources(session)
    found = []
    for call in session.scalars(select(Call).options(defer(Call.text))):
        entry = FoundCall(
            call,
            call_status(call, today),
            deadline_to_show(call, today),
            sorted({call.source, *sources.get(call.id, [])}),
        )
        if _matches(query, entry):
            found.append(entry)
    return sorted(found, key=lambda f: _sort_key(query, f))


def known_sources(session: Session) -> list[str]:
    """Every source a call was seen on, for the finder's source filter."""
    return sorted(
        set(session.scalars(select(Call.source).distinct()))
        | set(session.scalars(select(CallSource.source).distinct()))
    )


@dataclass
class FirmMatch:
    found: FoundCall
    score: float
    eligible: bool | None
    reasons: dict[str, list[str]]


def matches_now(session: Session, firm_id: str, today: dt.date, min_score: float = DIGEST_MIN_SCORE) -> list[FirmMatch]:
    """The open calls a firm's digest would list today: calls it can still apply for
    (fundscout.status.is_open), eligible or not yet known, scoring at least `min_score` after its
    own feedback (reports/digest/feedback.py); best first."""
    prefs = FeedbackPreferences.load(session, firm_id)
    rows = session.execute(
        select(Match, Call)
        .join(Call, Call.id == Match.call_id)
        .options(defer(Call.text))
        .where(Match.firm_id == firm_id, Match.eligible.is_not(False))
    )
    out = []
    for match, call in rows:
        score = adjusted_score(match.score, prefs.adjustment(call.id, call.domains or ()))
        if score >= min_score and is_open(call, today):
            found = FoundCall(call, call_status(call, today), deadline_to_show(call, today), [call.source])
            out.append(FirmMatch(found, score, match.eligible, dict(match.reasons or {})))
    return sorted(out, key=lambda m: (-m.score, m.found.call.id))
