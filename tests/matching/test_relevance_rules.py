"""General relevance rules: a call about the applicant's own digitalisation is no market for
software firms, and a call paying for one trade's work ranks lower for firms of other trades."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from matching.model import HAND_SET, load_model
from matching.profiles import call_profile, call_terms, firm_entry
from matching.ranking import match_rows

TODAY = dt.date(2026, 11, 24)
SME_CALL = {"applicant_types": ["sme"], "deadlines": ["2027-01-31"]}


def _software_firm():
    return firm_entry(
        "S1",
        "Programnik d.o.o.",
        "d.o.o.",
        "small",
        "Kranj",
        ["62.010"],
        "Razvijamo programsko opremo in spletne aplikacije za podjetja.",
        ["programska oprema", "digitalna platforma"],
    )


def _toolmaker():
    return firm_entry(
        "S2",
        "Orodjar d.o.o.",
        "d.o.o.",
        "small",
        "Kranj",
        ["25.730"],
        "Izdelujemo orodja in izvajamo CNC obdelavo kovin.",
        ["nakup strojev", "posodobitev proizvodnje"],
    )


def test_adoption_terms_do_not_count_as_the_calls_subject():
    adoption = call_profile(
        "a",
        "Javni razpis za digitalno transformacijo MSP",
        "Sofinanciranje digitalne transformacije in digitalizacije poslovanja malih in srednjih podjetij.",
        call_terms(SME_CALL),
    )
    platform = call_profile(
        "b",
        "Javni razpis za mestno podatkovno platformo",
        "Sofinanciranje razvoja digitalne platforme in interoperabilnosti podatkov.",
        call_terms(SME_CALL),
    )
    assert [label.domain for label in adoption.labels] == ["digital_platforms"]  # still classified
    assert adoption.domains["digital_platforms"] < 0.2 * platform.domains["digital_platforms"]
    rows = match_rows([_software_firm()], [adoption, platform], today=TODAY)
    scores = {r.call_id: r.score for r in rows}
    assert scores["b"] > scores["a"]


def test_a_call_for_another_trade_ranks_below_a_general_sme_call():
    networks = call_profile(
        "net",
        "Javni razpis za gradnjo mobilnih omrežij 5G",
        "Sofinanciranje gradnje širokopasovnega mobilnega omrežja 5G za podjetja.",
        call_terms(SME_CALL),
    )
    general = call_profile(
        "gen",
        "Javni razpis za posodobitev proizvodnje MSP",
        "Sofinanciranje nakupa strojev in posodobitve proizvodnje podjetij.",
        call_terms(SME_CALL),
    )
    rows = match_rows([_toolmaker(), _software_firm()], [networks, general], today=TODAY)
    by_firm = {}
    for r in rows:
        by_firm.setdefault(r.firm_id, {})[r.call_id] = r.score
    assert by_firm["S2"]["gen"] > by_firm["S2"]["net"]
    assert networks.trades.get("61", 0) > 0.5


def test_trade_mismatch_lowers_only_enterprises_outside_the_trade():
    networks = call_profile(
        "net",
        "Javni razpis za gradnjo mobilnih omrežij 5G",
        "Sofinanciranje gradnje širokopasovnega mobilnega omrežja 5G.",
        call_terms({}),
    )
    operator = firm_entry("S3", "Optika d.o.o.", "d.o.o.", "small", "Kranj", ["61.100"], "Telekomunikacije.", [])
    town = firm_entry("S4", "Občina Naklo", "občina", "small", "Naklo", ["84.110"], "Občina.", [])
    firms = [_software_firm(), operator, town]

    def scores(model):
        return {r.firm_id: r.score for r in match_rows(firms, [networks], today=TODAY, model=model)}

    for model in (HAND_SET, load_model()):  # the shipped model is fitted with mismatch weight <= 0
        with_rule = scores(model)
        without = scores(replace(model, weights={**model.weights, "mismatch": 0.0}))
        assert with_rule["S1"] < without["S1"] or (model.weights["mismatch"] == 0 and model is not HAND_SET)
        assert with_rule["S3"] == without["S3"] and with_rule["S4"] == without["S4"]


def test_start_up_wording_limits_a_call_and_a_profile_declares_it():
    call = call_profile(
        "p",
        "Javni razpis za spodbude za zagon inovativnih podjetij",
        "Zagonska podjetja lahko pridobijo sredstva za zagon podjetja.",
        call_terms(SME_CALL),
    )
    topic = call_profile(
        "t", "Javni razpis za posodobitev proizvodnje", "Za mala in srednja podjetja.", call_terms(SME_CALL)
    )
    young = firm_entry(
        "Y",
        "Mlado d.o.o.",
        "d.o.o.",
        "micro",
        "Kranj",
        ["62.010"],
        "Zagonsko podjetje, ki razvija aplikacijo.",
        ["zagonski kapital"],
    )
    assert call.terms.startups_only and not topic.terms.startups_only
    assert young.klass.startup and not _toolmaker().klass.startup


def test_a_customer_mentioned_once_is_not_the_firms_field():
    seller = firm_entry(
        "H1",
        "Gasilnik d.o.o.",
        "d.o.o.",
        "small",
        "Tržič",
        ["28.290"],
        "Proizvajamo gasilnike za industrijske objekte, šole in bolnišnice.",
        ["razvoj novih izdelkov"],
    )
    clinic = firm_entry(
        "H2", "Zdravko d.o.o.", "d.o.o.", "small", "Kranj", ["86.210"], "Zasebna ambulanta.", ["telemedicina"]
    )
    assert "health" not in seller.declared_domains
    assert "health" in clinic.declared_domains


def test_a_municipal_publisher_makes_a_call_local():
    assert call_terms({"publisher": "Občina Bled"}, "Razpis za društva.").municipalities == ("Bled",)
    assert call_terms({"publisher": "Ministrstvo za javno upravo"}, "Razpis za občine.").municipalities == ()
