"""Programme period, EU funds and whether EU money co-finances a call, from its legal basis and text.

Signals, strongest first: regulation numbers (1303/2013 -> 2014–2020, 2021/1060 -> 2021–2027 ...),
fund names and abbreviations (ESRR/ERDF, ESS+, KS, SPP, EKSRP, ESPR, Interreg, NOO, Obzorje,
LIFE), programme names with their period (`Operativni program … 2014–2020`, `Program evropske
kohezijske politike v obdobju 2021–2027`). State-aid rules (GBER 651/2014, de minimis 1407/2013)
are EU law but not EU money, and a national fund (`Sklad za podnebne spremembe`) is not an EU fund.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundscout.fields import FUNDS
from fundscout.reference import NamedFund, named_funds

# (regulation pattern, period, funds it names) — the common-provisions regulations name a period
# but every fund, so they give no fund.
_REGULATIONS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), period, funds)
    for pattern, period, funds in (
        (r"\b1083/2006\b|\b1080/2006\b|\b1081/2006\b|\b1084/2006\b", "2007-2013", ()),
        (r"\b1303/2013\b", "2014-2020", ()),
        (r"\b1301/2013\b", "2014-2020", ("ERDF",)),
        (r"\b1304/2013\b", "2014-2020", ("ESF",)),
        (r"\b1300/2013\b", "2014-2020", ("CF",)),
        (r"\b1299/2013\b", "2014-2020", ("INTERREG",)),
        (r"\b1305/2013\b", "2014-2020", ("EAFRD",)),
        (r"\b508/2014\b", "2014-2020", ("EMFF",)),
        (r"\b2021/1060\b", "2021-2027", ()),
        (r"\b2021/1058\b", "2021-2027", ("ERDF",)),
        (r"\b2021/1057\b", "2021-2027", ("ESF+",)),
        (r"\b2021/1056\b", "2021-2027", ("JTF",)),
        (r"\b2021/1059\b", "2021-2027", ("INTERREG",)),
        (r"\b2021/241\b", "2021-2027", ("RRF",)),
        (r"\b2021/695\b", "2021-2027", ("HORIZON",)),
        (r"\b2021/783\b", "2021-2027", ("LIFE",)),
        (r"(?i:\bhorizon|\bobzorj\w+)\s+2020\b", "2014-2020", ()),
    )
)

# Fund names and abbreviations (Slovenian and English). Abbreviations that are also common words
# (KS = krajevna skupnost, SPP) count only in parentheses or next to "sklad".
_FUND_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.IGNORECASE if ci else 0))
    for code, pattern, ci in (
        ("ERDF", r"evropsk\w+ sklad\w* za regionaln\w+ razvoj|\bregional development fund", True),
        ("ERDF", r"\bE(?:SRR|SSR|SSRR)\b|\bERDF\b|\bEFRE\b", False),
        ("ESF+", r"evropsk\w+ socialn\w+ sklad\w* plus|\bESS\s?\+|\bESF\s?\+|social fund plus", True),
        ("ESF", r"evropsk\w+ socialn\w+ sklad\w*+(?!\s*(?:plus|\+))|european social fund(?!\s*(?:plus|\+))", True),
        ("ESF", r"\bESS\b(?!\s?\+)|\bESF\b(?!\s?\+)", False),
        ("CF", r"kohezijsk\w+ sklad\w*|\bcohesion fund", True),
        ("CF", r"\(KS\)|\bKS\s+(?:sredstv|sklad)", False),
        ("JTF", r"sklad\w* za pravičn\w+ prehod|just transition fund", True),
        ("JTF", r"\(SPP\)|\bJTF\b", False),
        (
            "EAFRD",
            r"evropsk\w+ kmetijsk\w+ sklad\w* za razvoj podeželja|\bEKSRP\b|\bEAFRD\b|\bPRP\s+2014"
            r"|program\w* razvoja podeželja",
            True,
        ),
        ("EMFF", r"evropsk\w+ sklad\w* za pomorstvo|\bESPRA?\b|\bEMFA?F\b", True),
        ("INTERREG", r"\binterreg\b|evropsk\w+ teritorialn\w+ sodelovanj\w*", True),
        (
            "RRF",
            r"načrt\w* za okrevanje in odpornost|mehanizm\w* za okrevanje in odpornost"
            r"|sklad\w* za okrevanje in odpornost|recovery and resilience|nextgenerationeu|\bNOO\b|\bRRF\b",
            True,
        ),
        ("HORIZON", r"\bobzorj\w+ evrop\w*|\bhorizon europe\b|\bhorizon 2020\b|\bobzorje 2020\b|\bHORIZON-", True),
        ("LIFE", r"\bLIFE(?:\s+(?i:programm?e?|call)|\s+20\d\d|\d{2}\b|-)|\b(?i:program\w*) LIFE\b", False),
        (
            "OTHER_EU",
            r"\bdigital\w* europ\w*|\bdigitaln\w+ evrop\w*|connecting europe facility|instrument\w* za povezovanje evrope"
            r"|\berasmus\+|creative europe|ustvarjaln\w+ evrop\w*|\bEU4Health|\bsingle market programme|\bInvestEU"
            r"|\binnovation fund\b|\binovacijsk\w+ sklad\w*|\bURBACT|european urban initiative"
            r"|evropsk\w+ pobud\w+ za mesta|\bCERV\b|\bAMIF\b|sklad\w* za azil",
            True,
        ),
    )
)
_GENERIC_EU = re.compile(
    r"sredst\w+ (?:evropsk\w+ unij\w*|EU)\b|evropsk\w+ sredst\w+|sofinan\w+ (?:s strani |iz sredstev )?(?:EU|evropsk\w+ unij\w*)"
    r"|sredstvi evropsk\w+ unij\w*|evropsk\w+ strukturn\w+|kohezijsk\w+ politik\w*|(?-i:\bEKP\b)|izbor\w* operacij"
    r"|kohezijsk\w+ regij\w*|(?-i:\bKR[VZ]S\b|\bLAS\b|\bCLLD\b|\bCTN\b)|lokaln\w+ akcijsk\w+ skupin\w*"
    r"|celostn\w+ teritorialn\w+ naložb|\bEU funding|european union|(?-i:\b[RE]SO\s?\d\.\d)",
    re.IGNORECASE,
)
# Text that names funds without meaning that they pay for this call.
_NOT_FUNDING_CONTEXT = re.compile(
    r"organ\w* upravljanja za [^.;]{0,80}|služb\w+ vlade[^.,;]{0,80}|ministrstv\w+ za kohezij[^.,;]{0,40}",
    re.IGNORECASE,
)
# A regulation cited with its title "(EU) št. 1303/2013 … o Evropskem skladu …, Kohezijskem skladu …
# (UL L …)": the title lists every fund, so fund names inside it do not count.
_REGULATION_TITLE = re.compile(
    r"(?:uredb|regulation|direktiv|directive)\w*\s+(?:\w+\s+){0,2}\((?:EU|ES|EGS|EU,\s*Euratom)\)[^;]{0,900}?(?:\(UL\b[^)]*\)|;|\n)",
    re.IGNORECASE,
)
_CITED = re.compile(
    r"(?<!spremembi )uredb\w*\s+(?:\w+\s+){0,2}?\((?:EU|ES)(?:,\s*Euratom)?\)\s*(?:št\.\s*)?$|uredb\w*\s+$",
    re.IGNORECASE,
)
_FUND_TAG = re.compile(r"\(([^()]{2,30})\)")
_STATE_AID = re.compile(
    r"\b651/2014\b|\b1407/2013\b|\b1408/2013\b|\b702/2014\b|\b2023/2831\b|\b2023/2832\b|de minimis"
    r"|državn\w+ pomoč\w*|skupinsk\w+ izjem",
    re.IGNORECASE,
)
_PERIOD_SPAN = re.compile(r"\b(2007|2014|2021)\s*(?:[-–—/]|do|to)\s*(?:20)?(13|20|27)\b")
_PERIOD_CONTEXT = re.compile(
    r"operativn\w+ program|kohezijsk\w+|evropsk\w+|program\w* obdobj\w*|programsk\w+ obdobj\w*|perspektiv\w*"
    r"|interreg|strukturn|(?-i:\bEKP\b|\bLAS\b|\bPRP\b)|lokalnega razvoja|sodelovanja|razvoja podeželja"
    r"|financial framework|programming period|finančn\w+ okvir",
    re.IGNORECASE,
)
_FUNDS_ORDER = tuple(FUNDS)


# Evidence of a national call: nothing in the text points to EU money.


@dataclass
class FundingFacts:
    programme_period: str
    eu_funded: bool
    funds: list[str] | None  # None: EU money, but the text does not say which fund
    programme: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)


def _snippet(text: str, start: int, end: int, pad: int = 60) -> str:
    return " ".join(text[max(0, start - pad) : end + pad].split())


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with the matches of `pattern` replaced by spaces (offsets stay the same)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def find_funding(text: str, year: int | None = None) -> FundingFacts:
    """Period, EU funding and funds. Without any EU signal the call is national (no EU money)."""
    evidence: dict[str, str] = {}
    periods: list[tuple[int, str]] = []  # (position, period)
    funds: dict[str, int] = {}

    for pattern, period, named in _REGULATIONS:
        for m in pattern.finditer(text):
            periods.append((m.start(), period))
            evidence.setdefault("programme_period", _snippet(text, m.start(), m.end()))
            # A fund regulation tells the fund only where it is cited itself, not where it is
            # listed among the acts another regulation amends ("o spremembi uredb (EU) št. …").
            if named and _CITED.search(text[max(0, m.start() - 40) : m.start()]):
                for code in named:
                    funds.setdefault(code, m.start())
                    evidence.setdefault("funds", _snippet(text, m.start(), m.end()))

    plain = _blank(_blank(text, _REGULATION_TITLE), _NOT_FUNDING_CONTEXT)
    for code, pattern in _FUND_NAMES:
        for m in pattern.finditer(plain):
            funds.setdefault(code, m.start())
            evidence.setdefault("funds", _snippet(text, m.start(), m.end()))
            break
    # A bracketed fund tag, "(ESRR)", "(Kohezijski sklad)", marks a specific objective's fund even
    # inside a quoted title.
    for m in _FUND_TAG.finditer(text):
        code = _fund_of(m.group(1))
        if code:
            funds.setdefault(code, m.start())
    if "ESF+" in funds:
        funds.pop("ESF", None)

    for m in _PERIOD_SPAN.finditer(text):
        context = text[max(0, m.start() - 120) : m.end() + 80]
        if _PERIOD_CONTEXT.search(context):
            period = f"{m.group(1)}-20{m.group(2)}"
            if period in ("2007-2013", "2014-2020", "2021-2027"):
                periods.append((m.start(), period))
                evidence.setdefault("programme_period", _snippet(text, m.start(), m.end()))

    generic = _GENERIC_EU.search(plain)
    eu_funded = bool(funds or periods or generic)
    if not eu_funded:
        # Evidence is source text only: the state-aid clause when there is one, else nothing to quote.
        state_aid = _STATE_AID.search(text)
        if state_aid:
            why = _snippet(text, state_aid.start(), state_aid.end())
            evidence.update(programme_period=why, eu_funded=why, funds=why)
        return FundingFacts("national", False, [], None, evidence)

    if generic and "eu_funded" not in evidence:
        evidence["eu_funded"] = _snippet(text, generic.start(), generic.end())
    period = _choose_period(periods, funds, year)
    if period and "funds" in evidence:  # told by the fund (a period read off the year has no quote)
        evidence.setdefault("programme_period", evidence["funds"])
    ordered = [code for code in _FUNDS_ORDER if code in funds]
    if "funds" in evidence or "programme_period" in evidence:
        evidence.setdefault("eu_funded", evidence.get("funds") or evidence["programme_period"])
    return FundingFacts(period, True, ordered or None, find_programme(text), evidence)


def _fund_of(tag: str) -> str | None:
    """`ESRR` -> ERDF, `Kohezijski sklad` -> CF; None for anything that is not a fund's name."""
    for code, pattern in _FUND_NAMES:
        tag = tag.strip()
        m = pattern.fullmatch(tag) or pattern.fullmatch(f"({tag})") or (len(tag) > 6 and pattern.search(tag))
        if m:
            return code
    return None


