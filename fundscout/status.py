"""The call-status rule, once: forthcoming, open, closed or withdrawn on a given day.

Digests, briefs, eligibility, the review app and the matcher all ask this module, so a call is
never open in one output and closed in another.

- withdrawn: set by hand or by a source;
- closed: the source marks it closed, or every deadline has passed. A call open "do porabe
  sredstev, najpozneje D" (until funds are spent, at the latest D) has D as its last deadline, so
  it closes after D like any other; only without any date does "until funds are spent" keep it
  open;
- forthcoming: announced, opening on a later day (or the source marks it so without a date);
- open: otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CallDates:
    """What the status rule looks at, from a stored call, a record or matching's call terms."""

    deadlines: tuple[dt.date, ...] = ()
    withdrawn: bool = False
    opens_on: dt.date | None = None
    source_status: str | None = None  # fields.STATUSES code the source itself shows, if any

    @classmethod
    def of(cls, call: object) -> CallDates:
        """From anything with the call fields (a `Call` row keeps dates as ISO strings)."""
        return cls(
            deadlines=as_dates(getattr(call, "deadlines", None) or ()),
            withdrawn=bool(getattr(call, "withdrawn", False)),
            opens_on=as_date(getattr(call, "opens_on", None)),
            source_status=getattr(call, "source_status", None),
        )


def as_date(value: dt.date | str | None) -> dt.date | None:
    """A date stored as an ISO string or given as a date; None stays None."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def as_dates(values: Iterable[dt.date | str]) -> tuple[dt.date, ...]:
    """Deadlines as sorted dates, whether stored as ISO strings or dates."""
    return tuple(sorted(as_date(v) for v in values))  # type: ignore[type-var]


def _dates_of(call: object) -> CallDates:
    return call if isinstance(call, CallDates) else CallDates.of(call)


def call_status(call: object, on: dt.date) -> str:
    """The fields.STATUSES code on day `on` of a call: a `Call` row, a record, call terms or CallDates."""
    call = _dates_of(call)
    if call.withdrawn:
        return "withdrawn"
    if call.source_status == "closed":
        return "closed"
    if call.opens_on is not None and on < call.opens_on:
        return "forthcoming"
    if call.source_status == "forthcoming" and call.opens_on is None:
        return "forthcoming"
    if call.deadlines and max(call.deadlines) < on:
        return "closed"
    return "open"


def is_open(call: object, on: dt.date) -> bool:
    """Whether a firm can still apply (or prepare to, for an announced call)."""
    return call_status(call, on) in ("open", "forthcoming")


def next_deadline(call: object, on: dt.date) -> dt.date | None:
    """The first deadline on or after `on`; None when none is ahead."""
    return next((d for d in _dates_of(call).deadlines if d >= on), None)


def deadline_to_show(call: object, on: dt.date) -> dt.date | None:
    """The deadline a reader wants to see: the next one, or, once all have passed, the last one."""
    deadlines = _dates_of(call).deadlines
    return next_deadline(call, on) or (deadlines[-1] if deadlines else None)


# The words sources use for a call's state ("V teku", "Zaključeno", "Poziv je odprt", "Poziv je
# zaprt", "odprto", "napovedan"), by stem; the first that matches wins, so "zaprt" is never "odprt".
_SOURCE_STATUS_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("withdrawn", re.compile(r"\bumaknjen", re.I)),
    ("closed", re.compile(r"\bzaprt|\bzaključen|\bpretekl|\bclosed\b", re.I)),
    ("forthcoming", re.compile(r"\bnapovedan|\bforthcoming\b", re.I)),
    ("open", re.compile(r"\bodprt|\bv teku\b|\baktual|\bopen\b", re.I)),
)


def source_status_of(label: str | None) -> str | None:
    """The fields.STATUSES code of a status label a source shows; None for a label it does not know."""
    return next((code for code, words in _SOURCE_STATUS_WORDS if label and words.search(label)), None)
