"""Slovenian and English dates, and which of them are submission deadlines."""

import datetime as dt

import pytest

from fundscout.extract.dates import find_dates, find_deadlines, parse_date

D = dt.date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("24. 11. 2023", D(2023, 11, 24)),
        ("24.11.2023", D(2023, 11, 24)),
        ("15. 09. 2023", D(2023, 9, 15)),
        ("19. julij 2023", D(2023, 7, 19)),
        ("z dne 24. junija 2021", D(2021, 6, 24)),
        ("v petek, 30. septembra 2022,", D(2022, 9, 30)),
        ("1. marca 2024", D(2024, 3, 1)),
        ("23 February 2022", D(2022, 2, 23)),
        ("February 23, 2022", D(2022, 2, 23)),
        ("2023-12-07T01:00:00.000+0100", D(2023, 12, 7)),
        ("Datum: 5/8-2022", D(2022, 8, 5)),
        ("3. 9. 2026 (14:00)", D(2026, 9, 3)),
    ],
)
def test_date_formats(text, expected):
    assert parse_date(text) == expected


def test_not_dates():
    # amounts, section numbers, times and impossible dates are not dates
    assert parse_date("1.500.000,00 EUR") is None
    assert parse_date("točka 6.1. Krepitev zdravja") is None
    assert parse_date("do 14.00 ure") is None
    assert parse_date("31. 2. 2024") is None
    assert parse_date("majhen 12 projekt") is None


def test_range_borrows_year_of_its_end():
    found = [d.value for d in find_dates("v tednu med 16. 9.–22. 9. 2023")]
    assert found == [D(2023, 9, 16), D(2023, 9, 22)]


def deadlines(text):
    return find_deadlines(text).dates


def test_labelled_deadline_and_time():
    assert deadlines("Rok za oddajo vloge: 29. 3. 2024 do 14.00 ure") == [D(2024, 3, 29)]
    assert deadlines("Prvi rok za oddajo projektnih vlog je 19. julij 2023 (ob 12. uri).") == [D(2023, 7, 19)]


def test_several_cut_off_dates_in_a_sentence_and_a_list():
    assert deadlines("Rok prijave: 3. 4. 2025, 2. 10. 2025 in 5. 3. 2026") == [
        D(2025, 4, 3),
        D(2025, 10, 2),
        D(2026, 3, 5),
    ]
    text = "Roki za prijavo:\n\n • 10. 1. 2025,\n • 14. 3. 2025\n • 9. 5. 2025.\n\nUpravičenci:\nobčine"
    assert deadlines(text) == [D(2025, 1, 10), D(2025, 3, 14), D(2025, 5, 9)]


def test_legal_dates_and_information_requests_are_not_deadlines():
    text = (
        "Na podlagi Sklepa št. 300-4/2024 z dne 12. 2. 2024 objavlja ministrstvo razpis.\n"
        "Rok prijav: 8. 5. 2024\n\n"
        "Vprašanja in zahteve za dodatne informacije pošljite najkasneje do dne 26. 4. 2024."
    )
    assert deadlines(text) == [D(2024, 5, 8)]


def test_period_start_is_not_a_deadline():
    assert deadlines("Rok prijave: od 2. 2. 2026 do 30. 11. 2026") == [D(2026, 11, 30)]


def test_extended_deadline_replaces_the_old_one():
    text = (
        "Rok za oddajo vlog je bil z dne 2.3. 2025 podaljšan na 16.3. 2025. "
        "Z dne 16.3. 2025 je bil podaljšan na 30.3. 2025."
    )
    assert deadlines(text) == [D(2025, 3, 30)]
    assert deadlines("Rok za oddajo vlog je z dne 1. 12. 2025 prestavljen na 12. 1. 2026.") == [D(2026, 1, 12)]


def test_date_before_the_deadline_phrase():
    assert deadlines("V ponedeljek, 3. novembra 2025, se izteče rok za prijavo na poziv.") == [D(2025, 11, 3)]
    assert deadlines("V sredo, 4. 6. 2025, se je zaključil drugi rok za oddajo vlog.") == [D(2025, 6, 4)]


def test_open_until_and_english_closing_dates():
    assert deadlines("Javni poziv bo odprt do 31. oktobra 2025.") == [D(2025, 10, 31)]
    text = "Closing: 6 May 2026. Second stage closing: 17 September."
    assert deadlines(text) == [D(2026, 5, 6), D(2026, 9, 17)]


def test_expired_deadline_and_no_keyword_give_nothing():
    assert deadlines("Rok za prijavo je potekel. Predstavitev bo 2. 9. 2025 ob 16.00.") == []


def test_other_time_limits_are_not_submission_deadlines():
    text = "3. Rok za izvedbo projekta je 30. 9. 2027.\n4. Rok za oddajo vlog je 15. 7. 2025 do 12. ure."
    assert deadlines(text) == [D(2025, 7, 15)]


def test_sentences_about_submitting_applications():
    assert deadlines("Vloge se lahko oddajo od dneva objave do porabe sredstev, najpozneje do 31. 12. 2026.") == [
        D(2026, 12, 31)
    ]
    assert deadlines("The call opens on 13 May 2025 and closes on 10 July 2025 at 13:00 CET.") == [D(2025, 7, 10)]


def test_open_from_to():
    assert deadlines("Javni razpis je odprt od 1. 3. 2025 do 30. 4. 2025.") == [D(2025, 4, 30)]
    assert deadlines("The call is open from 15 November 2025 to 23 February 2026.") == [D(2026, 2, 23)]
    assert deadlines("The call will remain open until 21 November 2025, 14:00 CET.") == [D(2025, 11, 21)]


def test_deadline_forms_of_web_and_english_pages():
    def iso(text):
        return [d.isoformat() for d in find_deadlines(text).dates]

    assert iso("Rok za oddajo je od torka, 3. 9. 2024 do vključno petka, 4. 10. 2024 do 12. ure.") == ["2024-10-04"]
    assert iso("The call is open as from 2 March 2020 to 30 April 2020 (17:00 CET).") == ["2020-04-30"]
    assert iso("Opening: May 4th, 2021\n\nClosure: July 1st, 2021 at noon") == ["2021-07-01"]
    assert iso("You can submit proposals through the online portal by 5 May 2022 at 17.00.") == ["2022-05-05"]
    assert iso("Poziv bo na spletni strani društva odprt do 9. 6. 2023.") == ["2023-06-09"]
    assert iso("Svoje ideje lahko do 15. maja 2024 oddate v spletnem obrazcu.") == ["2024-05-15"]
    assert iso("V petek, 7. 1. 2022, ob 24.00 se je zaključil 3. javni poziv.") == ["2022-01-07"]
    # A reply to questions and a registration to an event are no submission deadlines.
    assert iso("Na dogodek se prijavite do 3. 3. 2021.") == []
    assert iso("A new call was published on 2 May 2024. Deadline: 9 October 2024.") == ["2024-10-09"]
