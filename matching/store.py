"""The store run (`fundscout match`): classify changed calls, refresh firm profiles, rescore changed pairs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import delete, select

from fundscout.config import STORE_MIN_SCORE
from fundscout.db import session_scope
from fundscout.db.models import Call, CallDomain, Firm, FirmFeedback, Match, utcnow
from fundscout.reference import REFERENCE_DIR
from fundscout.status import call_status
from matching.eligibility import (
    assess,
)
from matching.features import CallProfile, FirmEntry
from matching.learn import FEEDBACK_GRADES, Feedback
from matching.normalise import keys
from matching.profiles import call_profile, call_terms, firm_entry
from matching.ranking import build_matcher
from matching.reasons import relevance_reasons


def model_version() -> str:
    """Hash of the reference data: a new taxonomy recomputes every pair."""
    digest = hashlib.sha256()
    for name in ("taxonomy.yaml", "nace_divisions.csv", "municipalities.csv"):
        digest.update((REFERENCE_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class StoreReport:
    calls_classified: int = 0
    firms_updated: int = 0
    pairs_scored: int = 0  # pairs of a changed firm or call, looked at for the store
    pairs_written: int = 0
    pairs_unchanged: int = 0
    changed_call_ids: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.calls_classified} calls (re)classified, {self.firms_updated} firm profiles updated, "
            f"{self.pairs_unchanged} stored pairs unchanged, {self.pairs_scored} pairs of changed firms or "
            f"calls scored, {self.pairs_written} written"
        )


def _half(*inputs: Any) -> str:
    return hashlib.sha256(json.dumps(inputs, default=str).encode()).hexdigest()[:32]


def _call_text(call: Any) -> str:
    """The stored page text, as the file mode reads it; a call imported without one (an
    operator's file) is read from its summary, programme and publisher."""
    return call.text or "\n".join(filter(None, [call.summary, call.programme, call.publisher]))


_TERM_FIELDS = (
    "applicant_types",
    "cohesion_regions",
    "deadlines",
    "until_funds_spent",
    "withdrawn",
    "opens_on",
    "source_status",
    "publisher",
)


def stored_call_profile(call: Call) -> CallProfile:
    """A stored call ready for matching, read as the file mode reads a notice."""
    fields = {name: getattr(call, name) for name in _TERM_FIELDS}
    return call_profile(call.id, call.title, _call_text(call), call_terms(fields, _call_text(call)))


def stored_firm_entry(firm: Firm) -> FirmEntry:
    return firm_entry(
        firm.firm_id,
        firm.name,
        firm.legal_form,
        firm.size_class,
        firm.municipality,
        firm.nace_codes or [],
        firm.description or "",
        firm.interests or [],
    )


def stored_feedback(database_url: str) -> Feedback:
    """The firms' digest responses in the store (`fundscout feedback`) as judgments
    (learn.FEEDBACK_GRADES), with the firms and calls they are about, for `fundscout train`."""
    with session_scope(database_url) as session:
        rows = session.execute(select(FirmFeedback.firm_id, FirmFeedback.call_id, FirmFeedback.status)).all()
        judgments: dict[str, dict[str, int]] = {}
        for firm_id, call_id, status in rows:
            if status in FEEDBACK_GRADES:
                judgments.setdefault(firm_id, {})[call_id] = FEEDBACK_GRADES[status]
        call_ids = sorted({c for rel in judgments.values() for c in rel})
        calls = [
            stored_call_profile(c) for c in session.scalars(select(Call).where(Call.id.in_(call_ids)).order_by(Call.id))
        ]
        firms = [
            stored_firm_entry(f)
            for f in session.scalars(select(Firm).where(Firm.firm_id.in_(sorted(judgments))).order_by(Firm.firm_id))
        ]
    return Feedback(firms, calls, judgments)


def match_store(
    database_url: str, *, today: dt.date | None = None, lang: str = "sl", include_closed: bool = False
) -> StoreReport:
    """Classify calls, derive firm domains, and recompute the matches whose inputs changed."""
    today = today or dt.date.today()
    version = model_version()
    report = StoreReport()
    now = utcnow()
    with session_scope(database_url) as session:
        stored_calls = list(session.scalars(select(Call).order_by(Call.id)))
        stored_firms = list(session.scalars(select(Firm).order_by(Firm.firm_id)))
        stored_domains: dict[str, dict[str, CallDomain]] = {}
        for row in session.scalars(select(CallDomain)):
            stored_domains.setdefault(row.call_id, {})[row.domain] = row

        profiles = []
        for call in stored_calls:
            profile = stored_call_profile(call)
            profiles.append(profile)
            labels = profile.labels
            new = {label.domain: label for label in labels}
            old = stored_domains.get(call.id, {})
            if set(new) != set(old) or sorted(call.domains or []) != sorted(new):
                session.execute(delete(CallDomain).where(CallDomain.call_id == call.id))
                for label in labels:
                    session.add(
                        CallDomain(
                            call_id=call.id,
                            domain=label.domain,
                            score=label.score,
                            evidence=label.evidence,
                            classified_at=now,
                        )
                    )
                call.domains = sorted(new)
                report.calls_classified += 1
                report.changed_call_ids.append(call.id)

        entries = []
        for firm in stored_firms:
            entry = stored_firm_entry(firm)
            entries.append(entry)
            if sorted(firm.domains or []) != entry.domains:
                firm.domains = entry.domains
                report.firms_updated += 1
        session.flush()
        if not entries or not profiles:
            return report

        # inputs_hash = firm half + call half, so the sides whose inputs changed are known without
        # visiting every pair: only their rows and columns are rescored into the store.
        firm_half = [
            _half(version, f.content_hash, e.domains, lang, include_closed) for f, e in zip(stored_firms, entries)
        ]
        call_half = [
            _half(c.content_hash, call_status(p.terms, today), sorted(p.domains))
            for c, p in zip(stored_calls, profiles)
        ]
        existing = {(m.firm_id, m.call_id): m for m in session.scalars(select(Match))}
        firm_row = {e.firm_id: i for i, e in enumerate(entries)}
        call_col = {p.call_id: j for j, p in enumerate(profiles)}
        firm_seen = np.zeros(len(entries), bool)
        call_seen = np.zeros(len(profiles), bool)
        for (firm_id, call_id), row in existing.items():
            i, j = firm_row.get(firm_id), call_col.get(call_id)
            if i is not None and row.inputs_hash[:32] == firm_half[i]:
                firm_seen[i] = True
            if j is not None and row.inputs_hash[32:] == call_half[j]:
                call_seen[j] = True
        firm_changed, call_changed = ~firm_seen, ~call_seen
        report.pairs_unchanged = sum(
            1
            for (f, c), row in existing.items()
            if f in firm_row and c in call_col and row.inputs_hash == firm_half[firm_row[f]] + call_half[call_col[c]]
        )
        if not firm_changed.any() and not call_changed.any():
            return report

        matcher = build_matcher(entries, profiles, today, include_closed)
        call_keys: dict[int, set[str]] = {}
        for start, block in matcher.chunks():
            rows_changed = firm_changed[start : start + len(block)]
            todo = np.argwhere(rows_changed[:, None] | call_changed[None, :])
            report.pairs_scored += len(todo)
            for local, j in todo:
                i = start + int(local)
                score = float(block[local, j])
                firm, call = entries[i], profiles[j]
                row = existing.get((firm.firm_id, call.call_id))
                inputs = firm_half[i] + call_half[j]
                if row is not None and row.inputs_hash == inputs:
                    continue
                if row is None and score < STORE_MIN_SCORE:
                    continue
                if j not in call_keys:
                    call_keys[j] = set(keys(f"{call.title}\n{call.text}"))
                verdict = assess(firm.klass, call.terms, today, include_closed=include_closed, lang=lang)
                reasons = {
                    "eligibility": verdict.reasons,
                    "relevance": relevance_reasons(firm, call, matcher.components(i, j), call_keys[j], lang),
                }
                values = dict(
                    score=round(score, 1),
                    eligible=verdict.eligible,
                    reasons=reasons,
                    inputs_hash=inputs,
                    computed_at=now,
                )
                if row is None:
                    session.add(Match(firm_id=firm.firm_id, call_id=call.call_id, **values))
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
                report.pairs_written += 1
    return report
