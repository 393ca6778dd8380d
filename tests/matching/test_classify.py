"""The domain classifier on notices written for these tests (not real notices)."""

from __future__ import annotations

import json

from matching.classify import classify_baseline, classify_secondary, classify_text
from tests.conftest import FIXTURES

NOTICES = {r["id"]: r for r in map(json.loads, (FIXTURES / "matching" / "notices.jsonl").read_text().splitlines())}


def _domains(notice_id: str) -> set[str]:
    return {label.domain for label in classify_text("", NOTICES[notice_id]["text"])}


def test_single_and_multi_label():
    assert _domains("fx-gasilska-oprema-2026") == {"safe_society"}
    assert _domains("fx-e-storitve-obcine-2026") == {"e_governance", "digital_platforms"}
    assert _domains("fx-polnilnice-2026") == {"urban_mobility"}
    assert _domains("fx-telemedicina-2026") == {"health"}


def test_english_notice():
    assert _domains("fx-life-2026") == {"environment_energy"}


def test_a_call_may_have_no_domain():
    assert _domains("fx-kozolci-2019") == set()


def test_evidence_names_terms_and_where():
    label = classify_text("Javni razpis za nakup gasilskih vozil", "Prijavijo se gasilska društva.")[0]
    assert label.domain == "safe_society" and 0 < label.score <= 1
    where = {e["where"] for e in label.evidence}
    assert "title" in where
    assert any(e["term"] == "gasilsko vozilo" for e in label.evidence)


def test_weak_terms_alone_do_not_label():
    assert classify_text("", "Varnost in zaščita podatkov ter promet in okolje v besedilu o kulturi.") == []


def test_names_of_funds_do_not_count_as_topic():
    text = "Javni razpis za sofinanciranje kulturnih prireditev iz Sklada za podnebne spremembe."
    assert "environment_energy" not in {label.domain for label in classify_text("", text)}


def test_title_weighs_more_than_a_passing_mention():
    body = "Razpis za izobraževanje odraslih v knjižnicah. " * 12 + "Med merili je tudi energetska učinkovitost."
    assert "environment_energy" not in {label.domain for label in classify_text("", body)}
    assert "environment_energy" in {label.domain for label in classify_text("Energetska učinkovitost stavb", body)}


def test_secondary_classifications():
    areas = {label.domain for label in classify_secondary("", NOTICES["fx-life-2026"]["text"], "s4_areas")}
    assert "S4.2.1" in areas


def test_baseline_is_substring_matching():
    assert classify_baseline("Razpis za telemedicina projekte") == ["health"]
    assert classify_baseline("Razpis za krepitev kibernetske varnosti") == []  # inflected: the baseline misses it
    assert "safe_society" in {label.domain for label in classify_text("", "Razpis za krepitev kibernetske varnosti")}


def test_terms_count_only_in_their_language_except_acronyms():
    assert classify_text("", "Občina bo uvedla smart city rešitve v središču mesta.") == []
    assert {label.domain for label in classify_text("", "Občina bo uvedla IoT senzorje v središču mesta.")} == {
        "digital_platforms"
    }
