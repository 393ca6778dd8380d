"""What a digest says, shared by the workbook and the e-mail: its rows and the words for them.

Dates read `31. 3. 2027` in Slovenian; a call's deadline and status come from the one status
rule (`fundscout.status`), put into words here once, so the workbook and both e-mail parts say
the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fundscout.fields import FIELDS_BY_NAME, STATUSES, vocabulary_label

# Calls closing within this many days lead the e-mail (its subject and first lines).
URGENT_DAYS = 14

# Labels and phrases of the digest's own columns and words, (Slovenian, English).
WORDS: dict[str, tuple[str, str]] = {
    "next_deadline": ("Naslednji rok", "Next deadline"),
    "days_left": ("Dni do roka", "Days left"),
    "call_status": ("Stanje in rok", "Status and deadline"),
    "score": ("Ujemanje (0–100)", "Match (0–100)"),
    "relevance": ("Zakaj ustreza", "Why it fits"),
    "eligible": ("Upravičenost", "Eligibility"),
    "eligibility": ("Pogoji za prijavo", "Conditions to apply"),
    "status": ("Vaš odziv", "Your response"),
    "field": ("Kaj se je spremenilo", "What changed"),
    "old": ("Prej", "Before"),
    "new": ("Zdaj", "Now"),
    "changed_on": ("Spremenjeno", "Changed on"),
    "change_kind": ("Vrsta spremembe", "Kind of change"),
    "update": ("posodobitev", "update"),
    "amendment": ("sprememba razpisa", "amendment"),
    "yes": ("da", "yes"),
    "no": ("ne", "no"),
    "unknown": ("ni znano", "unknown"),
    "not_stated": ("ni podatka", "not stated"),
    "until_funds_spent": ("do porabe sredstev", "until funds are spent"),
    "sheet_new": ("Novo ta teden", "New this week"),
    "sheet_changed": ("Spremenjeno", "Changed"),
    "sheet_closing": ("Rok v 30 dneh", "Closing in 30 days"),
    "sheet_open": ("Vsi odprti", "All open"),
    "sheet_legend": ("Legenda", "Legend"),
    "legend_term": ("Pojem", "Term"),
    "legend_meaning": ("Pomen", "Meaning"),
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def word(key: str, lang: str) -> str:
    sl, en = WORDS[key]
    return sl if lang == "sl" else en


@dataclass
class DigestCall:
    """One call in a firm's digest, with the firm's match and the call's status on the digest day."""

    call_id: str
    title: str
    url: str | None
    publisher: str | None
    next_deadline: dt.date | None
    until_funds_spent: bool | None
    budget_eur: float | None
    domains: list[str]
    applicant_types: list[str]
    summary: str | None
    score: float
    eligible: bool | None
    eligibility_reasons: list[str]
    relevance_reasons: list[str]
    status: str | None = None  # the firm's earlier response, shown so it can be changed
    call_status: str = "open"  # fields.STATUSES code from fundscout.status (open or forthcoming here)
    opens_on: dt.date | None = None
    deadlines_left: int = 0  # cut-off dates on or after the digest day, the next one included
    last_deadline: dt.date | None = None  # "najpozneje D" of a first-come call

    def days_left(self, as_of: dt.date) -> int | None:
        return None if self.next_deadline is None else (self.next_deadline - as_of).days


@dataclass
class DigestChange:
    """One changed fact of a matched call: old and new value side by side."""

    call: DigestCall
    field: str
    old: Any
    new: Any
    changed_on: dt.date
    kind: str  # "update" or "amendment"


