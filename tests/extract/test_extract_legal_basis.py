"""Programme period, EU funds and EU funding from the legal basis; state aid is not EU money."""

from fundscout.extract.legal_basis import _choose_period, find_funding


def facts(text, year=None):
    found = find_funding(text, year)
    return found.programme_period, found.eu_funded, found.funds


def test_common_provisions_2014_2020_with_esf_regulation():
    text = (
        "Na podlagi Uredbe (EU) št. 1303/2013 Evropskega parlamenta in Sveta z dne 17. decembra 2013 o skupnih "
        "določbah o Evropskem skladu za regionalni razvoj, Evropskem socialnem skladu, Kohezijskem skladu "
        "(UL L št. 347 z dne 20. 12. 2013, str. 320), Uredbe (EU) št. 1304/2013 Evropskega parlamenta in Sveta "
        "o Evropskem socialnem skladu (UL L št. 347 z dne 20. 12. 2013, str. 470) objavlja ministrstvo razpis."
    )
    assert facts(text) == ("2014-2020", True, ["ESF"])


def test_2021_2027_just_transition_fund():
    text = (
        "– Uredbe (EU) 2021/1060 Evropskega parlamenta in Sveta z dne 24. junija 2021 o določitvi skupnih "
        "določb (UL L št. 231 z dne 30. 6. 2021, str. 159),\n– Uredbe (EU) 2021/1056 Evropskega parlamenta in "
        "Sveta z dne 24. junija 2021 o vzpostavitvi Sklada za pravični prehod (UL L št. 231 z dne 30. 6. 2021),"
    )
    assert facts(text) == ("2021-2027", True, ["JTF"])


def test_regulations_listed_as_amended_do_not_name_funds():
    text = (
        "– Uredbe (EU) št. 1301/2013 Evropskega parlamenta in Sveta o Evropskem skladu za regionalni razvoj, "
        "spremenjene z Uredbo (EU, Euratom) 2018/1046 o finančnih pravilih, spremembi uredb (EU) št. 1296/2013, "
        "(EU) št. 1301/2013, (EU) št. 1303/2013, (EU) št. 1304/2013 in (EU) št. 1300/2013 (UL L št. 193),"
    )
    assert facts(text) == ("2014-2020", True, ["ERDF"])


def test_state_aid_rules_alone_are_not_eu_money():
    text = (
        "Na podlagi Zakona o spodbujanju skladnega regionalnega razvoja (ZSRR-2) in Uredbe Komisije (EU) "
        "št. 651/2014 z dne 17. junija 2014 o razglasitvi nekaterih vrst pomoči za združljive z notranjim trgom "
        "objavlja ministrstvo javni razpis za začetne investicije."
    )
    found = find_funding(text, 2017)
    assert (found.programme_period, found.eu_funded, found.funds) == ("national", False, [])
    assert "651/2014" in found.evidence["eu_funded"]


def test_de_minimis_municipal_call_is_national():
    text = (
        "Občina objavlja razpis po pravilu »de minimis« v skladu z Uredbo Komisije (EU) št. 1407/2013 "
        "z dne 18. decembra 2013; sredstva so zagotovljena v občinskem proračunu."
    )
    assert facts(text, 2020) == ("national", False, [])


def test_national_climate_fund_is_not_the_just_transition_fund():
    text = "Javni razpis se financira iz sredstev Sklada za podnebne spremembe za leti 2025 in 2026."
    assert facts(text, 2025) == ("national", False, [])


def test_a_national_programme_period_is_not_a_cohesion_period():
    text = (
        "v skladu s Programom ukrepov za spodbujanje podjetništva in konkurenčnosti 2007–2013, ki ga je sprejela vlada"
    )
    assert facts(text, 2012) == ("national", False, [])


def test_recovery_plan_is_rrf_in_2021_2027():
    text = "Javni razpis se financira v okviru Načrta za okrevanje in odpornost, komponente Trajnostna mobilnost."
    assert facts(text) == ("2021-2027", True, ["RRF"])


def test_fund_names_in_a_managing_authority_title_do_not_count():
    text = (
        "Služba Vlade RS za razvoj in evropsko kohezijsko politiko, organ upravljanja za evropske strukturne "
        "sklade in Kohezijski sklad, je potrdila razpis. Evropski socialni sklad bo prispeval 80 odstotkov."
    )
    assert facts(text, 2019) == ("2014-2020", True, ["ESF"])


def test_bracketed_fund_tags_and_abbreviations():
    text = "POVABILO ZA OPERACIJE TRAJNOSTNE MOBILNOSTI Z MEHANIZMOM CTN (ESRR) IN (KS) v obdobju 2014–2020 kohezijske politike"
    assert facts(text) == ("2014-2020", True, ["ERDF", "CF"])


def test_other_programmes():
    assert facts("LIFE Programme call 2024 for nature projects", 2024) == ("2021-2027", True, ["LIFE"])
    assert facts("razpis programa Obzorje Evropa za raziskovalce")[2] == ["HORIZON"]
    text = "Javni razpis Programa sodelovanja Interreg V-A Slovenija-Avstrija v obdobju 2014-2020, sredstva ESRR"
    assert facts(text) == ("2014-2020", True, ["ERDF", "INTERREG"])
    text = "operacije se financirajo iz Evropskega kmetijskega sklada za razvoj podeželja (EKSRP) v programskem obdobju 2014–2020"
    assert facts(text) == ("2014-2020", True, ["EAFRD"])


def test_eu_money_without_a_named_fund_or_period_uses_the_year():
    found = find_funding("Projekti bodo sofinancirani s sredstvi Evropske unije in Republike Slovenije.", 2009)
    assert (found.programme_period, found.eu_funded, found.funds) == ("2007-2013", True, None)


def test_rural_development_programme_and_2021_2027_specific_objectives():
    text = "ukrep podpore iz Programa razvoja podeželja Republike Slovenije za obdobje 2014–2020"
    assert facts(text) == ("2014-2020", True, ["EAFRD"])
    assert facts("v okviru specifičnega cilja RSO2.1 za energetsko učinkovitost", 2024) == ("2021-2027", True, None)


def test_other_eu_programmes_and_horizon_2020():
    assert facts("Poziv programa Digitalna Evropa za evropska digitalna inovacijska središča", 2023) == (
        "2021-2027",
        True,
        ["OTHER_EU"],
    )
    assert facts("projekt, financiran iz programa Obzorje 2020", 2018) == ("2014-2020", True, ["HORIZON"])


def test_direct_management_programme_takes_the_budget_of_its_year():
    assert _choose_period([], {"OTHER_EU": 1}, 2022) == "2021-2027"
    assert _choose_period([], {"HORIZON": 1}, 2019) == "2014-2020"
    assert _choose_period([], {"ERDF": 1}, 2022) == "2014-2020"
