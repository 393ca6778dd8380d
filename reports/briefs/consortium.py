"""Consortium suggestion for a call: an eligible lead (Mestna občina Kranj when it may apply) plus
local firms whose domains complement each other, read from the stored matches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db.models import Call, Firm, Match
from fundscout.fields import DOMAINS, LEGAL_FORMS, vocabulary_label
from fundscout.reference import find_municipality
from reports.briefs.i18n import format_percent

LEAD_MUNICIPALITY = "Kranj"
LOCAL_REGION = "Gorenjska"
MAX_PARTNERS = 4
# A firm is proposed as a partner only when its match to this call (0–100) reaches this.
MIN_PARTNER_SCORE = 50.0


def _is_kranj(firm: Firm) -> bool:
    return LEGAL_FORMS.get(firm.legal_form) == "municipality" and firm.municipality == LEAD_MUNICIPALITY


def _local(firm: Firm) -> bool:
    place = find_municipality(firm.municipality)
    return place is not None and place.statistical_region == LOCAL_REGION


def suggest_consortium(session: Session, call_id: str, lang: str = "sl") -> list[dict[str, Any]]:
    """Lead first, then partners; each {firm_id, name, role, domains, reason}. Empty if nobody fits."""
    call = session.get(Call, call_id)
    if call is None:
        raise KeyError(f"no call {call_id!r} in the store")
    pairs = session.execute(
        select(Match, Firm).join(Firm, Firm.firm_id == Match.firm_id).where(Match.call_id == call_id)
    ).all()
    sl = lang == "sl"
    eligible = [(m, f) for m, f in pairs if m.eligible is not False]
    if not eligible:
        return []
    kranj = [(m, f) for m, f in eligible if _is_kranj(f)]
    lead_match, lead = kranj[0] if kranj else max(eligible, key=lambda mf: (mf[0].eligible is True, mf[0].score))
    call_domains = set(call.domains or [])
    covered = set(lead.domains or []) & call_domains if call_domains else set(lead.domains or [])
    out = [
        {
            "firm_id": lead.firm_id,
            "name": lead.name,
            "role": "lead",
            "domains": list(lead.domains or []),
            "reason": (
                (
                    "Mestna občina Kranj lahko kandidira kot prijaviteljica"
                    if _is_kranj(lead)
                    else f"najbolje ujemajoči se upravičeni prijavitelj (ujemanje {format_percent(round(lead_match.score), 'sl')})"
                )
                if sl
                else (
                    "the City of Kranj may apply as lead applicant"
                    if _is_kranj(lead)
                    else f"best-matching eligible applicant (match {format_percent(round(lead_match.score), 'en')})"
                )
            ),
        }
    ]
    candidates = sorted(
        ((m, f) for m, f in pairs if f.firm_id != lead.firm_id and _local(f) and m.score >= MIN_PARTNER_SCORE),
        key=lambda mf: -mf[0].score,
    )
    # First partners that bring a domain the consortium lacks (of the call's domains, if it has any),
    # then the best remaining firms with a profile unlike those already in, up to MAX_PARTNERS.
    chosen: list[tuple[Match, Firm, set[str]]] = []
    for m, f in candidates:
        wanted = set(f.domains or []) & call_domains if call_domains else set(f.domains or [])
        if wanted - covered and len(chosen) < MAX_PARTNERS:
            chosen.append((m, f, wanted - covered))
            covered |= wanted
    profiles = {frozenset(f.domains or []) for _, f, _ in chosen} | {frozenset(lead.domains or [])}
    for m, f in candidates:
        if len(chosen) >= MAX_PARTNERS or any(f is c for _, c, _ in chosen):
            continue
        if frozenset(f.domains or []) not in profiles:
            chosen.append((m, f, set()))
            profiles.add(frozenset(f.domains or []))
    for m, f, new in sorted(chosen, key=lambda c: -c[0].score):
        names = ", ".join(vocabulary_label(DOMAINS, d, lang) for d in sorted(new or set(f.domains or [])))
        fit = format_percent(round(m.score), lang)
        floor = format_percent(MIN_PARTNER_SCORE, lang)
        if new:
            reason = (
                f"dopolni konzorcij na področju: {names}; ujemanje z razpisom {fit} (prag {floor})"
                if sl
                else f"adds the domain(s): {names}; match to the call {fit} (threshold {floor})"
            )
        else:
            reason = (
                f"lokalni partner z drugačnim profilom ({names or 'drugo'}); ujemanje z razpisom {fit} (prag {floor})"
                if sl
                else f"local partner with a different profile ({names or 'other'}); match to the call {fit} "
                f"(threshold {floor})"
            )
        out.append(
            {
                "firm_id": f.firm_id,
                "name": f.name,
                "role": "partner",
                "domains": list(f.domains or []),
                "reason": reason,
            }
        )
    return out
