"""Money and percentages in notice text, and which amount is the call's total budget.

Formats: `1.500.000,00 EUR`, `846.915 EUR`, `40 000,00 EUR`, `2,16 mio EUR`, `2,2 milijona
evrov`, `osem milijonov evrov`, `EUR 91.75m`, `€2.5M`, `611 million euros`; percentages `85 %`,
`85-odstotno`, `80 odstotkov`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Slovenian number words that come before "milijon(ov)"/"tisoč" in news text.
_NUMBER_WORDS = {
    "pol": 0.5,
    "en": 1,
    "ena": 1,
    "eden": 1,
    "enega": 1,
    "dva": 2,
    "dve": 2,
    "dveh": 2,
    "tri": 3,
    "treh": 3,
    "štiri": 4,
    "štirih": 4,
    "pet": 5,
    "petih": 5,
    "šest": 6,
    "šestih": 6,
    "sedem": 7,
    "sedmih": 7,
    "osem": 8,
    "osmih": 8,
    "devet": 9,
    "devetih": 9,
    "deset": 10,
    "desetih": 10,
    "enajst": 11,
    "dvanajst": 12,
    "petnajst": 15,
    "dvajset": 20,
    "trideset": 30,
    "štirideset": 40,
    "petdeset": 50,
    "sto": 100,
}
_MULTIPLIERS = (
    (re.compile(r"(?:mrd|milijard\w*|billion|bn)$", re.I), 1e9),
    (re.compile(r"(?:mio|mil\.?|milijon\w*|miljon\w*|million\w*|m)$", re.I), 1e6),
    (re.compile(r"(?:tisoč|tis\.?|thousand|k)$", re.I), 1e3),
)
_SCALE = r"(?:mrd|milijard\w*|billion|bn|mio|mil\.|milijon\w*|miljon\w*|million\w*|tisoč|tis\.|thousand)"
_CURRENCY = r"(?:EUR|evr\w*|euro\w*|€)"
# 1.500.000,00 | 40 000,00 | 33,000,000.00 (English) | 846915 | 2,16 | 91.75
_NUMBER = r"\d{1,3}(?:[.\u00a0 ]\d{3})+(?:,\d{1,2})?(?!\d)|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![\d,])|\d+(?:[.,]\d+)?"
_FUND_ABBR = r"(?:ESRR|ESS\+?|EKSRP|ESPR\w?|ERDF|ESF\+?|KS|SPP|NOO)"
_WORD_NUMBER = r"(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"

AMOUNT_RE = re.compile(
    rf"(?<![\w.,/])(?P<num>{_NUMBER}|{_WORD_NUMBER})\s?(?P<scale>{_SCALE}|[mMk](?=\s|$|[^\w]))?\.?\s*(?P<cur>{_CURRENCY})(?![a-z])"
    # "27,8 milijona ESRR sredstev": millions of a named fund's money, no currency word.
    rf"|(?<![\w.,/])(?P<num3>{_NUMBER}|{_WORD_NUMBER})\s?(?P<scale3>{_SCALE})\s+(?-i:{_FUND_ABBR})\s+(?=sredstev\b)"
    rf"|(?P<cur2>EUR|€)\s?(?P<num2>{_NUMBER})\s?(?P<scale2>{_SCALE}|[mMk](?![\w]))?",
    re.IGNORECASE,
)
PERCENT_RE = re.compile(
    r"(?<![\d,.])(?P<num>\d{1,3}(?:,\d+)?)\s?(?:%|-?odstot\w*|per\s?cent)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    value: float
    raw: str
    start: int
    end: int


def parse_number(raw: str) -> float | None:
    """`1.500.000,00` -> 1500000.0, `2,16` -> 2.16, `91.75` -> 91.75, `846.915` -> 846915.0."""
    raw = raw.strip().replace("\u00a0", " ")
    word = _NUMBER_WORDS.get(raw.lower())
    if word is not None:
        return float(word)
    if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d{1,2})?", raw):
        return float(re.sub(r"[. ]", "", raw).replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d{1,2})?|\d{1,3},\d{3}\.\d{1,2}", raw):
        return float(raw.replace(",", ""))  # English grouping: "33,000,000.00", "5,000.00"
    if re.fullmatch(r"\d+,\d+", raw):
        return float(raw.replace(",", "."))
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    return None


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    for pattern, factor in _MULTIPLIERS:
        if pattern.match(word.rstrip(".")) or pattern.match(word):
            return factor
    return 1.0


def find_amounts(text: str) -> list[Amount]:
    """Every euro amount in order of appearance."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        if m["num"]:
            num, scale = m["num"], m["scale"]
        elif m["num2"]:
            num, scale = m["num2"], m["scale2"]
        else:
            num, scale = m["num3"], m["scale3"]
        value = parse_number(num)
        if value is None:
            continue
        if not scale and re.fullmatch(r"\d{1,3},\d{3}", num):
            value = float(num.replace(",", ""))  # "€5,000": euros are not written with three decimals
        if num.lower() in _NUMBER_WORDS and not scale:
            continue  # "pet evrov" without a scale is never a budget; keep words for millions
        out.append(Amount(value * _scale(scale), m.group(0).strip(), m.start(), m.end()))
    return out


