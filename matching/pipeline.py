"""Matching runs: file mode (`fundscout match --input ... --firms ...`) and the store (`match_store`).

Both build the same `Matcher` (matching.relevance) from firm entries and call profiles, so a
call scores the same way whether it comes from a notice file or from the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, select

from fundscout.db import session_scope
from fundscout.db.models import Call, CallDomain, Firm, Match, utcnow
from fundscout.extract import extract_notice
from fundscout.fields import LEGAL_FORMS
from fundscout.load import InputError, read_firms_csv, read_jsonl
from fundscout.records import FirmRecord, RecordError
from fundscout.reference import REFERENCE_DIR, find_municipality
from fundscout.status import as_dates, call_status
from matching.classify import (
    MAX_REPEATS,
    PROFILE_MIN_SCORE,
    REPEAT_BONUS,
    DomainLabel,
    analyse,
    classify_secondary,
    classify_text,
    score_concepts,
    select_labels,
    selected_codes,
)
from matching.eligibility import (
    CallTerms,
    FirmClass,
    assess,
    eligibility_key,
    local_area,
    unresolved_area,
)
from matching.firms import nace_domains_of
from matching.normalise import keys
from matching.relevance import CallProfile, FirmEntry, Matcher, call_audience, relevance_reasons, text_features
from matching.taxonomy import adoption_terms

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


# --- building the inputs ---------------------------------------------------------------------------


def firm_entry(
    firm_id: str,
    name: str,
    legal_form: str,
    size_class: str,
    municipality: str,
    nace_codes: list[str],
    description: str,
    interests: list[str],
) -> FirmEntry:
    place = find_municipality(municipality)
    title = "; ".join(interests or [])
    analysis = analyse(title, description or "")
    declared = selected_codes(score_concepts(title, description, "domains", analysis), PROFILE_MIN_SCORE)
    purposes = _confidences(score_concepts(title, description, "thematic_objectives", analysis))
    startup = (
        _confidences(score_concepts(title, description, "applicant_audience", analysis)).get("startup", 0.0) >= 0.5
    )
    return FirmEntry(
        firm_id=firm_id,
        name=name,
        klass=FirmClass(
            LEGAL_FORMS.get(legal_form, "other"),
            size_class,
            place.cohesion_region if place else None,
            place.name if place else None,
            startup,
        ),
        nace_codes=list(nace_codes),
        description=description or "",
        interests=list(interests or []),
        declared_domains=declared,
        domains=sorted(set(declared) | set(nace_domains_of(nace_codes))),
        purposes=purposes,
        startup=startup,
        features=text_features(analysis),
    )


def _confidences(scored: dict[str, tuple[float, dict, bool]]) -> dict[str, float]:
    return {code: 1 - math.exp(-score / 2) for code, (score, _, _) in scored.items()}


def entry_from_profile(p: FirmRecord) -> FirmEntry:
    return firm_entry(
        p.firm_id, p.name, p.legal_form, p.size_class, p.municipality, p.nace_codes, p.description, p.interests
    )


def call_terms(fields: dict[str, Any], text: str = "") -> CallTerms:
    """Eligibility terms from the extracted fields; a local limit from the wording of `text` or a
    publisher that is a municipality."""
    publisher = str(fields.get("publisher") or "")
    local = local_area(text) or (local_area(f"{publisher} objavlja") if _MUNICIPAL.match(publisher) else ())
    return CallTerms(
        applicant_types=tuple(fields.get("applicant_types") or ()),
        cohesion_regions=tuple(fields.get("cohesion_regions") or ()),
        deadlines=as_dates(fields.get("deadlines") or ()),
        until_funds_spent=bool(fields.get("until_funds_spent")),
        withdrawn=bool(fields.get("withdrawn")),
        opens_on=as_dates([fields["opens_on"]])[0] if fields.get("opens_on") else None,
        source_status=fields.get("source_status"),
        municipalities=local,
        unresolved_area=None if local else unresolved_area(text),
    )


_MUNICIPAL = re.compile(r"\s*(?:Mestna )?[Oo]bčina\s+\S")


def subject_confidences(labels: Sequence[DomainLabel], scored: dict[str, tuple[float, dict, bool]]) -> dict[str, float]:
    """Each label's confidence scaled by the share of its evidence that names the call's subject
    rather than the applicant's own change (taxonomy `adoption`: "digitalizacija MSP" funds any
    firm's digitalisation, it is no market for software firms)."""
    adoption = adoption_terms()
    out = {}
    for label in labels:
        _, seen, _ = scored[label.domain]
        parts = {text: w * f * (1 + REPEAT_BONUS * min(c - 1, MAX_REPEATS)) for text, (w, f, c, _) in seen.items()}
        total = sum(parts.values())
        subject = total - sum(v for text, v in parts.items() if text in adoption)
        out[label.domain] = label.score * (subject / total if total else 1.0)
    return out


