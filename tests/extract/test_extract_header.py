"""Uradni list header, publisher, title and call type."""

from fundscout.extract.header import (
    english_heading,
    find_call_type,
    find_gazette,
    find_notice_number,
    find_published_on,
    find_publisher,
    find_title,
    normalise_body,
)

UL_HEAD = """Uradni list

Številka 118
Uradni list RS, št. 118/2023 z dne 24. 11. 2023
Uradni list

Kazalo

Št. 4300-51/2023-1630-3 Ob-3502/23, Stran 2190
"""


def test_notice_number_and_gazette_issue():
    assert find_notice_number(UL_HEAD).value == "Ob-3502/23"
    assert find_notice_number("Št. 100/09 Ob-857/09 , Stran 2").value == "Ob-857/09"
    issue, date = find_gazette(UL_HEAD)
    assert (issue.value, date.value) == ("118/2023", "2023-11-24")


def test_gazette_forms_outside_the_header():
    issue, date = find_gazette("Sprememba (Ur. list št. 82/2018 z dne 21. 12. 2018) Javnega razpisa za opremo")
    assert (issue.value, date.value) == ("82/2018", "2018-12-21")
    issue, date = find_gazette("V Uradnem listu RS, št. 13/2025, ki je izšel 28. 2. 2025, je objavljen razpis.")
    assert (issue.value, date.value) == ("13/2025", "2025-02-28")
    issue, date = find_gazette("Objavljeno: Uradni list RS, Št. 36, Datum: 7. 6. 2019, Stran: 1268")
    assert (issue.value, date.value) == ("36/2019", "2019-06-07")
    issue, _ = find_gazette(
        "Besedilo.", url="https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/2025008000016/x"
    )
    assert issue.value == "80/2025"


def test_legal_references_are_not_the_gazette_issue():
    issue, date = find_gazette(
        "Zakona o javnih financah (Uradni list RS, št. 11/11 – uradno prečiščeno besedilo, 14/13)"
    )
    assert issue is None and date is None


def test_published_on_from_labels_and_lines():
    assert find_published_on("Razpisovalec: Občina Cerklje\nDatum objave: 3. 2. 2025\n", None).value == "2025-02-03"
    assert find_published_on("Novice\n\n07. 04. 2025\n\nObčina je objavila razpis.", None).value == "2025-04-07"
    assert find_published_on("Kranj, 12. 2. 2026 – Ministrstvo je objavilo razpis.", None).value == "2026-02-12"
    assert find_published_on("Besedilo brez datuma objave.", None) is None


def test_publisher_before_and_after_objavlja():
    text = (
        UL_HEAD
        + "Republika Slovenija – Ministrstvo za kohezijo in regionalni razvoj, Kotnikova ulica 5, 1000 Ljubljana, objavlja\njavni razpis\n"
    )
    assert find_publisher(text).value == "Ministrstvo za kohezijo in regionalni razvoj"
    text = (
        "Na podlagi Statuta Mestne občine Kranj (Uradni list RS, št. 33/07) objavlja Mestna občina Kranj "
        "(v nadaljnjem besedilu: MOK), Slovenski trg 1, 4000 Kranj\njavni razpis\n"
    )
    assert find_publisher(text).value == "Mestna občina Kranj"


def test_publisher_from_labels_and_news():
    assert (
        find_publisher("Razpisovalec: Ministrstvo za javno upravo\nDatum objave: 1. 1. 2025").value
        == "Ministrstvo za javno upravo"
    )
    text = "1. Izvajalec javnega razpisa: izvajalec javnega razpisa je Republika Slovenija, Ministrstvo za kulturo, Maistrova 10"
    assert find_publisher(text).value == "Ministrstvo za kulturo"
    text = "Slovenski podjetniški sklad (v nadaljevanju SPS) je danes 3. 3. 2025 objavil nov razpis."
    assert find_publisher(text).value == "Slovenski podjetniški sklad"


def test_body_names_keep_their_commas_but_not_addresses():
    assert (
        normalise_body("Ministrstvo za delo, družino, socialne zadeve in enake možnosti, Štukljeva 44, Ljubljana")
        == "Ministrstvo za delo, družino, socialne zadeve in enake možnosti"
    )
    assert (
        normalise_body("Eko sklad, Slovenski okoljski javni sklad, Bleiweisova 30, Ljubljana")
        == "Eko sklad, Slovenski okoljski javni sklad"
    )