def parse_amount(text: str) -> float | None:
    """The first euro amount in a short string, e.g. `2,16 mio EUR` -> 2160000.0."""
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None


# --- the budget -----------------------------------------------------------------------------------

# Phrases that announce the total money of a call.
_BUDGET_CUE = re.compile(
    r"(?:okvirn\w+|skupn\w+|celotn\w+)?\s*(?:višin\w+|vrednost\w*|obseg\w*|znes\w+)\s+"
    r"(?:\w+\s+){0,3}?(?:razpisan\w+|razpoložljiv\w+|nepovratn\w+|finančn\w+|namenjen\w+)?\s*(?:\w+\s+)?sredst\w*"
    r"|razpisan\w*\s+(?:\w+\s+){0,2}?(?:sredst\w*|znes\w*)|razpisan\w+"
    r"|(?:skupn|okvirn)\w+\s+(?:okvirn\w+\s+)?višin\w+|sredst\w+\s+v\s+(?:skupn\w+\s+)?(?:okvirn\w+\s+)?višini"
    r"|vrednost\w*\s+(?:javnega\s+)?(?:razpis\w*|poziv\w*)"
    r"|(?:razpis|poziv)\w*\s+v\s+vrednosti"
    r"|(?:skupn\w+\s+)?razpisan\w+\s+znes\w+"
    r"|na\s+voljo(?:\s+(?!\d)\w+){0,2}"
    r"|\bskupno\b|\bin\s+total\b|\bvred(?:en|na|no)\b"
    r"|sredstva\s+(?:\w+\s+){0,8}?(?:znaša\w*|so\s+določena)"
    r"|\bbudget\b|total\s+(?:\w+\s+){0,2}?(?:funding|funds?|amount|budget)|funding\s+available|funds?\s+available",
    re.IGNORECASE,
)
_STRONG_CUE = re.compile(r"skupn|celotn|okvirn|razpisan|vrednost razpisa|v vrednosti|total|budget", re.IGNORECASE)
# Cues naming the whole call's money: a cap after them ("znaša največ 1,2 milijona") bounds the total.
_TOTAL_CUE = re.compile(r"skupn|celotn|razpisan|sredstva\s+(?:javnega\s+)?(?:razpisa|poziva)|total|call budget", re.I)
# "1,8 milijonov EU sredstev": the phrase's own amount carries no currency, so a later one is not it.
_UNTAGGED_MILLIONS = re.compile(r"\d\s*(?:mio|milijon\w*|miljon\w*|million\w*)\b", re.IGNORECASE)
# Amounts that are limits per applicant or sums of applications, not the call's budget.
_PER_UNIT = (
    r"posamezn\w+|na\s+(?:vlog|projekt|operacij|upravičen)\w*"
    r"|per\s+(?:project|applicant)|vlog\w*\s+v\s+skupni\s+vrednosti|prejel\w*|zaprošen\w*"
    r"|tranš\w*|subvencij\w*\s+v\s+višini"
)
_CAP = r"najv\w*|najniž\w*|najmanj|največ|do višine|minimaln\w*|maksimaln\w*|maximum|minimum|v\s+višini\s+do"
_PER_PROJECT = re.compile(_PER_UNIT + "|" + _CAP, re.IGNORECASE)
_PER_UNIT_RE = re.compile(_PER_UNIT, re.IGNORECASE)


@dataclass(frozen=True)
class Budget:
    value: float
    snippet: str


