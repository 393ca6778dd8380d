"""extract_notice end to end on notices written for these tests, checked against CallRecord."""

import ast
from pathlib import Path

import pytest

from fundscout.extract import OPTIONAL_FIELDS, extract_notice
from fundscout.fields import EXTRACT_FIELDS
from fundscout.records import CallRecord

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
PACKAGE = Path(__file__).resolve().parents[2] / "scrapers" / "extract"


def extract(name):
    return extract_notice((NOTICES / name).read_text(encoding="utf-8"))


def test_gazette_call_with_erdf_and_several_cut_offs():
    found = extract("ul_erdf_2021_2027.txt")
    f = found.fields
    assert f["notice_number"] == "Ob-2207/25" and f["gazette_issue"] == "42/2025"
    assert f["published_on"] == "2025-06-06"
    assert f["publisher"] == "Ministrstvo za gospodarstvo, turizem in šport"
    assert f["title"].startswith("Javni razpis za spodbujanje uvajanja pametnih senzorskih rešitev")
    assert (f["call_type"], f["programme_period"], f["eu_funded"], f["funds"]) == (
        "javni_razpis",
        "2021-2027",
        True,
        ["ERDF"],
    )
    assert f["deadlines"] == ["2025-09-15", "2026-01-16", "2026-05-15"]  # not the date for questions
    assert f["budget_eur"] == 3_250_000.0
    assert f["applicant_types"] == ["sme"]
    assert f["cofinancing_rate"] == 60.0 and f["cohesion_regions"] == ["west"]
    assert "2.600.000" not in found.evidence["budget_eur"] or "3.250.000" in found.evidence["budget_eur"]
    assert "15. 9. 2025" in found.evidence["deadlines"]


def test_municipal_de_minimis_call_is_national():
    f = extract("ul_municipal_national.txt").fields
    assert (f["programme_period"], f["eu_funded"], f["funds"]) == ("national", False, [])
    assert f["publisher"] == "Občina Naklo" and f["notice_number"] == "Ob-1044/26"
    assert f["budget_eur"] == 40_000.0 and f["deadlines"] == ["2026-02-27"]
    assert sorted(f["applicant_types"]) == ["association", "natural_person"]


def test_amendment_moves_the_deadline():
    f = extract("ul_amendment.txt").fields
    assert f["call_type"] == "amendment"
    assert f["title"].startswith("Sprememba Javnega razpisa za sofinanciranje digitalnih vsebin")
    assert f["deadlines"] == ["2024-12-02"]
    assert f["gazette_issue"] == "88/2024"  # the amendment's own issue, not the original call's 61/24


def test_news_report_of_a_recovery_plan_call():
    found = extract("news_rrf.txt")
    f = found.fields
    assert f["call_type"] == "other" and f["funds"] == ["RRF"] and f["programme_period"] == "2021-2027"
    assert f["budget_eur"] == 4_500_000.0 and f["until_funds_spent"] is True
    assert f["deadlines"] == ["2026-06-30"]
    assert f["published_on"] == "2026-02-12" and f["gazette_issue"] == "11/2026"
    assert sorted(f["applicant_types"]) == ["municipality", "public_institute"]


def test_english_interreg_call():
    f = extract("english_interreg.txt").fields
    assert f["funds"] == ["ERDF", "INTERREG"] and f["programme_period"] == "2021-2027"
    assert f["budget_eur"] == 6_400_000.0 and f["cofinancing_rate"] == 80.0
    assert f["deadlines"] == ["2026-04-14", "2026-09-30"]


def test_empty_text_tells_nothing():
    found = extract_notice("  \n")
    assert found.fields == {name: None for name in EXTRACT_FIELDS}
    assert found.evidence == {}


@pytest.mark.parametrize("name", sorted(p.name for p in NOTICES.glob("*.txt")))
def test_fields_are_exactly_the_dictionary_and_valid_records(name):
    found = extract(name)
    assert set(EXTRACT_FIELDS) <= set(found.fields) <= set(EXTRACT_FIELDS) | set(OPTIONAL_FIELDS)
    assert set(found.evidence) <= set(found.fields)
    for field, value in found.fields.items():
        # "national" with no state-aid clause is read from what the text lacks: nothing to quote
        inferred_from_absence = field == "programme_period" and value == "national"
        if value not in (None, [], False) and field != "summary" and not inferred_from_absence:
            assert found.evidence.get(field), f"{field} has no snippet"
    record = CallRecord.model_validate(
        {
            "id": "t-1",
            "url": "https://example.org/razpis",
            "source": "test",
            "title": found.fields["title"] or "?",
            **{k: v for k, v in found.record_fields().items() if k != "title"},
            "evidence": found.evidence,
        }
    )
    assert record.funds == (found.fields["funds"] or [])


def test_no_scrapy_import_in_the_extraction_package():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not any(n == "scrapy" or n.startswith("scrapy.") for n in names), path


def test_news_item_title_is_the_call_a_sentence_names():
    text = (
        "Razpis ZŠ v Kamniku za 2024\n"
        "Občina Kamnik objavlja javni razpis za sofinanciranje letnega programa športa v letu 2024. Rok je 3. 3. 2024."
    )
    fields = extract_notice(text, "https://klub.example.org/2024/razpis-zs-kamnik").fields
    assert fields["call_type"] == "other"
    assert fields["title"] == "Javni razpis za sofinanciranje letnega programa športa v letu 2024"


def test_title_from_the_slug_spelt_as_the_text_spells_it():
    text = (
        "Razpisovalec: Slovenski regionalno razvojni sklad\nRok prijave: 3. 4. 2023\n"
        "Finančna produkta LOKALNO in NVO sta premostitveno posojilo, ki ga sklad daje projektom z evropskimi sredstvi."
    )
    url = "https://rra.example.org/javni-razpis-za-financna-produkta-lokalno-in-nvo/"
    assert extract_notice(text, url).fields["title"] == "Javni razpis za finančna produkta LOKALNO in NVO"
