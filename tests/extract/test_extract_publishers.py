"""The gazetteer of publishing bodies: inflected names, abbreviations, variants and web hosts."""

from fundscout.extract import extract_notice
from fundscout.extract.publishers import bodies, canonical, find_bodies, host_owner


def test_inflected_forms_give_the_canonical_name():
    assert canonical("Ministrstva za zdravje") == "Ministrstvo za zdravje"
    assert canonical("Ministrstvu za delo, družino, socialne zadeve in enake možnosti") == (
        "Ministrstvo za delo, družino, socialne zadeve in enake možnosti"
    )
    assert canonical("Slovenskega podjetniškega sklada") == "Slovenski podjetniški sklad"


def test_abbreviations_give_the_canonical_name():
    assert canonical("MKGP") == "Ministrstvo za kmetijstvo, gozdarstvo in prehrano"
    assert canonical("Eko sklad") == "Eko sklad, Slovenski okoljski javni sklad"


def test_a_variant_written_in_the_nominative_is_kept():
    assert canonical("Javna agencija Spirit Slovenija") == "Javna agencija SPIRIT Slovenija"


def test_municipalities_come_from_the_municipality_list():
    names = {b.name for b in bodies() if b.kind == "municipality"}
    assert len(names) == 212
    assert "Mestna občina Kranj" in names and "Občina Bohinj" in names
    assert canonical("Občini Hrpelje - Kozina") == "Občina Hrpelje-Kozina"
    assert canonical("Mestni občini Maribor") == "Mestna občina Maribor"


def test_short_ministry_name_in_news():
    found = find_bodies("Razpis je včeraj objavilo ministrstvo za kmetijstvo, prijave pa so odprte do julija.")
    assert [b.name for _, _, b in found] == ["Ministrstvo za kmetijstvo, gozdarstvo in prehrano"]


def test_longest_name_wins():
    found = find_bodies("Ministrstvo za okolje, podnebje in energijo je objavilo poziv.")
    assert [b.name for _, _, b in found] == ["Ministrstvo za okolje, podnebje in energijo"]


def test_host_owner():
    assert host_owner("https://www.ekosklad.si/gospodinjstva/poziv").name == "Eko sklad, Slovenski okoljski javni sklad"
    assert host_owner("https://www.bohinj.si/novice/123").name == "Občina Bohinj"
    assert host_owner("https://cinea.ec.europa.eu/calls/x").name.startswith("European Climate")
    assert host_owner("https://www.example.org/razpis") is None


def test_publisher_of_an_agency_page_is_the_host_owner():
    text = "Nepovratne spodbude za električna vozila\n\nSpodbuda je namenjena pravnim osebam za nakup vozil."
    out = extract_notice(text, "https://www.ekosklad.si/podjetja/spodbude/vozila")
    assert out.fields["publisher"] == "Eko sklad, Slovenski okoljski javni sklad"


def test_publisher_named_by_abbreviation_in_a_news_item():
    text = "MVZT obvešča, da je bil objavljen javni razpis za sofinanciranje raziskovalne opreme."
    out = extract_notice(text, "https://www.example.org/novice/1")
    assert out.fields["publisher"] == "Ministrstvo za visoko šolstvo, znanost in tehnologijo"


def test_a_non_municipality_is_not_a_publisher():
    text = (
        "Občine, ki so se prijavile, bodo sredstva prejele kasneje. Ministrstvo za javno upravo je razpis razveljavilo."
    )
    out = extract_notice(text, "https://www.example.org/novica")
    assert out.fields["publisher"] == "Ministrstvo za javno upravo"