def find_budget(text: str) -> Budget | None:
    """The call's total budget: the first amount after a budget phrase in the same sentence,
    preferring 'total'/'razpisana' phrases; per-project limits and sums of applications are skipped."""
    amounts = find_amounts(text)
    if not amounts:
        return None
    best: tuple[int, int, Amount] | None = None
    lots: dict[str, list[Amount]] = {}
    for cue in _BUDGET_CUE.finditer(text):
        sentence_end = _sentence_end(text, cue.end())
        for amount in amounts:
            if amount.start < cue.end() - 1 or amount.start > sentence_end or amount.start - cue.end() > 220:
                continue
            between = text[cue.start() : amount.start]
            per = _PER_UNIT_RE if _TOTAL_CUE.search(cue.group(0)) else _PER_PROJECT
            if (
                per.search(between)
                or _PER_PROJECT.search(text[max(0, cue.start() - 40) : cue.start()])
                or _UNTAGGED_MILLIONS.search(between)
            ):
                break
            rank = 2 if _STRONG_CUE.search(cue.group(0)) else 1
            if re.match(r"\s*(?:skupno|in total)\b", cue.group(0), re.I):
                rank = 3  # "…, skupno 1.250.000 evrov": the sum after the per-unit amounts
            lots.setdefault(" ".join(cue.group(0).lower().split()), []).append(amount)
            if best is None or rank > best[0] or (rank == best[0] and amount.start < best[1]):
                best = (rank, amount.start, amount)
            break
    if best is None:
        # News text: "osem milijonov evrov zdaj čaka" in a sentence about the call itself.
        for amount in amounts:
            start = text.rfind(".", 0, amount.start - 1)
            sentence = text[start + 1 : _sentence_end(text, amount.end)]
            if (
                amount.value >= 10_000
                and re.search(r"razpis|poziv|povabil|\bcall\b", sentence, re.I)
                and not _PER_PROJECT.search(sentence)
            ):
                best = (0, amount.start, amount)
                break
    if best is None:
        return None
    amount = best[2]
    # One phrase repeated for each lot or fund ("Okvirna višina sredstev za sklop A znaša …"): the call's
    # total is their sum, unless a stronger phrase gave the total itself.
    same = lots.get(next((k for k, v in lots.items() if amount in v), ""), [])
    if best[0] < 3 and len(same) > 1 and len({a.start for a in same}) == len(same):
        total = sum(a.value for a in same)
        snippet = " … ".join(" ".join(text[max(0, a.start - 60) : a.end].split()) for a in same)
        return Budget(total, snippet)
    return Budget(amount.value, " ".join(text[max(0, amount.start - 120) : amount.end + 10].split()))


def _sentence_end(text: str, start: int) -> int:
    m = re.compile(r"\.\s+(?=[A-ZČŠŽ•])|\n\s*\n|;").search(text, start)
    return m.start() if m else len(text)


# --- co-financing rate ----------------------------------------------------------------------------

_RATE_CUE = re.compile(
    r"sofinan\w*|upravičen\w+ stroš\w*|co-?financ\w*|eligible costs|stopnj\w+|funding rate|intenzivnost\w* pomoči",
    re.I,
)


def find_cofinancing_rate(text: str) -> tuple[float, str] | None:
    """Highest share of eligible costs paid, e.g. `do 85 % upravičenih stroškov` -> 85.0."""
    best: tuple[float, str] | None = None
    for m in PERCENT_RE.finditer(text):
        value = float(m["num"].replace(",", "."))
        if not 0 < value <= 100:
            continue
        window = text[max(0, m.start() - 120) : m.end() + 60]
        if not _RATE_CUE.search(window):
            continue
        if best is None or value > best[0]:
            best = (value, " ".join(window.split()))
    return best


# --- the EU share of the call's money -------------------------------------------------------------

# "Prispevek EU: 15.300.000,00 EUR" beside "Razpisana vrednost: 18.000.000,00 EUR"; "EU contribution".
_EU_CONTRIBUTION_CUE = re.compile(
    r"prispev\w+\s+(?:EU|evropsk\w+\s+unij\w*)|sredst\w+\s+EU\s+(?:znaša\w*|v\s+višini)|delež\w*\s+EU\s+(?:znaša\w*|v\s+višini)"
    r"|EU\s+contribution",
    re.IGNORECASE,
)


def find_eu_share(text: str) -> tuple[float, str] | None:
    """Share of the call's money the EU pays, in percent: the EU contribution over the call's budget
    (`Prispevek EU` of `Razpisana vrednost`); None unless both amounts are stated. An EU contribution
    per project is a limit, not a share of the call."""
    budget = find_budget(text)
    if budget is None:
        return None
    amounts = find_amounts(text)
    for cue in _EU_CONTRIBUTION_CUE.finditer(text):
        line_end = _sentence_end(text, cue.end())
        amount = next((a for a in amounts if cue.end() <= a.start <= min(line_end, cue.end() + 60)), None)
        if amount is None or _PER_PROJECT.search(text[cue.start() : amount.start]):
            continue
        share = amount.value / budget.value * 100
        if 0 < share <= 100:
            total = next(a for a in amounts if a.value == budget.value)
            line_start = max(text.rfind("\n", 0, total.start), text.rfind(". ", 0, total.start) + 1, 0)
            said = f"{text[line_start : total.end]} … {text[cue.start() : amount.end]}"
            return round(share, 1), " ".join(said.split())
    return None
