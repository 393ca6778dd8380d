"""Eligible applicant types and cohesion regions."""

from fundscout.extract.applicants import find_applicants, find_cohesion_regions


def codes(text, title=None):
    found = find_applicants(text, title)
    return sorted(found[0]) if found else None


def test_eligibility_sentence():
    assert codes("Upravičeni prijavitelji so samoupravne lokalne skupnosti (občine).") == ["municipality"]
    assert codes("Na razpis se lahko prijavijo društva in nevladne organizacije s sedežem v občini.") == [
        "association",
        "ngo",
    ]
    assert codes(
        "Vlagatelji so lahko fizične osebe, samostojni podjetniki ter pravne osebe javnega in zasebnega prava."
    ) == ["enterprise", "natural_person", "other"]


def test_company_sizes():
    assert codes("Upravičeni prijavitelji so mikro, mala in srednje velika podjetja (MSP).") == ["sme"]
    assert codes("Upravičenci: mikro, mala, srednja in velika podjetja, registrirana po ZGD-1.") == ["enterprise"]
    assert codes("Na razpis se lahko prijavijo velika podjetja.") == ["large_enterprise"]


def test_main_clause_first_then_the_first_named_class():
    text = (
        "Na razpis se lahko prijavijo kandidati, ki imajo stalno prebivališče v Občini Bled in so člani "
        "društev ali glasbene šole."
    )
    assert codes(text) == ["natural_person"]


def test_excluded_applicants_do_not_count():
    assert codes("Na razpis se lahko prijavijo javni zavodi. Fizične osebe so izključene iz financiranja.") == [
        "public_institute"
    ]


def test_heading_followed_by_a_list():
    text = "Upravičenci:\n\n • društva,\n • zveze društev.\n\nRok: 3. 3. 2025"
    assert codes(text) == ["association"]


def test_title_then_most_named_class():
    assert codes("Predmet je energetska prenova.", title="Javni razpis za prenovo stavb v lasti občin") == [
        "municipality"
    ]
    text = "Namen vavčerja je spodbuditi MSP k digitalizaciji. Podjetja oddajo vlogo prek portala."
    assert codes(text) == ["sme"]
    assert codes("Razpis za obnovo kozolcev v Občini Žiri.") is None


def test_named_place_is_not_an_applicant():
    assert codes("Na razpis se lahko prijavijo društva, ki delujejo v Občini Jesenice.") == ["association"]


def test_cohesion_regions():
    assert find_cohesion_regions("sedež v Zahodni kohezijski regiji")[0] == ["west"]
    assert find_cohesion_regions("na območju Vzhodne ali Zahodne kohezijske regije")[0] == ["east", "west"]
    assert find_cohesion_regions("v Gorenjski regiji") is None


def test_a_relative_clause_narrows_companies_to_smes():
    text = "Na razpis se lahko prijavijo gospodarske družbe in samostojni podjetniki, ki so mikro ali mala podjetja."
    assert codes(text) == ["sme"]
    assert codes("Upravičenci: mikro, mala, srednja in velika podjetja.") == ["enterprise"]
    assert codes("Upravičenci so podjetja ne glede na velikost podjetja.") == ["enterprise"]


def test_firms_of_a_title_are_the_smes_the_text_is_about():
    text = "Javni razpis\nNaziv produkta: posojila za zagon podjetij\nProdukt je za MSP v prvih letih."
    assert find_applicants(text, "Javni razpis posojila za zagon podjetij")[0] == ["sme"]