@dataclass
class Digest:
    firm_id: str
    firm_name: str
    week: str
    as_of: dt.date
    monday: dt.date | None = None  # first day of the ISO week; taken from `week` when not given
    reader: str = "enterprise"  # fields.APPLICANT_TYPES code of what the firm is (legend wording)
    new: list[DigestCall] = field(default_factory=list)
    changed: list[DigestChange] = field(default_factory=list)
    closing: list[DigestCall] = field(default_factory=list)
    open: list[DigestCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.monday is None:
            year, number = self.week.split("-W")
            self.monday = dt.date.fromisocalendar(int(year), int(number), 1)

    @property
    def is_empty(self) -> bool:
        return not self.open

    def week_label(self, lang: str) -> str:
        assert self.monday is not None
        return week_label(self.week, self.monday, lang)


# --- dates, numbers, the week -----------------------------------------------------------------


def format_date(value: dt.date, lang: str) -> str:
    """`31. 3. 2027` in Slovenian, `31 Mar 2027` in English (the workbook's number formats match)."""
    if lang == "sl":
        return f"{value.day}. {value.month}. {value.year}"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def format_money(value: float, lang: str) -> str:
    whole = f"{round(value):,}"
    return f"{whole.replace(',', '.')} €" if lang == "sl" else f"€{whole}"


def week_label(week: str, monday: dt.date, lang: str) -> str:
    """`49. teden (30. 11.–6. 12. 2026)`; the year is written once unless the week spans two."""
    number = int(week.rsplit("W", 1)[1])
    sunday = monday + dt.timedelta(days=6)
    if lang == "sl":
        first = f"{monday.day}. {monday.month}." + (f" {monday.year}" if monday.year != sunday.year else "")
        return f"{number}. teden ({first}–{format_date(sunday, lang)})"
    first = f"{monday.day} {_MONTHS_EN[monday.month - 1]}" + (f" {monday.year}" if monday.year != sunday.year else "")
    return f"week {number} ({first}–{format_date(sunday, lang)})"


# --- a call's deadline and status, from the status rule ----------------------------------------


def deadline_text(call: DigestCall, lang: str) -> str:
    """The deadline as the firm should read it wherever one is shown.

    First come, first served: "do porabe sredstev, najpozneje D"; several cut-off dates: the next
    one and how many remain; nothing known: "ni podatka".
    """
    sl = lang == "sl"
    if call.until_funds_spent:
        spent = word("until_funds_spent", lang)
        if call.last_deadline is None:
            return spent
        return f"{spent}, {'najpozneje' if sl else 'at the latest'} {format_date(call.last_deadline, lang)}"
    if call.next_deadline is None:
        return word("not_stated", lang)
    text = format_date(call.next_deadline, lang)
    if call.deadlines_left > 1:
        text += f", {'preostali roki' if sl else 'cut-off dates left'}: {call.deadlines_left}"
    return text


def status_text(call: DigestCall, lang: str) -> str:
    """`odprt; rok 30. 9. 2026` or `napovedan, odpre se 15. 1. 2027; rok …`."""
    sl = lang == "sl"
    status = vocabulary_label(STATUSES, call.call_status, lang)
    if call.call_status == "forthcoming":
        if call.opens_on is not None:
            status += f", {'odpre se' if sl else 'opens on'} {format_date(call.opens_on, lang)}"
        if call.next_deadline is None and not call.until_funds_spent:
            return status
    return f"{status}; {'rok' if sl else 'deadline'} {deadline_text(call, lang)}"


# --- what changed ------------------------------------------------------------------------------


class Amount(float):
    """A money value (euro): written with the money format wherever it appears."""


def typed_value(value: Any, name: str, lang: str) -> Any:
    """A history value of field `name` in its own type: a date as a date, an amount as an Amount,
    codes as their labels, a list of dates as text; a value of an unexpected shape as text."""
    f = FIELDS_BY_NAME.get(name)
    if value is None:
        return None
    try:
        if f is None:
            return value if isinstance(value, (str, int, float)) else str(value)
        if f.kind == "date":
            return dt.date.fromisoformat(str(value))
        if f.kind == "dates":
            return ", ".join(format_date(dt.date.fromisoformat(str(v)), lang) for v in value)
        if f.kind == "float":
            return Amount(value) if name == "budget_eur" else float(value)
        if f.kind == "bool":
            return word("yes" if value else "no", lang)
        if f.kind == "code" and f.values and value in f.values:
            return vocabulary_label(f.values, value, lang)
        if f.kind == "codes" and f.values:
            return "; ".join(vocabulary_label(f.values, v, lang) for v in value if v in f.values)
    except (TypeError, ValueError):
        pass
    return value if isinstance(value, str) else str(value)


def _value_text(value: Any, name: str, lang: str) -> str:
    typed = typed_value(value, name, lang)
    if typed is None or typed == "":
        return word("not_stated", lang)
    if isinstance(typed, dt.date):
        return format_date(typed, lang)
    if isinstance(typed, Amount):
        return format_money(typed, lang)
    if isinstance(typed, float):
        return f"{typed:g}".replace(".", ",") if lang == "sl" else f"{typed:g}"
    return str(typed)


def change_text(change: DigestChange, lang: str) -> str:
    """`rok premaknjen s 10. 12. 2026 na 25. 12. 2026`; other facts: `<field>: s … na …`."""
    sl = lang == "sl"
    old, new = _value_text(change.old, change.field, lang), _value_text(change.new, change.field, lang)
    if change.field == "deadlines":
        return f"rok premaknjen s {old} na {new}" if sl else f"deadline moved from {old} to {new}"
    f = FIELDS_BY_NAME.get(change.field)
    label = f.label(lang) if f else change.field
    return f"{label}: s {old} na {new}" if sl else f"{label}: from {old} to {new}"
