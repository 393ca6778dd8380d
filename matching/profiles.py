"""Firm entries and call profiles: what the matcher knows of a firm and of a call."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fundscout.extract.applicants import stated_applicants
from fundscout.fields import LEGAL_FORMS
from fundscout.records import FirmRecord
from fundscout.reference import find_municipality
from fundscout.status import as_date, as_dates
from matching.classify import (
    MAX_REPEATS,
    PROFILE_MIN_SCORE,
    REPEAT_BONUS,
    DomainLabel,
    analyse,
    classify_secondary,
    score_concepts,
    select_labels,
    selected_codes,
)
from matching.eligibility import (
    CallTerms,
    FirmClass,
    local_area,
    unresolved_area,
)
from matching.features import CallProfile, FirmEntry, call_audience, text_features
from matching.firms import nace_domains_of
from matching.taxonomy import adoption_terms


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
    applicants = tuple(fields.get("applicant_types") or ())
    guessed = bool(applicants and text.strip() and not stated_applicants(text))
    return CallTerms(
        applicant_types=() if guessed else applicants,
        guessed_applicants=applicants if guessed else (),
        cohesion_regions=tuple(fields.get("cohesion_regions") or ()),
        deadlines=as_dates(fields.get("deadlines") or ()),
        until_funds_spent=bool(fields.get("until_funds_spent")),
        withdrawn=bool(fields.get("withdrawn")),
        opens_on=as_date(fields.get("opens_on")),
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
        audience=call_audience(terms.applicant_types, wording, terms.guessed_applicants),
        purposes=_confidences(score_concepts(title, text, "thematic_objectives", analysis)),
        trades=_confidences(score_concepts(title, text, "nace_hints", analysis)),
        features=text_features(analysis),
    )
