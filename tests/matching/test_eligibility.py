"""Eligibility rules, and the vectorised table that must agree with them."""

from __future__ import annotations

import datetime as dt
import random

from fundscout.status import call_status
from matching.eligibility import CallTerms, FirmClass, assess, local_area, unresolved_area
from matching.features import CallProfile, FirmEntry
from matching.ranking import _VERDICT_CODE, eligibility_table

TODAY = dt.date(2026, 11, 24)
SME_WEST = FirmClass("enterprise", "small", "west")
LATER = (dt.date(2027, 1, 15),)


def test_sme_in_the_west_may_apply_to_an_sme_call():
    verdict = assess(SME_WEST, CallTerms(("sme",), (), LATER), TODAY)
    assert verdict.eligible is True
    assert verdict.reasons[0] == "ste MSP v Zahodni kohezijski regiji"
    assert "15. 1. 2027 (še 52 dni)" in verdict.reasons[-1]


def test_wrong_applicant_type_is_not_eligible_and_says_why():
    verdict = assess(SME_WEST, CallTerms(("municipality",), (), LATER), TODAY)
    assert verdict.eligible is False
    assert "občine" in verdict.reasons[0] and "MSP" in verdict.reasons[0]


def test_large_firm_is_not_an_sme():
    assert assess(FirmClass("enterprise", "large", "west"), CallTerms(("sme",), (), LATER), TODAY).eligible is False
    assert assess(FirmClass("enterprise", "large", "west"), CallTerms(("enterprise",), (), LATER), TODAY).eligible


def test_society_counts_as_ngo():
    assert assess(FirmClass("association", "micro", "west"), CallTerms(("ngo",), (), LATER), TODAY).eligible is True


def test_region_limit():
    verdict = assess(SME_WEST, CallTerms(("sme",), ("east",), LATER), TODAY)
    assert verdict.eligible is False and "Vzhodna" in verdict.reasons[-2]


def test_unknown_applicants_give_none():
    assert assess(SME_WEST, CallTerms((), (), LATER), TODAY).eligible is None


def test_closed_call_unless_include_closed():
    closed = CallTerms(("sme",), (), (dt.date(2026, 5, 1),))
    assert call_status(closed, TODAY) == "closed"
    assert assess(SME_WEST, closed, TODAY).eligible is False
    assert assess(SME_WEST, closed, TODAY, include_closed=True).eligible is True
    spent = CallTerms(("sme",), (), (dt.date(2026, 5, 1),), until_funds_spent=True)
    assert call_status(spent, TODAY) == "closed"  # "do porabe sredstev, najpozneje 1. 5. 2026"
    assert assess(SME_WEST, spent, TODAY).reasons[0] == "rok za oddajo je potekel 1. 5. 2026"


def test_a_call_the_source_shows_closed_is_refused_without_a_date():
    marked = CallTerms(("sme",), (), (), source_status="closed")
    verdict = assess(SME_WEST, marked, TODAY)
    assert verdict.eligible is False and verdict.reasons[0] == "vir razpis navaja kot zaprt"


def test_an_announced_call_says_when_it_opens_and_stays_eligible():
    announced = CallTerms(("sme",), (), LATER, opens_on=dt.date(2026, 12, 15))
    verdict = assess(SME_WEST, announced, TODAY)
    assert verdict.status == "forthcoming" and verdict.eligible is True
    assert verdict.reasons[0] == "razpis je napovedan, odpre se 15. 12. 2026"


def test_english_reasons():
    assert (
        assess(SME_WEST, CallTerms(("sme",), (), LATER), TODAY, lang="en").reasons[0]
        == "you are an SME in the Western cohesion region"
    )


def test_the_table_keys_calls_without_changing_any_verdict():
    rng = random.Random(7)
    types = [
        "municipality",
        "sme",
        "large_enterprise",
        "enterprise",
        "ngo",
        "association",
        "public_institute",
        "research_org",
        "natural_person",
        "other",
    ]
    firms = [
        FirmEntry(
            f"f{i}",
            "x",
            FirmClass(
                rng.choice(["enterprise", "municipality", "ngo", "association", "public_institute"]),
                rng.choice(["micro", "small", "medium", "large"]),
                rng.choice(["west", "east", None]),
                rng.choice(["Kranj", "Bled", "Tržič", None]),
                rng.random() < 0.3,
            ),
            [],
            "",
            [],
            [],
            [],
        )
        for i in range(40)
    ]
    calls = [
        CallProfile(
            f"c{i}",
            "",
            "",
            CallTerms(
                tuple(rng.sample(types, rng.randint(0, 3))),
                tuple(rng.choice([[], ["west"], ["east"], ["west", "east"]])),
                (TODAY + dt.timedelta(days=rng.randint(-300, 300)),) if rng.random() < 0.8 else (),
                rng.random() < 0.2,
                rng.random() < 0.05,
                tuple(rng.choice([[], [], ["Kranj"], ["Bled", "Naklo"]])),
                rng.random() < 0.2,
                rng.choice([None, None, "las"]),
            ),
        )
        for i in range(120)
    ]
    for include_closed in (False, True):
        table, index, _ = eligibility_table(firms, calls, TODAY, include_closed)
        for firm, row in zip(firms, index):
            for col, call in enumerate(calls):
                expected = assess(firm.klass, call.terms, TODAY, include_closed=include_closed).eligible
                assert table[row, col] == _VERDICT_CODE[expected]


def test_local_area_is_read_from_the_wording():
    assert local_area("Občina Bled objavlja razpis za društva v občini Bled.") == ("Bled",)
    assert local_area("za stavbe na območju Mestne občine Kranj, Občine Tržič in Občine Naklo") == (
        "Kranj",
        "Tržič",
        "Naklo",
    )
    assert local_area("Javni razpis za občine in podjetja v Sloveniji") == ()


def test_local_call_admits_only_firms_seated_there():
    local = CallTerms(("association",), (), LATER, municipalities=("Bled",))
    there = FirmClass("association", "micro", "west", "Bled")
    elsewhere = FirmClass("association", "micro", "west", "Kranj")
    assert assess(there, local, TODAY).eligible is True
    verdict = assess(elsewhere, local, TODAY)
    assert verdict.eligible is False and any("le območju občine Bled" in r for r in verdict.reasons)


def test_start_up_calls():
    call = CallTerms(("sme",), (), LATER, startups_only=True)
    assert assess(FirmClass("enterprise", "micro", "west", startup=True), call, TODAY).eligible is True
    assert assess(FirmClass("enterprise", "micro", "west"), call, TODAY).eligible is None
    grown = assess(FirmClass("enterprise", "medium", "west"), call, TODAY)
    assert grown.eligible is False and "zagonskim podjetjem" in " ".join(grown.reasons)


def test_areas_of_unknown_extent_leave_eligibility_unsure():
    assert unresolved_area("razvojna posojila na problemskih in obmejnih problemskih območjih") == "problem_areas"
    assert unresolved_area("Javni poziv LAS Zgornja dolina za izbor operacij") == "las"
    assert unresolved_area("Javni razpis za mala podjetja") is None
    verdict = assess(SME_WEST, CallTerms(("sme",), (), LATER, unresolved_area="problem_areas"), TODAY)
    assert verdict.eligible is None and any("problemska območja" in r for r in verdict.reasons)
