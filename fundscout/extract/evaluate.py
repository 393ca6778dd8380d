"""Per-field accuracy of the extraction on a labelled split, compared the way `score.py extract` does.

`extraction_scores(rows)` takes the labelled notices (`id`, `url`, `text`, `labels`) and returns
{field: accuracy}; fields whose label is null for every row are left out. A plain-regex baseline
(`baseline_scores`) shows what the rules add over the obvious one-line patterns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Any

from fundscout.extract import extract_notice
from fundscout.fields import EXTRACT_FIELDS


def _norm(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).lower()
    return re.sub(r"[\s\W_]+", " ", text).strip()


def _similar(have: Any, want: Any, at: float) -> bool:
    a, b = _norm(have), _norm(want)
    if not a or not b:
        return False
    if min(len(a), len(b)) > 25 and (a in b or b in a):
        return True
    return SequenceMatcher(None, a, b).ratio() >= at


def field_matches(name: str, have: Any, want: Any) -> bool:
    """Whether an extracted value counts as right, by the rules of the shared scorer."""
    if name == "title":
        return _similar(have, want, 0.85)
    if name == "publisher":
        return _similar(have, want, 0.80)
    if name in ("funds", "deadlines"):
        return sorted(set(have or [])) == sorted(set(want or []))
    if name == "applicant_types":
        h, w = set(have or []), set(want or [])
        return len(h & w) / len(h | w) >= 0.5 if h | w else True
    if name == "budget_eur":
        return isinstance(have, (int, float)) and abs(have - want) <= max(1.0, 0.01 * abs(want))
    return have == want


def _scores(rows: Iterable[dict], extract: Callable[[str, str | None], dict[str, Any]]) -> dict[str, float]:
    right = {name: 0 for name in EXTRACT_FIELDS}
    seen = {name: 0 for name in EXTRACT_FIELDS}
    for row in rows:
        fields = extract(row["text"], row.get("url"))
        for name in EXTRACT_FIELDS:
            want = (row.get("labels") or {}).get(name)
            if want is None:  # the text does not tell: not scored
                continue
            seen[name] += 1
            right[name] += field_matches(name, fields.get(name), want)
    return {name: round(right[name] / seen[name], 3) for name in EXTRACT_FIELDS if seen[name]}


def extraction_scores(rows: Iterable[dict]) -> dict[str, float]:
    """Per-field accuracy of `extract_notice` on labelled rows."""
    return _scores(rows, lambda text, url: extract_notice(text, url).fields)


# --- the plain-regex baseline ---------------------------------------------------------------------

_B_NOTICE = re.compile(r"Ob-\d+/\d{2}")
_B_ISSUE = re.compile(r"Uradni list RS, št\. (\d+/\d{4}) z dne (\d{1,2})\. ?(\d{1,2})\. ?(\d{4})")
_B_DEADLINE = re.compile(r"[Rr]ok[^\n]{0,40}?(\d{1,2})\. ?(\d{1,2})\. ?(\d{4})")
_B_AMOUNT = re.compile(r"(\d{1,3}(?:\.\d{3})+,\d{2}) EUR")


def _baseline(text: str, url: str | None) -> dict[str, Any]:
    """The one-line patterns of the source notes, with no context rules."""
    out: dict[str, Any] = {}
    if m := _B_NOTICE.search(text):
        out["notice_number"] = m.group(0)
    if m := _B_ISSUE.search(text):
        out["gazette_issue"] = m.group(1)
        out["published_on"] = f"{m.group(4)}-{int(m.group(3)):02d}-{int(m.group(2)):02d}"
    if m := _B_DEADLINE.search(text):
        out["deadlines"] = [f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"]
    if m := _B_AMOUNT.search(text):
        out["budget_eur"] = float(m.group(1).replace(".", "").replace(",", "."))
    eu = bool(re.search(r"Evropsk|EU\b|ESRR|ESS|kohezij", text))
    out["eu_funded"] = eu
    out["programme_period"] = next(
        (p for p in ("2021-2027", "2014-2020", "2007-2013") if p.replace("-", "–") in text or p in text),
        None if eu else "national",
    )
    return out


def baseline_scores(rows: Iterable[dict]) -> dict[str, float]:
    """Per-field accuracy of the plain-regex baseline, for comparison."""
    return _scores(rows, _baseline)