def test_title_of_a_gazette_notice():
    text = (
        UL_HEAD
        + "Občina Šenčur, Kranjska cesta 11, Šenčur objavlja\njavni razpis \nza sofinanciranje programov društev \nv letu 2024\nI. Predmet razpisa\n"
    )
    assert find_title(text).value == "Javni razpis za sofinanciranje programov društev v letu 2024"
    text = (
        UL_HEAD
        + "javni poziv 12SUB-OB24\nNepovratne finančne spodbude občinam za električna vozila\n1. Predmet poziva\n"
    )
    assert find_title(text).value == "Javni poziv 12SUB-OB24 Nepovratne finančne spodbude občinam za električna vozila"


def test_title_of_news_and_amendments():
    text = "Objavljen je 4. javni poziv za izbor operacij LAS Zgornje Gorenjske v obdobju 2021–2027. Poziv je odprt."
    assert find_title(text).value == "4. javni poziv za izbor operacij LAS Zgornje Gorenjske v obdobju 2021–2027"
    text = "Show menu\n\nSprememba (Ur. list št. 5/2025 z dne 17. 1. 2025) Javnega razpisa za nakup reševalnih vozil, objavljenega v Uradnem listu RS, št. 2/25:\n"
    assert find_title(text).value == "Sprememba Javnega razpisa za nakup reševalnih vozil"


def test_call_type():
    assert find_call_type("…", "Javni razpis za opremo", gazette_page=True).value == "javni_razpis"
    assert find_call_type("…", "Javni poziv 12SUB-OB24", gazette_page=True).value == "javni_poziv"
    assert find_call_type("Sprememba\nMinistrstvo objavlja spremembo", None, gazette_page=True).value == "amendment"
    assert (
        find_call_type(
            "Rok prijave: 2. 2. 2025\nPredmet javnega razpisa je …", "Razpis za društva", gazette_page=False
        ).value
        == "javni_razpis"
    )
    news = "Ljubljana, 5. 3. 2025 – V Uradnem listu je izšel Javni razpis za polnilnice."
    assert find_call_type(news, "Javni razpis za polnilnice", gazette_page=False).value == "other"
    assert (
        find_call_type(
            "Vavčer za digitalni marketing\n\nPostopek pridobitve vavčerja …",
            "Vavčer za digitalni marketing",
            gazette_page=False,
        ).value
        == "javni_poziv"
    )


def test_web_page_with_labelled_lines():
    text = (
        "Javna agencija SPIRIT Slovenija\nJavni razpis za sofinanciranje predstavitev podjetij na sejmih v letu 2026\n"
        "Datum objave: 12.02.2026\nRok za oddajo vloge: 13.03.2026\n"
    )
    assert find_title(text).value == "Javni razpis za sofinanciranje predstavitev podjetij na sejmih v letu 2026"
    assert find_publisher(text).value == "Javna agencija SPIRIT Slovenija"
    assert find_published_on(text, None).value == "2026-02-12"


def test_ordinal_call_title():
    text = UL_HEAD + "Tretji javni razpis\nza izbor operacij razvoja obmejnih območij\n1 Predmet javnega razpisa\n"
    assert find_title(text).value == "Tretji javni razpis za izbor operacij razvoja obmejnih območij"


def test_title_lines_separated_by_blank_lines_and_publisher_after_a_genitive():
    text = (
        "Uradni list RS, št. 148/2022 z dne 25. 11. 2022\n\nOb-3700/22, Stran 3702\n\n"
        "Na podlagi Odloka o proračunu Občine Cerklje na Gorenjskem objavlja Občina Cerklje na Gorenjskem, Trg Davorina Jenka 13, Cerklje\n\n"
        "javni razpis\n\nza sofinanciranje turističnih prireditev v letu 2023\n\n1. Predmet javnega razpisa\n"
    )
    assert find_title(text).value == "Javni razpis za sofinanciranje turističnih prireditev v letu 2023"
    assert find_publisher(text).value == "Občina Cerklje na Gorenjskem"


