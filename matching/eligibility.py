"""Eligibility: may this firm apply? Applicant type vs legal form and size, cohesion region, status.

Kept apart from relevance. Each check gives a verdict (True / False / None when the call does
not say) and a sentence a firm understands, in Slovenian by default.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from fundscout.fields import APPLICANT_TYPES, COHESION_REGIONS
from fundscout.reference import find_municipality
from fundscout.status import call_status

# The applicant types of fields.APPLICANT_TYPES a firm counts as, by its own applicant type
# (fundscout.fields.LEGAL_FORMS) and whether it is an SME. Societies are NGOs under Slovenian law.
_ACCEPTED_AS = {
    "enterprise": ("enterprise",),
    "municipality": ("municipality",),
    "public_institute": ("public_institute",),
    "ngo": ("ngo",),
    "association": ("association", "ngo"),
    "research_org": ("research_org",),
    "natural_person": ("natural_person",),
}
_WHO = {  # "ste ..." (you are ...)
    "sl": {
        "sme": "MSP",
        "large_enterprise": "veliko podjetje",
        "enterprise": "podjetje",
        "municipality": "občina",
        "public_institute": "javni zavod",
        "ngo": "nevladna organizacija",
        "association": "društvo",
        "research_org": "raziskovalna organizacija",
        "natural_person": "fizična oseba",
    },
    "en": {
        "sme": "an SME",
        "large_enterprise": "a large enterprise",
        "enterprise": "an enterprise",
        "municipality": "a municipality",
        "public_institute": "a public institute",
        "ngo": "an NGO",
        "association": "a society",
        "research_org": "a research organisation",
        "natural_person": "a natural person",
    },
}
_REGION_IN = {
    "sl": {"west": "v Zahodni kohezijski regiji", "east": "v Vzhodni kohezijski regiji"},
    "en": {"west": "in the Western cohesion region", "east": "in the Eastern cohesion region"},
}
SOON_DAYS = 14
GROWN_SIZES = ("medium", "large")  # never a start-up (young micro or small firms)


@dataclass(frozen=True)
class FirmClass:
    """What eligibility looks at in a firm; many firms share one class."""

    applicant_type: str  # fundscout.fields.LEGAL_FORMS value
    size_class: str
    cohesion_region: str | None
    municipality: str | None = None  # official name; only calls limited to some municipalities look at it
    startup: bool = False  # describes itself as a start-up

    @property
    def counts_as(self) -> tuple[str, ...]:
        kinds = _ACCEPTED_AS.get(self.applicant_type, ())
        if self.applicant_type == "enterprise":
            kinds = (*kinds, "large_enterprise" if self.size_class == "large" else "sme")
        return kinds

    @property
    def who(self) -> str:
        """The most specific applicant type of the firm, for sentences."""
        if self.applicant_type == "enterprise":
            return "large_enterprise" if self.size_class == "large" else "sme"
        return self.applicant_type


@dataclass(frozen=True)
class CallTerms:
    """What eligibility looks at in a call."""

    applicant_types: tuple[str, ...] = ()  # empty: the call does not say
    cohesion_regions: tuple[str, ...] = ()  # empty: no limit
    deadlines: tuple[dt.date, ...] = ()
    until_funds_spent: bool = False
    withdrawn: bool = False
    municipalities: tuple[str, ...] = ()  # a local call (a municipality's own): only applicants seated there
    startups_only: bool = False  # the call is for start-ups (young firms), by its wording
    unresolved_area: str | None = None  # limited to an area whose municipalities we do not know
    opens_on: dt.date | None = None
    source_status: str | None = None  # fields.STATUSES code the source shows
    # Applicants the extraction guessed without an eligibility sentence (the title's or the page's most
    # named classes): whom the call addresses, never grounds for "not eligible" (unknown stays unknown).
    guessed_applicants: tuple[str, ...] = ()


@dataclass
class Eligibility:
    eligible: bool | None
    reasons: list[str] = field(default_factory=list)
    status: str = "open"


# Where a notice says it is a municipality's own call: "na območju (Mestne) občine X", "v občini X",
# "Občina X objavlja / obvešča / razpisuje", "sredstva dodeljuje Občina X". Names after
# "občina" stay in the nominative; up to four words are tried, longest first, against the register.
_PLACE = r"([A-ZČŠŽ][\w-]*(?:[ -](?!(?:in|ter|[Oo]bčin\w*|[Mm]estn\w*)\b)[\w-]+){0,3})"
_LOCAL = re.compile(
    r"(?:[Nn]a območju|\b[Vv])\s+(?:[Mm]estne |[Mm]estni )?[Oo]bčin[ei]\s+"
    + _PLACE
    + r"|(?:[Mm]estna )?[Oo]bčina\s+"
    + _PLACE
    + r",?\s+(?:objavlja|obvešča|razpisuje|dodeljuje|vabi)\b"
    + r"|dodeljuje\s+(?:[Mm]estna )?[Oo]bčina\s+"
    + _PLACE
)
_MORE = re.compile(r"\s*(?:,|\bin\b|\bter\b)\s*(?:[Mm]estne |[Mm]estna )?[Oo]bčin[ae]\s+" + _PLACE)


def _municipality_at(words: str) -> str | None:
    parts = words.split()
    for n in range(len(parts), 0, -1):
        found = find_municipality(" ".join(parts[:n]).rstrip(",."))
        if found:
            return found.name
    return None


# Areas a call may be limited to whose municipalities are not in our reference data.
_UNRESOLVED = {
    "problem_areas": re.compile(r"problemsk\w*\s+(?:in\s+\w+\s+problemsk\w*\s+)?območj", re.I),
    "las": re.compile(r"\bLAS\b|lokaln\w+\s+akcijsk\w+\s+skupin", re.I),
}
_AREA_NAMES = {
    "sl": {"problem_areas": "problemska območja", "las": "območje lokalne akcijske skupine (LAS)"},
    "en": {"problem_areas": "problem areas", "las": "the area of a local action group (LAG)"},
}


def unresolved_area(text: str) -> str | None:
    """Which area of unknown extent a call is limited to ("problemska območja", a LAS), if any."""
    return next((name for name, pattern in _UNRESOLVED.items() if pattern.search(text or "")), None)


def local_area(text: str) -> tuple[str, ...]:
    """Municipalities a call is limited to, read from its wording (empty: no local limit).
    An enumeration after the phrase ("na območju Mestne občine Celje, Občine Hrastnik in ...")
    adds its municipalities too."""
    found: list[str] = []
    for match in _LOCAL.finditer(text or ""):
        names = [next(g for g in match.groups() if g)]
        end = match.end()
        while (more := _MORE.match(text, end)) is not None:
            names.append(more.group(1))
            end = more.end()
        for name in names:
            place = _municipality_at(name)
            if place and place not in found:
                found.append(place)
    return tuple(found)


def _date(d: dt.date) -> str:
    return f"{d.day}. {d.month}. {d.year}"


def _time_left(call: CallTerms, today: dt.date, lang: str) -> str | None:
    sl = lang == "sl"
    upcoming = sorted(d for d in call.deadlines if d >= today)
    if upcoming:
        days = (upcoming[0] - today).days
        if sl:
            note = " — rok je blizu" if days <= SOON_DAYS else ""
            return f"naslednji rok za oddajo: {_date(upcoming[0])} (še {days} dni){note}"
        note = " — the deadline is close" if days <= SOON_DAYS else ""
        return f"next submission deadline: {_date(upcoming[0])} ({days} days left){note}"
    if call.until_funds_spent:
        return "razpis je odprt do porabe sredstev" if sl else "open until the funds are spent"
    if not call.deadlines:
        return (
            "rok za oddajo ni naveden; preverite razpisno dokumentacijo"
            if sl
            else "no deadline given; check the call documents"
        )
    return None


def eligibility_key(call: CallTerms, today: dt.date) -> CallTerms:
    """The call's terms with its dates reduced to the status they give on `today`.

    The verdict of `assess` depends on the dates only through that status, so calls with one key
    get one verdict from each firm class: the matcher asks `assess` once per key, not per call.
    """
    status = call_status(call, today)
    return replace(
        call,
        deadlines=(),
        until_funds_spent=False,
        opens_on=None,
        withdrawn=status == "withdrawn",
        source_status=status if status in ("closed", "forthcoming") else None,
    )


def assess(
    firm: FirmClass, call: CallTerms, today: dt.date, *, include_closed: bool = False, lang: str = "sl"
) -> Eligibility:
    """Verdict and reasons; False wins over None, None (the call does not say) over True."""
    sl = lang == "sl"
    verdicts: list[bool | None] = []
    reasons: list[str] = []
    status = call_status(call, today)

    if status == "withdrawn":
        verdicts.append(False)
        reasons.append("razpis je umaknjen" if sl else "the call was withdrawn")
    elif status == "closed":
        last = _date(max(call.deadlines)) if call.deadlines else None
        if not last:
            closed = "vir razpis navaja kot zaprt" if sl else "the source shows the call as closed"
        elif include_closed:
            closed = f"razpis je zaprt (zadnji rok {last})" if sl else f"the call is closed (last deadline {last})"
        else:
            closed = f"rok za oddajo je potekel {last}" if sl else f"the deadline passed on {last}"
        if not include_closed:
            verdicts.append(False)
        reasons.append(closed)
    elif status == "forthcoming" and call.opens_on:
        opens = _date(call.opens_on)
        reasons.append(
            f"razpis je napovedan, odpre se {opens}" if sl else f"the call is announced, it opens on {opens}"
        )

    who = _WHO[lang][firm.who]
    region = _REGION_IN[lang].get(firm.cohesion_region or "", "")
    if call.applicant_types:
        accepted = set(firm.counts_as) & set(call.applicant_types)
        if accepted:
            verdicts.append(True)
            reasons.append(f"ste {who}" if sl else f"you are {who}")
        elif "other" in call.applicant_types:
            verdicts.append(None)
            reasons.append(
                "razpis dovoljuje tudi druge prijavitelje; preverite, ali ste med njimi"
                if sl
                else "the call also admits other applicants; check whether you are one"
            )
        else:
            listed = ", ".join(APPLICANT_TYPES[t][0 if sl else 1] for t in call.applicant_types)
            verdicts.append(False)
            reasons.append(
                f"razpis je namenjen le tem prijaviteljem: {listed}; vi ste {who}"
                if sl
                else f"the call is only for: {listed}; you are {who}"
            )
    else:
        verdicts.append(None)
        reasons.append(
            "razpis ne navaja upravičenih prijaviteljev; preverite razpisno dokumentacijo"
            if sl
            else "the call does not name eligible applicants; check the call documents"
        )

    if call.cohesion_regions and set(call.cohesion_regions) != set(COHESION_REGIONS):
        if firm.cohesion_region in call.cohesion_regions:
            verdicts.append(True)
            reasons.append(
                f"sedež imate {region}, kamor je razpis omejen"
                if sl
                else f"your seat is {region}, where the call is limited to"
            )
        else:
            allowed = ", ".join(COHESION_REGIONS[r][0 if sl else 1] for r in call.cohesion_regions)
            verdicts.append(False)
            reasons.append(f"razpis je omejen na: {allowed}" if sl else f"the call is limited to: {allowed}")
    elif reasons and verdicts and verdicts[-1] is True and region:
        reasons[-1] += f" {region}"  # "ste MSP v Zahodni kohezijski regiji"

    if call.startups_only and not firm.startup:
        if firm.size_class in GROWN_SIZES:
            verdicts.append(False)
            reasons.append("razpis je namenjen zagonskim podjetjem" if sl else "the call is for start-ups")
        else:
            verdicts.append(None)
            reasons.append(
                "razpis je namenjen zagonskim podjetjem; preverite, ali izpolnjujete pogoje"
                if sl
                else "the call is for start-ups; check whether you qualify"
            )

    if call.unresolved_area:
        verdicts.append(None)
        reasons.append(
            f"razpis je omejen na {_AREA_NAMES['sl'][call.unresolved_area]}; preverite, ali vaša občina sodi tja"
            if sl
            else f"the call is limited to {_AREA_NAMES['en'][call.unresolved_area]}; check whether "
            "your municipality is among them"
        )

    if call.municipalities:
        places = ", ".join(call.municipalities)
        if firm.municipality in call.municipalities:
            verdicts.append(True)
            reasons.append(
                f"razpis je namenjen območju občine {places}, kjer imate sedež"
                if sl
                else f"the call is for the municipality of {places}, where your seat is"
            )
        else:
            verdicts.append(False)
            reasons.append(
                f"razpis je namenjen le območju občine {places}"
                if sl
                else f"the call is only for the municipality of {places}"
            )

    left = _time_left(call, today, lang) if status == "open" else None
    if left:
        reasons.append(left)

    if False in verdicts:
        eligible: bool | None = False
    elif None in verdicts:
        eligible = None
    else:
        eligible = True
    return Eligibility(eligible, reasons, status)
