"""Euro amounts in Slovenian and English formats, the call budget and the co-financing rate."""

import pytest

from fundscout.extract.amounts import find_budget, find_cofinancing_rate, parse_amount


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.500.000,00 EUR", 1_500_000.0),
        ("846.915 EUR", 846_915.0),
        ("40 000,00 EUR", 40_000.0),
        ("2,16 mio EUR", 2_160_000.0),
        ("2,2 milijona evrov", 2_200_000.0),
        ("osem milijonov evrov", 8_000_000.0),
        ("pol milijona evrov", 500_000.0),
        ("EUR 91.75m", 91_750_000.0),
        ("€2.5M", 2_500_000.0),
        ("611 million euros", 611_000_000.0),
        ("5.000,00 EUR", 5_000.0),
        ("717.361,63 EUR", 717_361.63),
    ],
)
def test_amount_formats(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


def test_words_without_scale_are_not_money():
    assert parse_amount("za pet evrov") is None


def budget(text):
    found = find_budget(text)
    return found.value if found else None


def test_total_budget_not_the_per_project_limit():
    text = (
        "Najvišji znesek sofinanciranja na posamezno vlogo je 20.000,00 EUR. "
        "Skupna višina razpisanih sredstev znaša 350.000,00 EUR."
    )
    assert budget(text) == 350_000.0


def test_budget_phrases():
    assert budget("Razpisana sredstva: 125.000,00 EUR\n\nRok prijav: 3. 3. 2025") == 125_000.0
    assert budget("Vrednost razpisa: 2.400.000,00 EUR") == 2_400_000.0
    assert budget("Sredstva za obnovo fasad v letu 2025 so določena z odlokom in znašajo 15.000 evrov.") == 15_000.0
    assert budget("The call budget is EUR 6.4m from the ERDF.") == 6_400_000.0


def test_sum_of_applications_is_not_the_budget():
    text = (
        "Agencija je prejela 90 vlog v skupni vrednosti 2.103.000,50 evrov, "
        "razpisanih sredstev pa je bilo za 1.000.000 evrov."
    )
    assert budget(text) == 1_000_000.0


def test_news_sentence_about_the_call():
    text = "Država je objavila razpis za digitalne občine; šest milijonov evrov čaka na najboljše projekte."
    assert budget(text) == 6_000_000.0


def test_no_budget():
    assert budget("Posamezni upravičenec lahko prejme največ 10.000 EUR.") is None


def test_cofinancing_rate():
    assert find_cofinancing_rate("sofinanciranje do največ 85 % upravičenih stroškov")[0] == 85.0
    assert find_cofinancing_rate("Stopnja sofinanciranja je 100-odstotna.")[0] == 100.0
    assert find_cofinancing_rate("Udeležba je bila 40 %.") is None


def test_amount_in_a_phrase_without_currency_is_not_replaced_by_a_later_one():
    text = (
        "V skupni višini 1,8 milijonov EU sredstev ter 0,3 milijona evrov iz proračuna je bilo izdelanih 60 strategij."
    )
    assert budget(text) is None
    assert budget("Sredstva v višini 450.000 EUR so zagotovljena v proračunu.") == 450_000.0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call budget € 12,500,000.00", 12_500_000.0),
        ("Budget €4,000,000", 4_000_000.0),
        ("a grant of € 250,000.00", 250_000.0),
        ("up to €7,500 per partner", 7_500.0),
        ("EUR 3 000 000", 3_000_000.0),
        ("1,250 mio EUR", 1_250_000.0),
    ],
)
def test_english_thousands_separators(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


def test_millions_of_a_named_fund_count_as_euros():
    assert budget("Razpis s predvideno višino 4,5 milijona ESRR sredstev je namenjen podjetjem.") == 4_500_000.0


def test_available_money_after_na_voljo():
    assert budget("Za nove zaposlitve je do leta 2027 na voljo 3,4 milijona EUR iz državnega proračuna.") == 3_400_000.0
    assert budget("Na voljo je 6 milijonov evrov nepovratnih sredstev za občine.") == 6_000_000.0


def test_total_funds_available_in_english():
    assert budget("Opening: 1 March 2026\n\nTotal programme funds available: 12.4 million euros.") == 12_400_000.0


def test_cap_on_the_call_total_is_the_total():
    text = "Skupna vrednost razpoložljivih sredstev za razpis znaša največ do 800.000,00 EUR."
    assert budget(text) == 800_000.0


def test_in_total_after_per_unit_amounts():
    text = "Vsaka četrtna skupnost bo dobila 20.000 evrov sredstev, skupno za 10 skupnosti 200.000 evrov."
    assert budget(text) == 200_000.0


def test_per_lot_amounts_are_summed():
    text = (
        "Sklop A – sklad EKSRP.\nOkvirna skupna višina razpoložljivih sredstev znaša 120.000,00 EUR.\n"
        "Sklop B – sklad ESRR.\nOkvirna skupna višina razpoložljivih sredstev znaša 80.000,00 EUR.\n"
    )
    assert budget(text) == 200_000.0
    lots = "• Tema 1 (indicative budget €10M)\n• Tema 2 (indicative budget €15M)\n"
    assert budget(lots) == 25_000_000.0