def test_amendment_without_quotes_and_call_type_from_the_first_call_word():
    text = (
        "Sprememba\n\nMinistrstvo za gospodarstvo objavlja spremembo Javnega razpisa za vavčerje za digitalizacijo, "
        "objavljenega v Uradnem listu RS, št. 42/2018 z dne 15. 6. 2018."
    )
    assert find_title(text).value == "Sprememba Javnega razpisa za vavčerje za digitalizacijo"
    assert find_call_type("…", "Javni razpis za vavčerje za digitalizacijo", gazette_page=True).value == "javni_razpis"
    assert find_call_type("…", "Vavčer za razpisane storitve", gazette_page=False).value == "javni_poziv"


def test_code_heading_of_a_fund_page():
    text = "77SUB-OB26 Spodbude občinam za kolesarnice\n\nJavni poziv 77SUB-OB26 je bil objavljen v Uradnem listu RS."
    assert find_title(text).value == "Javni poziv 77SUB-OB26 Spodbude občinam za kolesarnice"


def test_news_headline_gives_way_to_the_reported_call():
    text = (
        "Aktualno\n\nObjavljen javni razpis za zagon podjetij na Gorenjskem\n\n"
        "RAGOR obvešča, da je Slovenski podjetniški sklad 5. 4. 2024 objavil Javni razpis za spodbude za zagon "
        "podjetij v problemskih regijah (P1 plus 2024). Rok za oddajo vlog je 6. 5. 2024."
    )
    assert find_title(text).value == "Javni razpis za spodbude za zagon podjetij v problemskih regijah (P1 plus 2024)"
    assert find_publisher(text).value == "Slovenski podjetniški sklad"


def test_eu_portal_topic_heading():
    text = "HORIZON-CL5-2025-D3-01-07: Digital twins for district heating\nDeadline: 16 September 2025\n"
    assert find_title(text).value == "HORIZON-CL5-2025-D3-01-07: Digital twins for district heating"


def test_publisher_from_numbered_sections():
    text = (
        "2. Ime oziroma naziv in sedež uporabnika proračuna, ki dodeljuje sredstva: uporabnik državnega "
        "proračuna: Republika Slovenija, Ministrstvo za gospodarski razvoj in tehnologijo, Kotnikova ulica 5."
    )
    assert find_publisher(text).value == "Ministrstvo za gospodarski razvoj in tehnologijo"
    text = "1. Ime in sedež organa, ki dodeljuje sredstva: Urad Vlade RS za komuniciranje, Gregorčičeva ulica 25"
    assert find_publisher(text).value == "Urad Vlade RS za komuniciranje"


def test_publication_date_below_its_label():
    found = find_published_on("Call for proposals\n\nPublication date\n3 March 2025\nDeadline date\n", None)
    assert found.value == "2025-03-03"
    found = find_published_on("Razpis\nDatum objave\n7. 2. 2024\n", None)
    assert found.value == "2024-02-07"


def test_transcribed_gazette_masthead_gives_issue_and_year_from_the_volume():
    text = (
        "Uradni list Republike Slovenije Razglasni del Internet: Št. 7 e-pošta: info Ljubljana, petek "
        "12. 2. 2016 ISSN 1318-9182 Leto XXVI Javni razpisi Ob-1001/16 Občina Vransko objavlja …"
    )
    issue, date = find_gazette(text)
    assert (issue.value, date.value) == ("7/2016", "2016-02-12")


def test_gazette_issue_of_this_notice_not_of_the_call_it_changes():
    text = (
        "Sklad obvešča, da je bilo dne 3. 3. 2022 v Uradnem listu RS, št. 31/2022, objavljeno: javni razpis "
        "za opremo, ki je bil objavljen v Uradnem listu RS, št. 12/21 dne 5. 2. 2021, se zapre."
    )
    assert find_gazette(text)[0].value == "31/2022"
    assert find_gazette("Status Odprt\nObjava\nUradni list RS št. 9/2023\nPredmet")[0].value == "9/2023"


def test_publication_dates_of_news_and_agency_pages():
    assert find_published_on(" date 2020-04-07 Drugi razpis je tu", None).value == "2020-04-07"
    assert find_published_on(" date 2020-04 Celje, 7. aprila - Ministrstvo je objavilo", None).value == "2020-04-07"
    assert find_published_on("Koper, 3.2.2021\n\nPREDMET POZIVA", None).value == "2021-02-03"
    assert find_published_on("Glava\nObjavljeno 4.6.2020\nDeli", None).value == "2020-06-04"
    assert find_published_on("Dne 9. junija 2019 je sklad objavil razpis.", None).value == "2019-06-09"
    assert find_published_on("A new call was published on 3 March 2024 for cities.", None).value == "2024-03-03"
    assert find_published_on("Glava\n12.05.2019 10:15 Kranj – Občina vabi", None).value == "2019-05-12"