def _choose_period(periods: list[tuple[int, str]], funds: dict[str, int], year: int | None) -> str | None:
    if periods:
        # The latest period named wins: 2021–2027 calls often also cite 2014–2020 acts.
        return max(p for _, p in periods)
    if set(funds) & {"RRF", "JTF", "ESF+"} or (set(funds) & {"HORIZON", "OTHER_EU", "LIFE"} and year is None):
        return "2021-2027"  # funds of 2021–2027 only, or programmes most likely current
    if year is None:
        return None
    if set(funds) & {"HORIZON", "OTHER_EU", "LIFE"} and year >= 2021:
        # Directly managed EU programmes switch on the first year of the new budget; they have no
        # years of late calls of the old period as cohesion programmes have.
        return "2021-2027"
    # Without an explicit period: calls of a programme period are published from about two
    # years after it starts until about two years after it ends.
    if year <= 2014:
        return "2007-2013"
    if year <= 2022:
        return "2014-2020"
    return "2021-2027"


_PROGRAMME = re.compile(
    r"(?:Program\w*\s+sodelovanja\s+)?Interreg\s+[\w\-– ]{2,40}?(?:\s+(?:v obdobju\s+)?20\d\d\s*[–-]\s*20\d\d)?(?=[\s,.;»«)]|$)"
    r"|Operativn\w+ program\w*[^.;]{0,80}?20\d\d\s*[–-]\s*20\d\d"
    r"|Program\w* evropske kohezijske politike v obdobju 2021\s*[–-]\s*2027"
    r"|Načrt\w* za okrevanje in odpornost"
    r"|Program\w* razvoja podeželja[^.;]{0,20}?20\d\d\s*[–-]\s*20\d\d",
    re.IGNORECASE,
)


def find_programme(text: str) -> str | None:
    m = _PROGRAMME.search(text)
    return " ".join(m.group(0).split()) if m else None


def find_named_funds(text: str) -> list[tuple[NamedFund, str]]:
    """The national, municipal or foreign money the text names as paying for the call (reference
    data, data/reference/funds.yaml), each with its snippet, in the order named."""
    found = []
    for fund in named_funds():
        for pattern in fund.patterns:
            m = re.search(pattern, text, re.IGNORECASE)
            if m:  # the sentence (or label line) that names it
                start = max(text.rfind(". ", 0, m.start()) + 2, text.rfind("\n", 0, m.start()) + 1, 0)
                end = min(i for i in (text.find(".", m.end()) + 1, text.find("\n", m.end()), len(text)) if i > 0)
                found.append((m.start(), fund, " ".join(text[start:end].split())))
                break
    return [(fund, snippet) for _, fund, snippet in sorted(found, key=lambda f: f[0])]
