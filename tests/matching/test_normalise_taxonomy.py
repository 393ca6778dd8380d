"""Normalisation and reference data: inflected forms meet their base form; the registries hold."""

from __future__ import annotations

import csv

from fundscout.fields import DOMAINS
from fundscout.reference import REFERENCE_DIR, find_municipality, municipalities, nace_divisions
from matching.normalise import detect_language, keys, notice_body, phrase_keys, token_key
from matching.taxonomy import domains, nace_domains, s5_areas, secondary


def test_inflected_forms_share_keys_with_the_base_form():
    assert keys("pametnih mest in skupnosti") == keys("pametno mesto in skupnost")
    assert keys("polnilne postaje") == keys("polnilna postaja")
    assert keys("širokopasovnih omrežij") == keys("širokopasovno omrežje")


def test_hyphenated_compound_keeps_prefix_and_lemmatises_head():
    assert token_key("e-storitve") == token_key("e-storitev")
    assert token_key("e-storitve").startswith("e-")


def test_diacritics_are_kept():
    assert any("č" in k for k in keys("učinkovita raba energije"))
    assert keys("čas") != keys("cas")


def test_language_routing():
    assert detect_language("Javni razpis za sofinanciranje polnilnic v občini") == "sl"
    assert detect_language("The call for proposals funds projects of the circular economy") == "en"


def test_notice_body_drops_legal_citations_only():
    text = "Javni razpis za e-storitve\n– Zakon o varstvu okolja (Uradni list RS, št. 44/22)\nPredmet je razvoj."
    body = notice_body(text)
    assert "Zakon o varstvu okolja" not in body
    assert "Javni razpis za e-storitve" in body and "Predmet je razvoj." in body


def test_taxonomy_domains_are_the_fixed_codes_with_terms_and_codes():
    assert set(domains()) == set(DOMAINS)
    for concept in domains().values():
        assert concept.sl and concept.en and len(concept.terms) > 20 and concept.nace
    assert len(secondary("s4_areas")) == 9
    assert [f"{i:02d}" for i in range(1, 12)] == list(secondary("thematic_objectives"))
    assert list(secondary("policy_objectives")) == ["PO1", "PO2", "PO3", "PO4", "PO5"]
    assert s5_areas()


def test_phrases_normalise_in_both_languages():
    assert phrase_keys("pametno mesto")
    assert phrase_keys("smart city")


def test_municipality_registry():
    with (REFERENCE_DIR / "municipalities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 212 and len({r["code"] for r in rows}) == 212
    west = {"Gorenjska", "Osrednjeslovenska", "Primorsko-notranjska", "Obalno-kraška", "Goriška"}
    for row in rows:
        assert row["cohesion_region"] == ("west" if row["statistical_region"] in west else "east")
    assert sum(r["statistical_region"] == "Gorenjska" for r in rows) == 18
    assert find_municipality("Gorenja vas-Poljane").name == "Gorenja vas - Poljane"
    assert find_municipality("Mestna občina Kranj").cohesion_region == "west"
    assert find_municipality("Maribor").cohesion_region == "east"
    assert find_municipality("Atlantida") is None
    assert len({m.name for m in municipalities().values()}) == 212


def test_nace_divisions_and_domain_hints():
    assert len(nace_divisions()) == 88
    assert "digital_platforms" in nace_domains("62.010")
    assert "health" in nace_domains("86.210")
    assert "safe_society" in nace_domains("84.250") and "e_governance" not in nace_domains("84.250")
    assert nace_domains("14.390") == []
