"""Scored, ranked matches: the eligibility table (from eligibility.assess) and the Matcher's top calls per firm."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from matching.eligibility import (
    CallTerms,
    FirmClass,
    assess,
    eligibility_key,
)
from matching.features import CallProfile, FirmEntry
from matching.model import RankingModel
from matching.normalise import keys
from matching.reasons import relevance_reasons
from matching.scoring import Matcher

_VERDICT_CODE = {True: 1, None: 0, False: -1}


@dataclass
class MatchRow:
    firm_id: str
    call_id: str
    score: float
    eligible: bool | None
    reasons: dict[str, list[str]]  # {"eligibility": [...], "relevance": [...]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "firm_id": self.firm_id,
            "call_id": self.call_id,
            "score": self.score,
            "eligible": self.eligible,
            "reasons": self.reasons,
        }


def eligibility_table(
    firms: Sequence[FirmEntry], calls: Sequence[CallProfile], today: dt.date, include_closed: bool
) -> tuple[np.ndarray, np.ndarray, list[FirmClass]]:
    """(classes x calls verdict codes -1/0/1, class index of each firm, the classes).

    Every verdict is eligibility.assess's, asked once per firm class and call key (eligibility_key)."""
    # Firms of one legal form, size and region share a row; the municipality splits them only where
    # some call is limited to it (local calls are few), so the table stays small.
    local = {m for c in calls for m in c.terms.municipalities}
    classes: dict[FirmClass, int] = {}
    index = np.array(
        [
            classes.setdefault(
                f.klass if f.klass.municipality in local else replace(f.klass, municipality=None), len(classes)
            )
            for f in firms
        ],
        np.int64,
    )
    keys: dict[CallTerms, int] = {}
    column = np.array([keys.setdefault(eligibility_key(c.terms, today), len(keys)) for c in calls], np.int64)
    verdicts = np.array(
        [
            [_VERDICT_CODE[assess(klass, key, today, include_closed=include_closed).eligible] for key in keys]
            for klass in classes
        ],
        np.int8,
    ).reshape(len(classes), len(keys))
    table = verdicts[:, column]
    return table, index, list(classes)


def build_matcher(
    firms: Sequence[FirmEntry],
    calls: Sequence[CallProfile],
    today: dt.date,
    include_closed: bool,
    model: RankingModel | None = None,
) -> Matcher:
    """A Matcher with the eligibility table of these firms and calls; `model` default: the shipped one."""
    table, index, _ = eligibility_table(firms, calls, today, include_closed)
    return Matcher(firms, calls, table, index, model)


def match_rows(
    firms: Sequence[FirmEntry],
    calls: Sequence[CallProfile],
    *,
    top: int | None = None,
    today: dt.date | None = None,
    include_closed: bool = False,
    lang: str = "sl",
    min_score: float = 0.0,
    model: RankingModel | None = None,
) -> list[MatchRow]:
    """Scored pairs with their reasons: the best `top` calls per firm, or all pairs."""
    today = today or dt.date.today()
    if not firms or not calls:
        return []
    matcher = build_matcher(firms, calls, today, include_closed, model)
    call_keys = [set(keys(f"{c.title}\n{c.text}")) for c in calls]
    rows = []
    for ranked in matcher.top(top):
        if ranked.score < min_score:
            continue
        firm, call = firms[ranked.firm_index], calls[ranked.call_index]
        verdict = assess(firm.klass, call.terms, today, include_closed=include_closed, lang=lang)
        parts = matcher.components(ranked.firm_index, ranked.call_index)
        rows.append(
            MatchRow(
                firm.firm_id,
                call.call_id,
                round(ranked.score, 1),
                verdict.eligible,
                {
                    "eligibility": verdict.reasons,
                    "relevance": relevance_reasons(firm, call, parts, call_keys[ranked.call_index], lang),
                },
            )
        )
    return rows
