"""Why a call's topic fits a firm, in words the firm understands."""

from __future__ import annotations

import math

from fundscout.reference import nace_divisions
from matching.features import (
    AUDIENCE_CODES,
    DOMAIN_CODES,
    CallProfile,
    FirmEntry,
    audience_vector,
    code_trades,
    hint_codes,
    purpose_codes,
)
from matching.normalise import keys
from matching.taxonomy import domains, nace_domains, secondary


def relevance_reasons(
    firm: FirmEntry, call: CallProfile, parts: dict[str, float], call_keys: set[str], lang: str = "sl"
) -> list[str]:
    """Why the topic fits, in words the firm understands."""
    sl = lang == "sl"
    out = []
    matched = [i for i in firm.interests if _interest_in(i, call_keys)]
    if matched:
        out.append(("ujemanje: " if sl else "match: ") + ", ".join(matched[:5]))
    shared = [d for d in DOMAIN_CODES if d in firm.domains and call.domains.get(d)]
    if shared:
        names = ", ".join(domains()[d].sl if sl else domains()[d].en for d in shared)
        out.append(("skupno področje: " if sl else "shared domain: ") + names)
    if parts["nace"] >= 0.3:
        divisions = nace_divisions()
        fitting = [
            c
            for c in firm.nace_codes
            if set(nace_domains(c)) & set(call.domains)
            or (divisions.get(c[:2]) and set(divisions[c[:2]].s4) & set(call.s4))
        ]
        if fitting:
            div = divisions[fitting[0][:2]]
            out.append(
                f"vaša dejavnost ({fitting[0]} {div.sl}) sodi na področje razpisa"
                if sl
                else f"your activity ({fitting[0]} {div.en}) belongs to the call's field"
            )
    if parts["audience"] >= 0.5:
        kinds = [
            a
            for a in AUDIENCE_CODES
            if audience_vector(firm)[AUDIENCE_CODES.index(a)] and call.audience.get(a, 0) >= 0.5
        ]
        if kinds:
            audience = secondary("applicant_audience")[kinds[0]]
            # Read from the text, not from a list of eligible applicants: it says whom the text
            # mentions, so it never contradicts "the call does not name eligible applicants".
            out.append(f"besedilo razpisa omenja: {audience.sl}" if sl else f"the call's text mentions: {audience.en}")
    if parts["purpose"] >= 0.2:
        objectives = secondary("thematic_objectives")
        common = [t for t in purpose_codes() if firm.purposes.get(t, 0) >= 0.3 and call.purposes.get(t, 0) >= 0.3]
        if common:
            names = "; ".join(objectives[t].sl if sl else objectives[t].en for t in common[:2])
            out.append(
                ("namen sredstev ustreza vašim načrtom: " if sl else "the purpose of the funds fits your plans: ")
                + names
            )
    if parts["trade"] >= 0.3:
        hints = secondary("nace_hints")
        trades = [
            h
            for h in hint_codes()
            if call.trades.get(h, 0) >= 0.3 and any(code_trades(c[:5])[hint_codes().index(h)] for c in firm.nace_codes)
        ]
        if trades:
            names = ", ".join(hints[h].sl if sl else hints[h].en for h in trades[:2])
            out.append(("razpis zadeva vašo dejavnost: " if sl else "the call concerns your trade: ") + names)
    if parts["text"] >= 0.5 and not matched:
        out.append(
            "opis vaše dejavnosti je vsebinsko blizu razpisu"
            if sl
            else "your activity description is close to the call's text"
        )
    if not out:
        out.append("razpis le malo ustreza vaši dejavnosti" if sl else "the call fits your activity only loosely")
    return out


def _interest_in(interest: str, call_keys: set[str]) -> bool:
    wanted = [k for k in keys(interest) if len(k) > 2]
    if not wanted:
        return False
    found = sum(k in call_keys for k in wanted)
    return found >= max(1, math.ceil(0.75 * len(wanted)))  # "polnilnice za avtobuse" needs the buses too