def test_amendments_cancellations_and_closures():
    gazette = "Ob-1200/19 Občina Bled, Cesta 1, Bled, objavlja spremembo 2. javnega razpisa za opremo V razpisu"
    assert find_call_type(gazette, None, gazette_page=True).value == "amendment"
    assert find_title(gazette).value.startswith("Sprememba 2. javnega razpisa za opremo")
    assert find_call_type("Ob-12/20 Popravek Naročnik: Ministrstvo", None, gazette_page=True).value == "amendment"
    closing = "Javni razpis za sofinanciranje opreme, objavljen v Uradnem listu RS, št. 5/20, se zapre zaradi porabe."
    assert find_call_type(closing, None, gazette_page=False).value == "amendment"
    cancelled = "Obvestilo\nMinister je odločil, da se razpis v celoti razveljavi."
    assert find_call_type(cancelled, "Obvestilo o razpisu za opremo", gazette_page=False).value == "amendment"
    # A news report of a cancellation, in the past tense, is not the notice itself.
    news = "Ljubljana, 3. 3. 2022 – Ministrstvo je razpis jeseni razveljavilo."
    assert find_call_type(news, "Ostali brez sredstev", gazette_page=False).value == "other"


def test_invitations_without_the_word_razpis_are_open_calls():
    text = "Čistimo okolje\nObčina tudi letos poziva vsa društva, naj pošljejo vloge za sofinanciranje akcije."
    assert find_call_type(text, "Čistimo okolje", gazette_page=False).value == "javni_poziv"
    assert find_call_type("Predlagaj\nImate idejo za kraj?", None, gazette_page=False).value == "javni_poziv"


def test_a_call_reported_on_a_site_its_publisher_does_not_own_is_news():
    text = "Razpis za šport v Kamniku\nObčina Kamnik objavlja javni razpis za sofinanciranje športa za leto 2024."
    found = find_call_type(
        text, "Javni razpis za sofinanciranje športa", gazette_page=False, url="https://klub.example.org/a"
    )
    assert found.value == "other"
    own = find_call_type(
        text, "Javni razpis za sofinanciranje športa", gazette_page=False, url="https://www.kamnik.si/a"
    )
    assert own.value == "javni_razpis"
    republished = text + "\nPredmet javnega razpisa je sofinanciranje športa."
    found = find_call_type(republished, "Javni razpis za šport", gazette_page=False, url="https://rra.example.org/a")
    assert found.value == "javni_razpis"


def test_titles_of_amendments_and_invitations_in_the_gazette():
    popravek = (
        "Ob-10/15 , Stran 4\nPopravek\nV javnem razpisu za nakup opreme za leto 2015, Občine Bled, ki je bil objavljen"
    )
    assert find_title(popravek).value == "Popravek javnega razpisa za nakup opreme za leto 2015"
    povabilo = (
        "Ob-11/17, Stran 9\nPovabilo \nk predložitvi vlog za sofinanciranje prenove stavb\n1. Splošne informacije"
    )
    assert find_title(povabilo).value == "Povabilo k predložitvi vlog za sofinanciranje prenove stavb"
    product = "Ob-12/14\nJavni razpis\nNaziv produkta: Mikrokrediti za zagon podjetij (MK 2014) Oznaka produkta: MK"
    assert find_title(product).value == "Javni razpis Mikrokrediti za zagon podjetij (MK 2014)"


def test_titles_of_english_pages():
    text = "Apply now\nThe second EXAMPLE III call for Pilot Networks is open until 3 May 2024."
    assert find_title(text).value == "EXAMPLE III call for Pilot Networks"
    page = "Skip to main content\nClosed\nSupporting the resilience of water networks\n- Identifier\n- X-1 and the rest"
    assert english_heading(page).value == "Supporting the resilience of water networks"
    assert english_heading("Razpis za društva in zveze\nPredmet razpisa je") is None
