"""The field dictionary: one place that names every call field, its type, allowed values and labels.

The database columns (``fundscout.db.models``), record validation (``fundscout.records``), the
Excel headers and legend of the digests, and the documentation all read this module, so a field
is added or renamed here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# --- fixed vocabularies: codes other parts and files rely on; code -> (Slovenian, English) -------

DOMAINS: dict[str, tuple[str, str]] = {
    "e_governance": ("e-upravljanje in e-demokracija", "e-governance and e-democracy"),
    "urban_mobility": ("urbana mobilnost", "urban mobility"),
    "safe_society": ("varna družba", "safe society"),
    "health": ("zdravstvo", "health"),
    "environment_energy": ("okolje in energetika", "environment and energy"),
    "digital_platforms": (
        "platforme za storitve digitalne agende",
        "platforms for digital-agenda services",
    ),
}

PROGRAMME_PERIODS: dict[str, tuple[str, str]] = {
    "2007-2013": ("2007–2013", "2007–2013"),
    "2014-2020": ("2014–2020", "2014–2020"),
    "2021-2027": ("2021–2027", "2021–2027"),
    "national": ("nacionalna sredstva", "national funds"),
}

FUNDS: dict[str, tuple[str, str]] = {
    "ERDF": ("Evropski sklad za regionalni razvoj (ESRR)", "European Regional Development Fund"),
    "ESF": ("Evropski socialni sklad (ESS)", "European Social Fund"),
    "ESF+": ("Evropski socialni sklad plus (ESS+)", "European Social Fund Plus"),
    "CF": ("Kohezijski sklad (KS)", "Cohesion Fund"),
    "JTF": ("Sklad za pravični prehod (SPP)", "Just Transition Fund"),
    "EAFRD": ("Evropski kmetijski sklad za razvoj podeželja", "EAFRD"),
    "EMFF": ("Evropski sklad za pomorstvo in ribištvo", "EMFF"),
    "INTERREG": ("Interreg (evropsko teritorialno sodelovanje)", "Interreg"),
    "RRF": ("Načrt za okrevanje in odpornost (NOO)", "Recovery and Resilience Facility"),
    "HORIZON": ("Obzorje Evropa", "Horizon Europe"),
    "LIFE": ("Program LIFE", "LIFE programme"),
    "OTHER_EU": ("drugi programi EU", "other EU programmes"),
}

CALL_TYPES: dict[str, tuple[str, str]] = {
    "javni_razpis": ("javni razpis", "call for proposals"),
    "javni_poziv": ("javni poziv", "open call"),
    "amendment": ("sprememba", "amendment"),
    "other": ("drugo", "other"),
}

APPLICANT_TYPES: dict[str, tuple[str, str]] = {
    "municipality": ("občine", "municipalities"),
    "sme": ("mikro, mala in srednja podjetja (MSP)", "SMEs"),
    "large_enterprise": ("velika podjetja", "large enterprises"),
    "enterprise": ("podjetja", "enterprises"),
    "ngo": ("nevladne organizacije", "NGOs"),
    "association": ("društva", "associations"),
    "public_institute": ("javni zavodi", "public institutes"),
    "research_org": ("raziskovalne organizacije", "research organisations"),
    "natural_person": ("fizične osebe", "natural persons"),
    "other": ("drugi", "others"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "forthcoming": ("napovedan", "forthcoming"),
    "open": ("odprt", "open"),
    "closed": ("zaprt", "closed"),
    "withdrawn": ("umaknjen", "withdrawn"),
}

COHESION_REGIONS: dict[str, tuple[str, str]] = {
    "west": ("Zahodna kohezijska regija", "Western cohesion region"),
    "east": ("Vzhodna kohezijska regija", "Eastern cohesion region"),
}

# --- the call fields ------------------------------------------------------------------------------

Kind = Literal["key", "url", "str", "text", "date", "bool", "float", "code", "codes", "dates", "list", "email"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label_sl: str
    label_en: str
    description: str
    values: dict[str, tuple[str, str]] | None = None  # allowed codes for "code"/"codes"
    # "list" values: one string in a file cell holds several, separated by ";".
    pattern: str | None = None  # regular expression a "str" value must match in full
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    # Facts are tracked: a change to one is a real change (history row, new content hash).
    # Bookkeeping fields (id, url, source) are not.
    tracked: bool = True
    # Written by `fundscout extract` in every row, null when the text does not tell.
    extracted: bool = False
    # An amendment ("Sprememba") may change it; its title, number and dates are its own.
    amendable: bool = False
    # Derived by another stage: a record sets it only when it gives it explicitly.
    derived: bool = False
    # Shown in a brief's "at a glance" table (reports/briefs), in dictionary order.
    at_a_glance: bool = False
    excel_width: int = 16

    def label(self, lang: str = "sl") -> str:
        return self.label_sl if lang == "sl" else self.label_en


CALL_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "key",
        "Oznaka",
        "ID",
        "Stable key of the call, e.g. `ul-2023-118-ob-3476-23`.",
        pattern=r"[a-z0-9][a-z0-9._:/-]{0,199}",
        required=True,
        tracked=False,
    ),
    Field(
        "url",
        "url",
        "Vir",
        "Source",
        "URL of the page the call was read from.",
        required=True,
        tracked=False,
        excel_width=40,
    ),
    Field(
        "source",
        "str",
        "Objavitelj vira",
        "Source site",
        "Code of the source (spider name or `import`).",
        pattern=r"[a-z0-9_]{1,60}",
        required=True,
        tracked=False,
    ),
    Field(
        "title",
        "text",
        "Naslov",
        "Title",
        "Title of the call as published.",
        required=True,
        excel_width=40,
        extracted=True,
    ),
    Field(
        "publisher",
        "text",
        "Razpisovalec",
        "Publisher",
        "Body that publishes the call.",
        excel_width=24,
        extracted=True,
        at_a_glance=True,
    ),
    Field(
        "notice_number",
        "str",
        "Številka objave",
        "Notice number",
        "Uradni list notice number, e.g. `Ob-3476/23`.",
        pattern=r"Ob-\d{1,5}/\d{2}",
        extracted=True,
    ),
    Field(
        "gazette_issue",
        "str",
        "Uradni list RS",
        "Official Gazette issue",
        "Issue of Uradni list RS, e.g. `118/2023`.",
        pattern=r"\d{1,3}/\d{4}",
        extracted=True,
    ),
    Field("published_on", "date", "Objavljeno", "Published", "Date of publication.", extracted=True),
    Field("call_type", "code", "Vrsta", "Type", "Kind of notice.", values=CALL_TYPES, extracted=True),
    Field(
        "programme_period",
        "code",
        "Obdobje",
        "Period",
        "Cohesion-policy period, or `national` when there is no EU co-financing.",
        values=PROGRAMME_PERIODS,
        extracted=True,
        at_a_glance=True,
    ),
    Field(
        "programme",
        "text",
        "Program",
        "Programme",
        "Programme the call belongs to, e.g. `Interreg Slovenija–Avstrija 2021–2027`.",
        excel_width=30,
        at_a_glance=True,
    ),
    Field(
        "eu_funded",
        "bool",
        "Sredstva EU",
        "EU funded",
        "Whether EU money co-finances the call (state-aid rules alone do not count).",
        extracted=True,
    ),
    Field(
        "funds",
        "codes",
        "Skladi",
        "Funds",
        "EU funds that co-finance the call.",
        values=FUNDS,
        extracted=True,
        at_a_glance=True,
    ),
    Field(
        "deadlines",
        "dates",
        "Roki",
        "Deadlines",
        "All submission deadlines (cut-off dates).",
        excel_width=12,
        extracted=True,
        amendable=True,
        at_a_glance=True,
    ),
    Field(
        "until_funds_spent",
        "bool",
        "Do porabe sredstev",
        "Until funds are spent",
        'The call stays open until its money is used up ("do porabe sredstev").',
        amendable=True,
    ),
    Field(
        "opens_on",
        "date",
        "Odpre se",
        "Opens",
        "Day an announced call opens for applications (a later day makes it forthcoming).",
        amendable=True,
    ),
    Field(
        "source_status",
        "code",
        "Stanje pri viru",
        "Status at source",
        "Status the source itself shows, if any (a 'zaprt' marker closes the call; see fundscout/status.py).",
        values=STATUSES,
        amendable=True,
    ),
    Field(
        "budget_eur",
        "float",
        "Sredstva (EUR)",
        "Budget (EUR)",
        "Total money available in euro.",
        minimum=0,
        excel_width=13,
        extracted=True,
        amendable=True,
        at_a_glance=True,
    ),
    Field(
        "cofinancing_rate",
        "float",
        "Stopnja sofinanciranja (%)",
        "Co-financing rate (%)",
        "Highest share of eligible costs the call pays, in percent.",
        minimum=0,
        maximum=100,
        amendable=True,
        at_a_glance=True,
    ),
    Field(
        "applicant_types",
        "codes",
        "Upravičeni prijavitelji",
        "Eligible applicants",
        "Who may apply.",
        values=APPLICANT_TYPES,
        excel_width=20,
        extracted=True,
        amendable=True,
        at_a_glance=True,
    ),
    Field(
        "cohesion_regions",
        "codes",
        "Kohezijska regija",
        "Cohesion region",
        "Cohesion regions the call is limited to (empty: no limit).",
        values=COHESION_REGIONS,
        amendable=True,
    ),
    Field("summary", "text", "Povzetek", "Summary", "Short description of the call.", excel_width=40),
    # The page text the facts were read from: the matcher classifies and scores a stored call from
    # it, as it does a notice file. Not tracked: a re-rendered page is no change to the call.
    Field(
        "text",
        "text",
        "Besedilo objave",
        "Notice text",
        "Plain text of the notice page as read.",
        tracked=False,
    ),
    # Derived by the classifier (matching), so a source that does not give them never erases them.
    Field(
        "domains",
        "codes",
        "Področja",
        "Domains",
        "Smart-city domains of the call (may be empty).",
        values=DOMAINS,
        tracked=False,
        excel_width=20,
        derived=True,
    ),
    Field(
        "withdrawn",
        "bool",
        "Umaknjen",
        "Withdrawn",
        "Set by hand or by a source when a call is withdrawn.",
        amendable=True,
    ),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in CALL_FIELDS}
TRACKED_FIELDS: tuple[str, ...] = tuple(f.name for f in CALL_FIELDS if f.tracked)
EXTRACT_FIELDS: tuple[str, ...] = tuple(f.name for f in CALL_FIELDS if f.extracted)
AMENDABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in CALL_FIELDS if f.amendable)
DERIVED_FIELDS: frozenset[str] = frozenset(f.name for f in CALL_FIELDS if f.derived)
GLANCE_FIELDS: tuple[str, ...] = tuple(f.name for f in CALL_FIELDS if f.at_a_glance)


# --- the firm fields (the firm CSV of `fundscout import-firms`) -----------------------------------

# Slovenian legal forms (AJPES) and the applicant type (APPLICANT_TYPES) each one counts as.
LEGAL_FORMS: dict[str, str] = {
    "d.o.o.": "enterprise",
    "d.d.": "enterprise",
    "s.p.": "enterprise",
    "k.d.": "enterprise",
    "d.n.o.": "enterprise",
    "zadruga": "enterprise",
    "občina": "municipality",
    "javni zavod": "public_institute",
    "zavod": "ngo",
    "društvo": "association",
    "ustanova": "ngo",
    "raziskovalna organizacija": "research_org",
    "fizična oseba": "natural_person",
}

SIZE_CLASSES: dict[str, tuple[str, str]] = {
    "micro": ("mikro podjetje", "micro enterprise"),
    "small": ("malo podjetje", "small enterprise"),
    "medium": ("srednje podjetje", "medium-sized enterprise"),
    "large": ("veliko podjetje", "large enterprise"),
}

FIRM_FIELDS: tuple[Field, ...] = (
    Field(
        "firm_id",
        "key",
        "Oznaka podjetja",
        "Firm ID",
        "Stable key of the firm.",
        pattern=r"[A-Za-z0-9_.-]{1,60}",
        required=True,
    ),
    Field("name", "text", "Ime", "Name", "Name of the firm or body.", required=True),
    Field(
        "legal_form",
        "code",
        "Pravnoorganizacijska oblika",
        "Legal form",
        "Legal form, e.g. `d.o.o.`, `občina`, `društvo`.",
        values={form: (form, form) for form in LEGAL_FORMS},
        required=True,
    ),
    Field("size_class", "code", "Velikost", "Size", "Size class of the firm.", values=SIZE_CLASSES, required=True),
    Field(
        "municipality",
        "str",
        "Občina",
        "Municipality",
        "Municipality of the seat: one of the 212 (data/reference/municipalities.csv).",
        required=True,
    ),
    Field("nace_codes", "list", "Šifre SKD", "SKD codes", "SKD 2008 activity codes, e.g. `62.010`.", required=True),
    Field("description", "text", "Opis", "Description", "What the firm does, in its own words."),
    Field("interests", "list", "Zanimanja", "Interests", "Topics the firm wants calls about."),
    Field("email", "email", "E-pošta", "E-mail", "Address the weekly digest goes to."),
)
FIRM_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIRM_FIELDS)


def vocabulary_label(values: dict[str, tuple[str, str]], code: str, lang: str = "sl") -> str:
    """Human label of a vocabulary code in Slovenian (default) or English."""
    sl, en = values[code]
    return sl if lang == "sl" else en