STARTUP_CALL = 0.6  # start-up wording this strong (in the title, or repeated) limits a call to start-ups


def call_profile(call_id: str, title: str, text: str, terms: CallTerms) -> CallProfile:
    """A call ready for matching: its domains and S4 areas classified from title and text; the
    domain confidences count only the evidence naming the call's subject (see subject_confidences)."""
    analysis = analyse(title, text)
    scored = score_concepts(title, text, "domains", analysis)
    labels = select_labels(scored)
    s4 = classify_secondary(title, text, "s4_areas", analysis)
    wording = _confidences(score_concepts(title, text, "applicant_audience", analysis))
    if wording.get("startup", 0.0) >= STARTUP_CALL:
        terms = replace(terms, startups_only=True)
    return CallProfile(
        call_id,
        title or "",
        text or "",
        terms,
        domains=subject_confidences(labels, scored),
        s4={label.domain: label.score for label in s4},
        labels=labels,
        audience=call_audience(terms.applicant_types, wording),
        purposes=_confidences(score_concepts(title, text, "thematic_objectives", analysis)),
        trades=_confidences(score_concepts(title, text, "nace_hints", analysis)),
        features=text_features(analysis),
    )


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
    firms: Sequence[FirmEntry], calls: Sequence[CallProfile], today: dt.date, include_closed: bool
) -> Matcher:
    table, index, _ = eligibility_table(firms, calls, today, include_closed)
    return Matcher(firms, calls, table, index)


def match_rows(
    firms: Sequence[FirmEntry],
    calls: Sequence[CallProfile],
    *,
    top: int | None = None,
    today: dt.date | None = None,
    include_closed: bool = False,
    lang: str = "sl",
    min_score: float = 0.0,
) -> list[MatchRow]:
    """Scored pairs with their reasons: the best `top` calls per firm, or all pairs."""
    today = today or dt.date.today()
    if not firms or not calls:
        return []
    matcher = build_matcher(firms, calls, today, include_closed)
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


# --- file mode -------------------------------------------------------------------------------------


def calls_from_notices(path: Path) -> list[CallProfile]:
    """Notice rows {id, url, text} -> call profiles, facts read with fundscout.extract."""
    calls, errors = [], []
    for number, row in read_jsonl(path):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            errors.append(RecordError(str(path), number, None, "expected an object with string 'id' and 'text'"))
            continue
        extraction = extract_notice(row["text"], row.get("url"))
        fields = extraction.fields
        calls.append(call_profile(row["id"], fields.get("title") or "", row["text"], call_terms(fields, row["text"])))
    if errors:
        raise InputError(errors)
    return calls


def classify_file(notices: Path, output: Path) -> int:
    """`fundscout classify`: one row per notice with its domains, scores and evidence."""
    out, errors = [], []
    for number, row in read_jsonl(notices):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            errors.append(RecordError(str(notices), number, None, "expected an object with string 'id' and 'text'"))
            continue
        title = extract_notice(row["text"], row.get("url")).fields.get("title") or ""
        labels = classify_text(title, row["text"])
        out.append(
            {
                "id": row["id"],
                "domains": [label.domain for label in labels],
                "scores": {label.domain: label.score for label in labels},
                "evidence": {label.domain: label.evidence for label in labels},
            }
        )
    if errors:
        raise InputError(errors)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    return len(out)


def match_file(
    notices: Path,
    firms_csv: Path,
    output: Path,
    *,
    top: int | None = None,
    include_closed: bool = False,
    today: dt.date | None = None,
    lang: str = "sl",
) -> dict[str, Any]:
    """`fundscout match --input N.jsonl --firms F.csv --output O.jsonl`: no database."""
    parsed = read_firms_csv(firms_csv)
    firms = [entry_from_profile(p) for p in parsed.firms]
    calls = calls_from_notices(notices)
    rows = match_rows(firms, calls, top=top, today=today, include_closed=include_closed, lang=lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
    return {"firms": len(firms), "calls": len(calls), "rows": len(rows), "rejected": parsed.errors}


# --- the store -------------------------------------------------------------------------------------

STORE_MIN_SCORE = 1.0  # pairs below this are not stored (an existing row is still updated)


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
    return "\n".join(filter(None, [call.summary, call.programme, call.publisher]))


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
            fields = {
                name: getattr(call, name)
                for name in (
                    "applicant_types",
                    "cohesion_regions",
                    "deadlines",
                    "until_funds_spent",
                    "withdrawn",
                    "opens_on",
                    "source_status",
                    "publisher",
                )
            }
            profile = call_profile(call.id, call.title, _call_text(call), call_terms(fields, _call_text(call)))
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
            entry = firm_entry(
                firm.firm_id,
                firm.name,
                firm.legal_form,
                firm.size_class,
                firm.municipality,
                firm.nace_codes or [],
                firm.description or "",
                firm.interests or [],
            )
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
