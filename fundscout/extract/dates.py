"""Dates in Slovenian (and English) notice text, and which of them are submission deadlines.

Formats: `24. 11. 2023`, `24.11.2023`, `01. 07. 2021`, `19. julij 2023`, `30. septembra 2022`,
`23 February 2022`, `2023-12-07`, `5/8-2022`; a year may be left out when a list of cut-off dates
shares one (`Closing: 21 September.`). Legal preambles are full of dates ("z dne …"), so only
dates close to a deadline phrase count as deadlines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Month stems: Slovenian nominative/genitive (`julij`, `julija`, `marec`, `marca`) and English.
_MONTH_STEMS: tuple[tuple[str, int], ...] = (
    ("januar", 1),
    ("january", 1),
    ("jan", 1),
    ("februar", 2),
    ("february", 2),
    ("feb", 2),
    ("marec", 3),
    ("marca", 3),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("maj", 5),
    ("may", 5),
    ("junij", 6),
    ("june", 6),
    ("jun", 6),
    ("julij", 7),
    ("july", 7),
    ("jul", 7),
    ("avgust", 8),
    ("august", 8),
    ("avg", 8),
    ("aug", 8),
    ("september", 9),
    ("septembr", 9),
    ("sep", 9),
    ("oktober", 10),
    ("oktobr", 10),
    ("october", 10),
    ("okt", 10),
    ("oct", 10),
    ("november", 11),
    ("novembr", 11),
    ("nov", 11),
    ("december", 12),
    ("decembr", 12),
    ("dec", 12),
)
_MONTH_WORD = r"(?:" + "|".join(sorted({s for s, _ in _MONTH_STEMS}, key=len, reverse=True)) + r")[a-z]*"

_YEAR = r"(?:19|20)\d{2}"
# One alternation so that a single scan finds every date in document order.
DATE_RE = re.compile(
    rf"(?<![\d.])(?P<d1>[0-3]?\d)\.\s?(?P<m1>[01]?\d)\.\s?(?P<y1>{_YEAR})?(?![\d])"
    rf"|(?<![\d])(?P<d2>[0-3]?\d)\.?\s+(?P<m2>{_MONTH_WORD})\.?,?(?:\s+(?P<y2>{_YEAR}))?(?![\w])"
    rf"|(?<![\w-])(?P<m3>{_MONTH_WORD})\s+(?P<d3>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y3>{_YEAR})(?!\d)"
    rf"|(?<![\d])(?P<y4>{_YEAR})-(?P<m4>[01]\d)-(?P<d4>[0-3]\d)(?!\d)"
    rf"|(?<![\d/])(?P<d5>[0-3]?\d)/(?P<m5>[01]?\d)[-/](?P<y5>{_YEAR})(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    value: dt.date | None  # None while the year is still unknown
    month: int
    day: int
    start: int
    end: int
    worded: bool = False  # month written as a word


def month_number(word: str) -> int | None:
    word = word.lower()
    for stem, number in _MONTH_STEMS:
        if word.startswith(stem):
            # "maj" must not take "majhen" and "mar" not "marsikaj": short stems need a short word.
            if len(stem) <= 3 and len(word) > len(stem) + 3:
                continue
            return number
    return None


def find_dates(text: str) -> list[FoundDate]:
    """Every date in `text` in order; a date without a year takes the year of the next dated one."""
    found: list[FoundDate] = []
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        if g["d1"]:
            day, month, year = int(g["d1"]), int(g["m1"]), g["y1"]
        elif g["d2"]:
            day, month, year = int(g["d2"]), month_number(g["m2"]) or 0, g["y2"]
        elif g["d3"]:
            day, month, year = int(g["d3"]), month_number(g["m3"]) or 0, g["y3"]
        elif g["y4"]:
            day, month, year = int(g["d4"]), int(g["m4"]), g["y4"]
        else:
            day, month, year = int(g["d5"]), int(g["m5"]), g["y5"]
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        value = _safe_date(int(year), month, day) if year else None
        if year and value is None:
            continue
        found.append(FoundDate(value, month, day, m.start(), m.end(), worded=not (g["d1"] or g["y4"] or g["d5"])))
    return _fill_years(found)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _fill_years(found: list[FoundDate]) -> list[FoundDate]:
    """`16. 9.–22. 9. 2023` and `Closing: 21 September.` after `6 September 2023`: borrow a year."""
    out: list[FoundDate] = []
    for i, date in enumerate(found):
        if date.value is None:
            year = next((d.value.year for d in found[i + 1 :] if d.value and d.start - date.end < 40), None)
            if year is None and date.worded:
                year = next((d.value.year for d in reversed(out) if d.value), None)
            value = _safe_date(year, date.month, date.day) if year else None
            if value is None:
                continue
            date = FoundDate(value, date.month, date.day, date.start, date.end, date.worded)
        out.append(date)
    return out


def parse_date(text: str) -> dt.date | None:
    """The first complete date in a short string, e.g. `24. 11. 2023` -> 2023-11-24."""
    for date in find_dates(text):
        return date.value
    return None


# --- deadlines ------------------------------------------------------------------------------------

# Phrases that open a deadline: "Rok za oddajo vlog je …", "Rok prijave: …", "Roki za prijavo:",
# "odprt do …", "Closing: …", "Deadline: …".
_DEADLINE_OPENER = re.compile(
    # "Rok:", "Rok prijave:", "Rok za oddajo vlog", "rok za vložitev predlogov" — not "rok za izvedbo projekta"
    r"\brok\w*\s*:|\brok\w*\s+(?:za\s+)?(?:oddaj|prijav|predlo|vlož|vlog|dostav|zbiranj|sprejem|pošiljanj)\w*"
    r"(?:\s+(?:projektn\w+|vlog|prijav|predlog|ponudb)\w*)*"
    r"|\b(?:bo|je)\s+(?:\S+\s+){0,6}?odprt\w*\s+(?:od|do)\b|\bopen\s+(?:as\s+)?(?:until|till|from|between)\b"
    r"|\b(?:zbira\w*|sprejema\w*)\s+(?:\w+\s+){0,2}?vlog\w*"
    r"|\b(?:vlog|prijav|predlog|ponudb)\w*\s+(?:\w+\s+){0,4}?(?:zbiral\w*|zbira\w*|sprejema\w*|oddati|oddaj\w*|prispeti"
    r"|poslati|posredovati|vložiti|predložiti|dostaviti)\b"
    r"|\b(?:apply|submit\w*)\s+(?:\S+\s+){0,8}?(?:by|until|before)\b"
    r"|\b(?:podaljša\w*|prestavljen\w*)\s+(?:na|do)\b"
    r"|\b(?:oddaj\w*|predložitev|vložitev|zbiranje)\s+(?:\w+\s+){0,2}?(?:vlog|prijav|predlog)\w*\s*:"
    r"|\bdatum\s+zaključka(?:\s+(?:razpisa|poziva))?\s*:"
    r"|\b(?:closing|closes?|closure|deadline|submission deadline|cut-off)\b",
    re.IGNORECASE,
)
# "V sredo, 28. novembra 2018, se je zaključil četrti rok …", "30. septembra 2022, izteče rok".
_DEADLINE_AFTER_DATE = re.compile(
    r"[\s,]{0,3}(?:ob\s+\d{1,2}[.:]\d{2}\s+)?(?:se\s+)?(?:je\s+)?(?:zaključ\w+|izteč\w+|potek\w+|poteč\w+)\s+"
    r"(?:\S+\s+){0,2}(?:rok|(?:javn\w+\s+)?(?:razpis|poziv))",
    re.IGNORECASE,
)
_WEEKDAY = (
    r"(?:ponedelj\w*|tor\w*|sred\w*|četrt\w*|pet\w*|sobot\w*|nedelj\w*"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
# Dates that are not deadlines even inside a deadline sentence.
_NOT_DEADLINE_BEFORE = re.compile(
    r"(?:\bz\s+dne|\bobjav\w*|\bprejel\w*|\bpredstavitev\w*|\bizdan\w*|\bpublished(?:\s+on)?|\bopening\s*:?)\s*$",
    re.IGNORECASE,
)
# "je bil z dne 1. 4. 2019 podaljšan na …": the first date is no longer a deadline.
_EXTENDED_FROM = re.compile(
    r"\bz\s+dne\s+(?P<date>[0-3]?\d\.\s?[01]?\d\.\s?\d{4})\s+(?:je\s+)?(?:bil\w*\s+)?(?:podaljšan|prestavljen)",
    re.IGNORECASE,
)
_NEGATED_OPENER = re.compile(r"\brok\w*\s+(?:za\s+\w+\s+)?(?:je\s+)?potekel", re.IGNORECASE)
# Questions and information requests have their own "do" dates; they are not submission deadlines.
_NOT_SUBMISSION = re.compile(
    r"vprašanj|dodatn\w+ informacij|pojasnil|informativn|predstavitv|dogodek|dogodku|prijavite na dogodek"
    r"|upravičenost\w* stroškov|izvedb\w+ projekt|porab\w+ sredstev v|zaključ\w+ projekt",
    re.IGNORECASE,
)


# "… lahko do 31. maja 2024 oddate", "predlog si lahko oddala do srede, 21. oktobra 2020": "do" a date,
# with a submitting verb in the same clause.
_UNTIL_BEFORE = re.compile(rf"\bdo\s+(?:vključno\s+)?(?:{_WEEKDAY},?\s+)?$", re.IGNORECASE)
_SUBMIT_VERB = re.compile(r"\b(?:odda\w*|pošlj\w*|prijavi\w*|vloži\w*|predloži\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Deadlines:
    dates: list[dt.date]
    snippets: list[str]


def _sentence_span(text: str, start: int, limit: int = 260) -> int:
    """End of the sentence or labelled line that starts at `start` (dates keep their dots)."""
    end = min(len(text), start + limit)
    stop = re.compile(r"\.\s+(?=[A-ZČŠŽ])|\n\s*\n|\n(?=[A-ZČŠŽ][^\n]{0,40}:)|;")
    m = stop.search(text, start, end)
    return m.start() + 1 if m else end


def _list_span(text: str, start: int) -> int:
    """After `Roki za prijavo:` at a line end: the following bullet or date lines."""
    pos = start
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        line_end = text.find("\n", nl + 1)
        line_end = len(text) if line_end < 0 else line_end
        line = text[nl + 1 : line_end].strip()
        if line == "" or (len(line) < 60 and (line[:1] in "•–-*·" or DATE_RE.match(line))):
            pos = line_end
            if line_end >= len(text) or pos - start > 600:
                return pos
            continue
        return nl


def find_deadlines(text: str) -> Deadlines:
    """Submission deadlines: dates after a deadline phrase (within its sentence or list)."""
    dates = find_dates(text)
    chosen: dict[dt.date, str] = {}
    for opener in _DEADLINE_OPENER.finditer(text):
        if _NEGATED_OPENER.match(text, opener.start()):
            continue
        line_end = text.find("\n", opener.end())
        rest_of_line = text[opener.end() : line_end if line_end >= 0 else len(text)]
        if re.fullmatch(r"\s*:?\s*", rest_of_line):  # "Roki za prijavo:" heading a list
            end = _list_span(text, opener.end())
        else:
            end = _sentence_span(text, opener.end())
        for date in dates:
            if not opener.end() <= date.start < end or _NOT_SUBMISSION.search(text[opener.end() : date.start]):
                continue
            before = text[max(opener.start(), date.start - 25) : date.start]
            if _NOT_DEADLINE_BEFORE.search(before) or _is_range_start(text, date):
                continue
            chosen.setdefault(date.value, _snippet(text, opener.start(), end))
    for date in dates:
        if _DEADLINE_AFTER_DATE.match(text, date.end):
            chosen.setdefault(date.value, _snippet(text, max(0, date.start - 20), date.end + 60))
        elif date.value and _UNTIL_BEFORE.search(text[max(0, date.start - 30) : date.start]):
            start = max(0, date.start - 150)
            before = re.split(r"[.!?]\s+(?=[A-ZČŠŽ])|\n", text[start : date.start])[-1]
            after = re.split(r"[.!?;](?:\s|$)|\n", text[date.end : date.end + 60])[0]
            clause = before + " " + after
            if _SUBMIT_VERB.search(clause) and not _NOT_SUBMISSION.search(clause):
                chosen.setdefault(date.value, _snippet(text, date.start - len(before), date.end + len(after)))
    superseded = {
        d.value for m in _EXTENDED_FROM.finditer(text) for d in dates if m.start("date") <= d.start < m.end("date")
    }
    kept = sorted(d for d in chosen if d not in superseded)
    return Deadlines(kept, [chosen[d] for d in kept])


def _is_range_start(text: str, date: FoundDate) -> bool:
    """`od 10. 4. 2023 do 31. 12. 2023`: the first date opens the period, only the second ends it."""
    before = text[max(0, date.start - 25) : date.start].lower()
    after = text[date.end : date.end + 20].lower()
    opens = re.search(rf"\b(?:od|from|between)\s+(?:{_WEEKDAY},?\s+)?$", before)
    return bool(opens and re.match(r"\s*(?:do|to|and|until|–|-)", after))


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())[:300]
