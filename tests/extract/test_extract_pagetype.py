"""URL signals: the heading a slug repeats, and the notice kind a Uradni list slug names."""

from fundscout.extract import extract_notice
from fundscout.extract.pagetype import gazette_slug_kind, heading_from_slug, page_slug_kind, slug_words

GAZETTE = "https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/2024003100007/"


def test_slug_words_drop_diacritics_and_take_query_values():
    assert {"javni", "poziv", "obcinam"} <= slug_words("https://x.si/novica?post=Javni+poziv+ob%C4%8Dinam")
    assert "html" not in slug_words("https://x.si/razpis-za-kulturo.html")


def test_gazette_slug_kind():
    assert gazette_slug_kind(GAZETTE + "javni-razpis-za-sofinanciranje-sole-st--430-12024-ob-123424") == "javni_razpis"
    assert gazette_slug_kind(GAZETTE + "javni-poziv-za-izbor-izvajalcev-ob-223124") == "javni_poziv"
    assert gazette_slug_kind(GAZETTE + "povabilo-k-predlozitvi-vlog-za-operacije-ob-100124") == "javni_poziv"
    assert gazette_slug_kind(GAZETTE + "popravek-javnega-razpisa-za-vrtce-ob-300124") == "amendment"
    assert gazette_slug_kind(GAZETTE + "sprememba-javnega-poziva-ob-300224") == "amendment"
    assert gazette_slug_kind("https://www.example.si/javni-razpis-za-kulturo/") is None


def test_heading_the_slug_repeats():
    text = "Domov\nAktualno\nGrants for local energy planning in small towns\n\nThe programme opens a call."
    url = "https://funds.example.eu/en/calls/88/Grants-for-local-energy-planning-in-small-towns"
    assert heading_from_slug(text, url) == "Grants for local energy planning in small towns"
    assert heading_from_slug(text, "https://funds.example.eu/en/calls/88") is None


def test_notice_cut_in_the_preamble_takes_its_type_from_the_slug():
    text = (
        "Uradni list RS, št. 31/2024 z dne 12. 4. 2024\n\nŠt. 430-1/2024 Ob-1234/24, Stran 900\n"
        "Na podlagi 12. člena Zakona o spodbujanju razvoja (Uradni list RS, št. 20/11) in Uredbe o porabi "
    )
    out = extract_notice(text, GAZETTE + "javni-razpis-za-sofinanciranje-sole-st--430-12024-ob-123424")
    assert out.fields["call_type"] == "javni_razpis"
    out = extract_notice(text, GAZETTE + "popravek-javnega-razpisa-za-sole-ob-123424")
    assert out.fields["call_type"] == "amendment"


def test_english_programme_page_title_is_its_heading():
    text = "Skip to main content\nCall for proposals\n\nSmart water networks for coastal cities\n\nDeadline date\n"
    out = extract_notice(text, "https://agency.example.eu/calls-proposals/smart-water-networks-coastal-cities_en")
    assert out.fields["title"] == "Smart water networks for coastal cities"


def test_page_slug_opening_with_an_amendment_word():
    assert page_slug_kind("https://rra.example.si/2024/03/1545-Popravek-javnega-razpisa-za-vrtce") == "amendment"
    assert page_slug_kind("https://www.example.si/sprememba-javnega-poziva-za-kolesa/") == "amendment"
    assert page_slug_kind("https://www.example.si/javni-poziv-za-pomoc-podjetjem/") == "javni_poziv"
    assert page_slug_kind("https://www.example.si/novice/objavljen-javni-razpis/") is None


def test_agency_page_whose_slug_names_an_amendment():
    text = "Javni razpis za sofinanciranje nakupa reševalnih vozil\n\nRazpisovalec: Ministrstvo za obrambo\n"
    out = extract_notice(text, "https://www.example.si/sprememba-javnega-razpisa-za-resevalna-vozila/")
    assert out.fields["call_type"] == "amendment"
