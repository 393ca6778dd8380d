"""The head of a notice: notice number, gazette issue, publication date, publisher, title, type.

Uradni list pages open with `Uradni list RS, št. 118/2023 z dne 24. 11. 2023`, then
`Št. 4300-97/2023-1630-12 Ob-3476/23, Stran 2178`, then `<publisher>, <address> objavlja` /
`javni razpis` / `za <subject>` (or the preamble ends `… objavlja <publisher>`). Other sites
(ministries, agencies, municipalities, news) give a heading line and labelled lines such as
`Razpisovalec: …`, `Datum objave: …`, or report the publication in a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fundscout.extract.dates import find_dates, month_number, parse_date
from fundscout.extract.publishers import canonical, host_owner

NOTICE_NUMBER = re.compile(r"\bOb-(\d{1,5})/(\d{2})\b")
# "Uradni list RS, št. 74/2022 z dne 27. 5. 2022", "Ur. list št. 82/2018 z dne 21. 12. 2018",
# "Uradnem listu RS, št. 13/2025, ki je izšel 28. 2. 2025", "Uradni list RS, Št. 36, Datum: 7. 6. 2019",
# "Uradnem listu št. 14 z dne 24.3.2017".
_GAZETTE = re.compile(
    r"(?:Uradn\w+\s+list\w*|Ur\.\s*l(?:ist)?\.?)\s*(?:RS|Republike Slovenije)?,?\s*(?:št\.|številka)\s*"
    r"(?P<no>\d{1,3})(?:/(?P<year>\d{4}|\d{2}))?"
    r"(?P<gap>[^\n\d]{0,25}?)(?:z\s+dne|,?\s*ki\s+je\s+izšel\w*|,?\s*Datum:|,?\s*dne)\s*(?P<date>[^\n]{6,22})",
    re.IGNORECASE,
)
# "v Uradnem listu RS št. 18/2024" in a sentence that reports this call's publication.
_GAZETTE_REPORTED = re.compile(
    r"(?:objav\w+|izšel\w*)[^.\n]{0,60}?Uradn\w+\s+list\w*\s*(?:RS)?,?\s*(?:št\.)\s*(?P<no>\d{1,3})/(?P<year>\d{4})"
    r"|Uradn\w+\s+list\w*\s*(?:RS)?,?\s*(?:št\.)\s*(?P<no2>\d{1,3})/(?P<year2>\d{4})[^.\n]{0,60}?\bobjav(?:il|ljen)",
    re.IGNORECASE,
)
# A citation of an earlier publication ("…, ki je bil objavljen v Uradnem listu RS, št. 54/10 dne …")
# names the issue of the call being changed, not of this notice.
_EARLIER_PUBLICATION = re.compile(r"(?:ki\s+je\s+bil\w*\s+)?objavljen\w*\s+v\s*$", re.IGNORECASE)
# "Objava\nUradni list RS št. 43/2024": an agency page's own line giving the gazette issue of its call.
_GAZETTE_LINE = re.compile(
    r"^\s*(?:objava\s*:?\s*)?Uradn\w+\s+list\w*\s*(?:RS)?,?\s*št\.\s*(?P<no>\d{1,3})/(?P<year>\d{4})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# The masthead of a gazette issue as PDF transcriptions give it: "Uradni list Republike Slovenije Razglasni
# del … Št. 64 … Ljubljana, petek 28. 9. 2018 … Leto XXVIII"; volume I was 1991.
_MASTHEAD = re.compile(r"Razglasni\s+del", re.IGNORECASE)
_MASTHEAD_ISSUE = re.compile(r"\bŠt\.\s*(?P<no>\d{1,3})(?![\d/-])")
_MASTHEAD_VOLUME = re.compile(r"\bLeto\s+(?P<roman>[IVXL]{1,8})\b")
_MASTHEAD_DATE = re.compile(
    r"Ljubljana,\s*(?:ponedeljek|torek|sreda|četrtek|petek|sobota|nedelja)\s+(?P<date>\d{1,2}\.\s?\d{1,2}\.\s?\d{4})"
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
# uradni-list.si/…/vsebina/2025008000016: year, issue, item.
_GAZETTE_URL = re.compile(r"uradni-list\.si/.*?/vsebina/(?P<year>(?:19|20)\d{2})(?P<no>\d{4})\d{5}")
_PUBLISHED_LABEL = re.compile(
    r"^\s*(?:datum\s+objave|objavljeno|datum|published(?:\s+on)?|date)\s*:\s*(?P<rest>[^\n]{4,60})"
    r"|^\s*objavljeno\s+(?P<bare>\d{1,2}\.\s?\d{1,2}\.\s?\d{4})"
    # A label on a line of its own, the date on the next: "Publication date\n12 January 2022".
    r"|^\s*(?:datum\s+objave|objavljeno|publication\s+date|published(?:\s+on)?|date\s+published)\s*:?\s*\n\s*"
    r"(?P<next>[^\n]{4,60})",
    re.IGNORECASE | re.MULTILINE,
)
# A news dateline: "Ljubljana, 5. 3. 2025 – …", "Maribor, 10.10.2018" on a line of its own.
_DATELINE = re.compile(
    r"^\s*[A-ZČŠŽ][\w ]{2,30},\s+(?P<date>\d{1,2}\.\s?\d{1,2}\.\s?\d{4})(?:\s+[–-]|\s*$)", re.MULTILINE
)
_PUBLISHED_TODAY = re.compile(
    r"\b(?:je|dne)\s+(?:danes\s+)?(?P<date>\d{1,2}\.\s?(?:\d{1,2}\.|[a-zčšž]+)\s?\d{4})\s+(?:\S+\s+){0,12}?objav(?:il|ljen)"
    r"|(?P<reported>\d{1,2}\.\s?(?:\d{1,2}\.|[a-zčšž]+)\s?\d{4})\s+je\s+bil\w*\s+(?:\S+\s+){0,8}?objavljen"
    r"|\bpublished\s+on\s+(?P<en>\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},?\s+\d{4})",
    re.I,
)
# The date a crawled page carries before its text ("date 2021-11-09", or only "date 2021-11"), and an
# agency dateline with the month in words and no year ("Ljubljana, 9. novembra - …").
_PAGE_DATE = re.compile(r"^\s*date\s+(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?\b")
_WORDED_DATELINE = re.compile(r"^\s*[A-ZČŠŽ][\w ]{2,30},\s+(?P<day>\d{1,2})\.\s+(?P<month>[a-zčšž]+)\s+[–-]", re.M)
# A heading's date: opening its line ("14.04.2011 Številen obisk …"), stamped with a time
# ("04.05.2019 09:19") or in brackets at its end ("… ZA IZBOR OPERACIJ (22.1.2022)").
_HEADING_DATE = re.compile(
    r"^\s*(?P<a>\d{1,2}\.\s?\d{1,2}\.\s?\d{4})\s+[A-ZČŠŽ]"
    r"|(?P<b>\d{1,2}\.\d{1,2}\.\d{4})\s+\d{1,2}:\d{2}\b"
    r"|\((?P<c>\d{1,2}\.\s?\d{1,2}\.\s?\d{4})\)\s*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Found:
    value: object
    snippet: str


def _clean(text: str) -> str:
    return " ".join(text.split())


def find_notice_number(text: str) -> Found | None:
    m = NOTICE_NUMBER.search(text)
    if not m:
        return None
    return Found(f"Ob-{int(m.group(1))}/{m.group(2)}", _clean(text[max(0, m.start() - 40) : m.end() + 15]))


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _masthead(text: str) -> tuple[Found | None, Found | None]:
    """Issue and date from a transcribed gazette masthead, the year from its volume number."""
    for m in _MASTHEAD.finditer(text[:4000]):
        window = text[max(0, m.start() - 250) : m.end() + 250]
        issue, volume = _MASTHEAD_ISSUE.search(window), _MASTHEAD_VOLUME.search(window)
        if not (issue and volume):
            continue
        year = 1990 + _roman(volume["roman"])
        snippet = _clean(window)
        dated = _MASTHEAD_DATE.search(window)
        date = parse_date(dated["date"]) if dated else None
        return Found(f"{int(issue['no'])}/{year}", snippet), (
            Found(date.isoformat(), snippet) if date and date.year == year else None
        )
    return None, None


def find_gazette(text: str, url: str | None = None) -> tuple[Found | None, Found | None]:
    """Gazette issue (`74/2022`) and publication date of the issue the notice appeared in."""
    for m in _GAZETTE.finditer(text):
        if _EARLIER_PUBLICATION.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        date = parse_date(m["date"])
        if date is None:
            continue
        year = m["year"]
        if year is None:
            year = str(date.year)
        elif len(year) == 2:
            year = str(2000 + int(year)) if int(year) < 70 else str(1900 + int(year))
        if int(year) not in (date.year, date.year - 1):
            continue
        snippet = _clean(m.group(0))
        return Found(f"{int(m['no'])}/{year}", snippet), Found(date.isoformat(), snippet)
    issue, date = _masthead(text)
    if issue:
        return issue, date
    m = _GAZETTE_LINE.search(text[:3000])
    if m:
        return Found(f"{int(m['no'])}/{m['year']}", _clean(m.group(0))), None
    m = _GAZETTE_REPORTED.search(text)
    if m:
        return Found(f"{int(m['no'] or m['no2'])}/{m['year'] or m['year2']}", _clean(m.group(0))), None
    m = _GAZETTE_URL.search(url or "")
    if m and int(m["no"]):
        return Found(f"{int(m['no'])}/{m['year']}", m.group(0)), None
    return None, None


def find_published_on(text: str, gazette_date: Found | None) -> Found | None:
    if gazette_date:
        return gazette_date
    page = _PAGE_DATE.match(text)
    if page and page["day"]:
        return Found(f"{page['year']}-{page['month']}-{page['day']}", _clean(page.group(0)))
    for pattern in (_PUBLISHED_LABEL, _DATELINE, _PUBLISHED_TODAY):
        m = pattern.search(text[:3000])  # each alternative has one named group: the date's text
        date = parse_date(next(v for v in m.groupdict().values() if v)) if m else None
        if date:
            return Found(date.isoformat(), _clean(m.group(0)))
    worded = _WORDED_DATELINE.search(text[page.end() if page else 0 : 600])
    if page and worded:
        month = month_number(worded["month"])
        if month == int(page["month"]):
            return Found(f"{page['year']}-{month:02d}-{int(worded['day']):02d}", _clean(worded.group(0)))
    # A date standing alone on one of the first lines of a page is its publication date.
    for line in text.strip().splitlines()[:8]:
        line = line.strip()
        if 6 <= len(line) <= 12:
            dates = find_dates(line)
            if dates and dates[0].start == 0 and dates[0].end >= len(line) - 1:
                return Found(dates[0].value.isoformat(), line)
    for m in _HEADING_DATE.finditer(text[:1500]):
        date = parse_date(m["a"] or m["b"] or m["c"])
        if date:
            return Found(date.isoformat(), _clean(m.group(0)))
    return None


# --- publisher ------------------------------------------------------------------------------------

_BODY_HEAD = (
    r"(?:Republika Slovenija,\s*)?"
    r"(?:Ministrstv\w+|Mestn\w+ občin\w+|Občin\w+|Javn\w+ sklad\w*|Javn\w+ agencij\w+|Eko sklad|Slovensk\w+ \w+ sklad\w*"
    r"|Slovensk\w+ regionaln\w+ razvojn\w+ sklad\w*|Urad(?:a|u)?\b|Služb\w+ Vlade|Vlad\w+ Republike Slovenije|Agencij\w+"
    r"|Zavod\w*|Sklad\w*|Regionaln\w+ razvojn\w+ agencij\w+|Združenj\w+|Skupnost\w*|Uprav\w+ Republike Slovenije"
    r"|Lokaln\w+ akcijsk\w+ skupin\w+|LAS|Center|Centr\w+|Fundacij\w+|Direkcij\w+|Inštitut\w*|Komisij\w+|Zbornic\w+"
    r"|Univerz\w+|Fakultet\w*|Zvez\w+|Gospodarsk\w+ zbornic\w+|Slovensk\w+ (?:\w+ ){0,3}?(?:organizacij|agencij|zavod)\w*"
    r"|European \w+|The European \w+)"
)
_BODY = re.compile(_BODY_HEAD + r"[^\n.;:()«»\"]{0,140}")
# Addresses end the name: "Ministrstvo za zdravje, Štefanova 5, Ljubljana".
# A lone capitalised word is a town; lone lowercase words continue a name ("… za delo, družino, …").
_ADDRESS_PART = re.compile(r"\d|\b(?:ulica|cesta|trg|nabrežje|naslov)\b|^(?-i:[A-ZČŠŽ])\S*$", re.I)
_PUBLISHER_LABEL = re.compile(
    r"(?:razpisovalec|razpisnik|izvajalec\s+(?:javnega\s+)?(?:razpisa|poziva)|naročnik|objavitelj|publisher|naziv"
    r"|(?:organ|uporabnik|telo)\w*,?\s+ki\s+dodeljuje\s+sredstva)"
    r",?\s*(?:je|:)\s*(?:[^\n:]{0,40}?\bje\s+)?(?P<name>[^\n]{3,160})",
    re.IGNORECASE,
)
_SECTION_BODY = re.compile(
    r"(?:naziv|ime)\s+(?:\w+\s+){0,3}?sedež\w*[^\n:]{0,80}?(?::|\n)\s*(?P<name>[^\n]{3,160})",
    re.IGNORECASE,
)
_OBJAVLJA = re.compile(r"\b(?:objavlja|objavil[oa]?)\b")
# A news sentence whose subject is the body: "Slovenski podjetniški sklad (…) je danes … objavil".
_SUBJECT_BODY = re.compile(
    r"(?:^|[.!?]\s+|\s[–-]\s)(?P<body>"
    + _BODY_HEAD
    + r"[^\n.;:()]{0,80}?)\s*(?:\([^)]{1,60}\)\s*)?\s+(?:je|so|has|have)\b",
    re.MULTILINE,
)
# Bodies named again and again in a page, in any case form: "Ministrstva za zdravje", "LAS Gorenjska košarica".
_MENTIONED_BODY = re.compile(
    r"\b(?P<head>Ministrstv\w*|Mestn\w+ občin\w*|Občin\w+|LAS|Las)\s+"
    r"(?P<tail>za\s+\w+(?:\s+in\s+\w+)?|[a-zčšž]\w+\s+[a-zčšž]\w+|[A-ZČŠŽ]\w+(?:\s+[A-ZČŠŽ]\w+)?(?:\s+[a-zčšž]\w+)?)"
)
_NOMINATIVE_HEAD = {"ministrstv": "Ministrstvo", "mestn": "Mestna občina", "občin": "Občina", "las": "LAS"}


def _blank_asides(text: str) -> str:
    """Drop "(v nadaljevanju: …)" asides, which carry short names and brackets."""
    return re.sub(r"\((?:v\s+nadaljn\w+|v\s+nadaljevanju|v\s+nadalj)[^)]*\)", "", text)


def normalise_body(name: str) -> str | None:
    """`Republika Slovenija, Ministrstvo za zdravje, Štefanova 5, Ljubljana` -> `Ministrstvo za zdravje`."""
    name = _blank_asides(name)
    name = re.sub(r"\s+(?:je|so|bo|has|have)\b.*$", "", name)
    name = re.sub(r"^\s*(?:Republika Slovenija|RS)\s*,\s*", "", name)
    name = re.sub(r"^\s*The\s+", "", name)
    parts = []
    for part in name.split(","):
        part = part.strip(" -–")
        if parts and _ADDRESS_PART.search(part):
            break
        head = re.split(r"\s+\d", part)[0].strip()  # "Slovenski podjetniški sklad 5. 4. 2024 …"
        if not head or re.search(r"\d", head):
            break
        parts.append(head)
        if head != part:
            break
    out = ", ".join(parts)
    out = re.sub(r"\s*\([^)]*\)?\s*$", "", out).strip(" ,")
    out = re.sub(r"\s+(?:je|so|objavlja|objavil\w*)$", "", out)
    return out or None


def find_publisher(text: str) -> Found | None:
    head = text[:6000]
    # 1. Labelled lines: "Razpisovalec: …", "Izvajalec razpisa je …", "1. Naziv in sedež …: …".
    for pattern in (_PUBLISHER_LABEL, _SECTION_BODY):
        for m in pattern.finditer(head):
            raw = re.sub(r"^[^:,]{3,40}:\s*", "", m["name"])  # "uporabnik državnega proračuna: Republika …"
            name = normalise_body(re.split(r"\s+\(|\.\s|\s+objavlja", raw)[0])
            if name and _BODY.match(name) and not re.search(r"\b[A-ZČŠŽ]{3,}\b", name.split()[-1]):
                return Found(name, _clean(m.group(0)))
    # 2. "… <body>, <address> objavlja" (UL) or "Na podlagi … objavlja <body>, <address>".
    for m in _OBJAVLJA.finditer(head):
        after = text[m.end() : m.end() + 200].split("\n")[0]
        body = re.match(r"\s*(" + _BODY_HEAD + r"[^\n]*)", after)
        if body:
            name = normalise_body(re.split(r"\.\s|\s+objavlja", body.group(1))[0])
            if name:
                return Found(name, _clean(m.group(0) + after))
        before = _blank_asides(text[max(0, m.start() - 300) : m.start()])
        line = re.split(r"\n|\)\s+(?=[A-ZČŠŽ])|;\s", before)[-1]
        for body in re.finditer(_BODY_HEAD, line):
            stretch = line[body.start() :]
            if re.search(r"[()]|\bz\s+dne\b|\bšt\.", stretch):
                continue
            name = normalise_body(stretch)
            if name:
                return Found(name, _clean(stretch + " " + m.group(0)))
            break
    # 3. A page that opens with the body's name on a line of its own.
    for line in text.strip().splitlines()[:5]:
        body = _BODY.fullmatch(line.strip())
        if body and len(line.split()) <= 10 and not re.search(_CALL_WORD, line, re.IGNORECASE):
            name = normalise_body(line)
            if name:
                return Found(name, line.strip())
    # 4. News: the body is the subject of a sentence.
    m = _SUBJECT_BODY.search(text[:4000])
    if m:
        name = normalise_body(m["body"])
        if name:
            return Found(name, _clean(m.group(0)))
    return _most_mentioned_body(text)


def _most_mentioned_body(text: str) -> Found | None:
    """A body named at least twice, in any case form, when nothing says who publishes."""
    counts: dict[str, int] = {}
    snippets: dict[str, str] = {}
    for m in _MENTIONED_BODY.finditer(text):
        stem = next(k for k in _NOMINATIVE_HEAD if m["head"].lower().startswith(k))
        name = f"{_NOMINATIVE_HEAD[stem]} {m['tail']}"
        if stem == "las":  # a local action group is the body of its own calls, above the towns named
            counts[name.lower()] = counts.get(name.lower(), 0) + 1
        key = name.lower()
        counts[key] = counts.get(key, 0) + 1
        snippets.setdefault(key, _clean(text[max(0, m.start() - 40) : m.end() + 20]))
        snippets.setdefault(key + "#name", name)
    if not counts:
        return None
    best = max(counts, key=counts.get)
    if counts[best] < 2:
        return None
    return Found(snippets[best + "#name"], snippets[best])


# --- title and call type --------------------------------------------------------------------------

_CALL_WORD = (
    r"(?:javn\w+\s+razpis\w*|javn\w+\s+poziv\w*|razpis\w*|poziv\w*|povabil\w*|vavčer\w*|sprememb\w*|popravek"
    r"|call\s+for\s+proposals|call|sofinanciranj\w*)"
)
# UL: a line with only "javni razpis" / "javni poziv 36SUB-SOCOB15", the subject on the next lines.
_UL_TITLE = re.compile(
    r"^[ \t]*(?P<kind>(?:(?:\d+\.|prvi|drugi|tretji|četrti|peti|šesti|sedmi|osmi)[ \t]+)?(?:javni[ \t]+(?:razpis|poziv)|(?:javno[ \t]+)?povabilo))(?:[ \t]+(?P<code>[A-Z0-9][\w-]*\d[\w-]*))?[ \t]*"
    r"(?P<first>za\b[^\n]*)?\n(?P<rest>(?:[ \t]*\n){0,2}(?:[^\n]+\n?(?:[ \t]*\n)?){1,3})",
    re.IGNORECASE | re.MULTILINE,
)
# UL page whose "javni razpis" line was lost: the header line, then "za …".
_UL_SUBJECT_ONLY = re.compile(r"\bOb-\d{1,5}/\d{2}\s*,\s*Stran\s+\d+\s*\n\s*(?P<rest>za\s[^\n]{10,})")
_SECTION_START = re.compile(
    r"^\s*(?:[IVX]+\.|\d+\.?\s|Na podlagi|Osnovo|Razpis se objavlja|Predmet|Namen|Javni razpis|1\s|[^:\n]{2,40}:\s)",
    re.IGNORECASE,
)
# A title ends before the programme it belongs to or a running note.
_TITLE_TAIL = re.compile(
    r",?\s+(?:v\s+okviru|ki\s+(?:se|ga|je)|v\s+nadaljn|\(v\s+nadalj|objavljen\w*\s+v)\b.*$", re.IGNORECASE
)
_AMENDMENT = re.compile(
    r"objavlja\s+(?P<kind>sprememb|popravek|popravk|dopolnitev|dopolnitv)\w*\s+(?P<what>(?:\d+\.\s+)?(?:javnega|javnih)\s+(?:razpisa|poziva)"
    r"[^\n]*?(?=,\s*objavljen|,\s*št\.|\s+\(|\.\s|\.?$))",
    re.I,
)
# "Popravek\nV javnem razpisu za opremo …, Uprave RS …, ki je bil objavljen …": the changed call in the locative.
_AMENDMENT_IN_CALL = re.compile(
    r"^\s*(?P<kind>Sprememba|Popravek|Dopolnitev)\s*\n\s*V\s+(?P<call>javnem\s+(?:razpisu|pozivu))\s+(?P<subject>za\s[^\n]{10,400})",
    re.MULTILINE,
)
_AMENDMENT_NOMINATIVE = {"sprem": "Sprememba", "popra": "Popravek", "dopol": "Dopolnitev"}
_AMENDMENT_HEADLINE = re.compile(
    r"^\s*(?P<kind>Sprememb\w*|Popravek|Dopolnitev)\s*(?:\([^)]*\)\s*)?(?P<what>javnega\s+(?:razpisa|poziva)[^\n]*?)(?:,\s*objavljen|:?\s*$)",
    re.IGNORECASE | re.MULTILINE,
)
_BOILERPLATE_LINE = re.compile(
    r"^(?:skoči|skok|show menu|go to|domov|novice|aktualn|vodilna slika|uradni list|številka|kazalo|oznake|"
    r"vam je prispevek|javni razpisi|objava|[•·*–-]|\d+\s*$|\w{3}\s*$|.{0,3}$)",
    re.IGNORECASE,
)
# EU Funding & Tenders topic identifiers head their pages.
_EU_TOPIC = re.compile(r"^[A-Z][A-Z0-9]+(?:-[A-Z0-9]+){3,}\s*:?\s+\S")
# News headlines announce a call ("Objavljen javni razpis za …"); the call's own name is in the text.
_NEWS_HEADLINE = re.compile(r"^(?:objavljen\w*|objava|odprt\w*|nov\w*|zaključen\w*|rezultati)\s", re.IGNORECASE)
_SECTION_HEADING = re.compile(
    r"^(?:namen|predmet|cilj|upravičen|vlagatelj|rok|vrednost|razpisovalec|razpisnik|izvajalec|datum|naročnik)\w*\b"
    r"|^\S*(?:https?://|www\.)",
    re.IGNORECASE,
)
# "… javnega poziva za sofinanciranje …" in running text, any case form of the call word.
_CALL_IN_TEXT = re.compile(
    r"(?P<num>\d+\.\s+)?(?P<kind>javn\w+\s+(?:razpis|poziv|povabil)\w*|razpis\w*)\s+(?P<code>[A-Z][\w-]*\d[\w-]*(?:\s+\d{4})?\s+[–-]\s+)?"
    r"(?P<subject>(?<=[–-]\s)[^.\n;]{10,250}|(?:za|lokalnim|o)\s[^.\n;]{10,250}|»[^«]{5,200}«)",
    re.IGNORECASE,
)
_REPORTED_CALL = re.compile(r"(?:objavil\w*|objavlja|je\s+objavljen\w*)\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
_KIND_NOMINATIVE = (
    (re.compile(r"javn\w+\s+razpis\w*", re.I), "Javni razpis"),
    (re.compile(r"javn\w+\s+poziv\w*", re.I), "Javni poziv"),
    (re.compile(r"razpis\w*", re.I), "Razpis"),
    (re.compile(r"javn\w+\s+povabil\w*", re.I), "Javno povabilo"),
    (re.compile(r"povabil\w*", re.I), "Povabilo"),
)


def _nominative(kind: str) -> str:
    ordinal = re.match(r"(\d+\.|\w+)\s+(?=javn)", kind, re.IGNORECASE)
    if ordinal:  # "Tretji javni razpis", "7. javni poziv"
        rest = kind[ordinal.end() :].lower()
        return ordinal.group(1).capitalize() + " " + rest
    for pattern, word in _KIND_NOMINATIVE:
        if pattern.fullmatch(kind.strip()):
            return word
    return kind


def find_title(text: str) -> Found | None:
    # "… objavlja spremembo 6. javnega razpisa za …" at the head of the notice names what it changes.
    amendment = _AMENDMENT.search(text[:3000])
    if amendment:
        what = _clean(amendment["what"])
        kind = _AMENDMENT_NOMINATIVE[amendment["kind"].lower()[:5]]
        return Found(f"{kind} {what[0].upper()}{what[1:]}", _clean(amendment.group(0)))
    m = _AMENDMENT_IN_CALL.search(text[:3000])
    if m:
        subject = re.split(r",\s+(?=[A-ZČŠŽ]|ki\s)|\s+\(", m["subject"])[0]
        kind = "javnega poziva" if m["call"].lower().endswith("pozivu") else "javnega razpisa"
        return Found(_clean(f"{m['kind'].capitalize()} {kind} {subject}"), _clean(m.group(0)))
    m = _AMENDMENT_HEADLINE.search(text[:1500])
    if m:
        what = _clean(m["what"])
        return Found(f"{m['kind'].capitalize()} {what[0].upper()}{what[1:]}", _clean(m.group(0)))
    m = _UL_TITLE.search(text)
    named = m and re.match(
        r"\s*Naziv\s+(?:produkta|razpisa|poziva|programa)\s*:\s*(?P<name>.+?)(?=\s+[A-ZČŠŽ]\w+(?:\s+\w+)?:|$)",
        m["rest"],
    )
    if named:  # "Javni razpis\nNaziv produkta: Semenski kapital … Oznaka produkta: …"
        kind = _nominative(m["kind"].strip())
        return Found(trim_title(_clean(f"{kind} {named['name']}")), _clean(m.group(0)))
    if m:
        lines = [m["first"].strip()] if m["first"] else []
        for line in m["rest"].strip().splitlines():
            if not line.strip():
                continue
            # The subject runs on in lower case; a bare "javni razpis" line may be followed by a capital.
            if _SECTION_START.match(line) or (lines and not line.strip()[0].islower()):
                break
            lines.append(line.strip())
        kind = m["kind"].strip() if m["kind"].isupper() else _nominative(m["kind"])  # keep an all-caps heading
        head = kind + (f" {m['code']}" if m["code"] else "")
        if lines:
            return Found(trim_title(_clean(" ".join([head] + lines))), _clean(m.group(0)))
    m = _UL_SUBJECT_ONLY.search(text)
    if m:
        return Found(trim_title("Javni razpis " + _clean(m["rest"])), _clean(m.group(0)))
    # Other pages: the first heading-like line that names a call.
    for line in text.strip().splitlines()[:15]:
        line = line.strip()
        if (
            not line
            or line[0].islower()
            or _BOILERPLATE_LINE.match(line)
            or _SECTION_HEADING.match(line)
            or len(line) > 400
        ):
            continue
        if _EU_TOPIC.match(line):  # "HORIZON-CL5-2024-D3-01-05: Innovative solutions …"
            return Found(line, line)
        if _NEWS_HEADLINE.match(line):
            continue
        code = re.match(r"([A-Z0-9][\w-]*\d[\w-]*)\s+(\S.*)$", line)
        kind = code and re.search(rf"\b(javni\s+(?:poziv|razpis))\s+{re.escape(code[1])}\b", text, re.I)
        if kind:  # "86FS-PO26 Krediti …" headed a page that names "Javni poziv 86FS-PO26" below
            return Found(f"{_nominative(kind[1])} {code[1]} {code[2]}", line)
        if (
            re.search(_CALL_WORD, line, re.IGNORECASE)
            and not re.search(r"\s(?:je|so|bo|bodo)\s", line)
            and len(line.split()) >= 4
            and (re.match(_CALL_WORD, line, re.IGNORECASE) or re.search(r"\bza\b|\bfor\b|[»:–]", line))
            and not re.search(r"[.!?]\s*$|:$", line)
        ):
            return Found(trim_title(_clean(line)), line)
    return find_call_in_text(text) or _english_call(text)


# An English page: a call named in a sentence ("The first URBACT IV call for Action Planning Networks is
# open"), else its first heading-like line (EU portals head the page with the topic's name).
_ENGLISH_CALL = re.compile(
    r"\b(?:the\s+)?(?:(?:first|second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+)?"
    r"(?P<title>(?:[A-Z][\w-]*\s+){1,4}call\s+for\s+(?:[A-Z][\w-]*\s*){1,6}?)\s+(?:is|are|has|will|opens?)\b"
)
_ENGLISH_WORDS = re.compile(r"\b(?:the|and|of|for|to|with|is|are)\b", re.IGNORECASE)
_SLOVENE_LETTERS = re.compile(r"[čšžČŠŽ]|\b(?:za|je|so|ali|na|ter)\b")
_PAGE_FURNITURE = re.compile(
    r"^(?:skip|filter|search|go to|menu|home|cookie|log ?in|sign|share|print|back|closed|open|forthcoming)\b", re.I
)


def _is_english(text: str) -> bool:
    head = text[:2000]
    english = len(_ENGLISH_WORDS.findall(head))
    return english >= 3 and english >= 5 * len(_SLOVENE_LETTERS.findall(head))


def _english_call(text: str) -> Found | None:
    m = _ENGLISH_CALL.search(text[:2000]) if _is_english(text) else None
    return Found(_clean(m["title"]), _clean(m.group(0))) if m else None


def english_heading(text: str) -> Found | None:
    """The first heading-like line of an English page that is no page furniture and no body's name."""
    if not _is_english(text):
        return None
    for line in text.strip().splitlines()[:10]:
        line = line.strip()
        if (
            3 <= len(line.split()) <= 20
            and not re.search(r"[.!?:]$", line)
            and not _PAGE_FURNITURE.match(line)
            and not _BODY.match(line)
        ):
            return Found(_clean(line), line)
    return None


def find_call_in_text(text: str) -> Found | None:
    """The call a sentence names: "… je objavljen Javni razpis za …", "… rok za prijavo na javni poziv za …"."""
    found = list(_CALL_IN_TEXT.finditer(text))
    # Prefer the call a sentence reports as published over one named in a headline or aside.
    m = next(
        (c for c in found if _REPORTED_CALL.search(text[max(0, c.start() - 40) : c.start()])),
        found[0] if found else None,
    )
    if m:
        title = (m["num"] or "") + (m["kind"].lower() if m["num"] else _nominative(m["kind"]))
        title += " " + (m["code"] or "") + re.sub(r"\s+(?:se|je|so|bo|bodo|ki)\s.*$", "", m["subject"])
        return Found(trim_title(_clean(title)), _clean(m.group(0)))
    return None


def trim_title(title: str) -> str:
    reported = re.search(r"\bobjavlja\s+(?=(?:\d+\.\s+)?(?:javn\w+\s+)?(?:razpis|poziv|povabil))", title)
    if reported:  # "Agencija … objavlja javni poziv lokalnim skupnostim …." is a heading in sentence form
        title = title[reported.end() :].rstrip(".")
        title = title[0].upper() + title[1:]
    title = re.sub(r"\s*\((?:Ur\.|Uradn)[^)]*\)", "", title)  # "(Ur. list št. 82/2018 z dne …)"
    title = re.sub(r",?\s+objavljen\w*\s+v\s+Uradn\w+\s+list.*$", "", title, flags=re.IGNORECASE)
    title = re.sub(r"\s*[:–-]\s*(?:€|EUR)\s*\d.*$", "", title)
    title = re.sub(r"\s+(?:Namen|Predmet|Cilj)\s+(?:in\s+\w+\s+)?(?:javnega\s+)?(?:razpisa|poziva)\b.*$", "", title)
    if len(title) > 150:
        title = _TITLE_TAIL.sub("", title)
    return re.sub(r"^(?:the\s+)?", "", title, flags=re.IGNORECASE).strip(" ,")


# A news report about a call (type `other`) rather than the call itself.
_NEWS_STRONG = re.compile(
    r"^\s*[A-ZČŠŽ][\w ]{2,30},\s+\d{1,2}\.\s?\d{1,2}\.\s?\d{4}\s+[–-]|^\s*date\s+\d{4}"  # dateline
    r"|\b(?:FOTO|Foto|Vir|Povzel|Avtor):|article rating|has (?:just )?been (?:published|launched)|has just (?:been )?\w+",
    re.MULTILINE,
)
_NEWS = re.compile(
    r"\b(?:je|so)\b(?:[^.\n]|\.(?=\s?\d)){0,100}?\b(?:objavil\w*|objavljen\w*|izšel|izdal\w*|odprl\w*|zaključil\w*|zaustavil\w*)"
    r"|\bobvešča\b|se je izvajal",
    re.IGNORECASE,
)
_NOTICE_STRUCTURE = re.compile(
    r"^\s*(?:rok\w*(?:\s+\w+){0,3}\s*:|razpisovalec\s*:|upravičenci\s*:|vrednost razpisa\s*:|razpisana sredstva\s*:"
    r"|predmet (?:javnega )?(?:razpisa|poziva)|[IVX]+\.\s|\d+\.\s+(?:predmet|namen|pravn|ime|naziv))",
    re.IGNORECASE | re.MULTILINE,
)


# A gazette item headed by its kind of change, on a line of its own or after the notice number.
_AMENDMENT_HEAD = re.compile(
    r"^\s*(?:Sprememba|Popravek|Dopolnitev)\s*$|\bOb-\d{1,5}/\d{2}\s+(?:Sprememba|Popravek|Dopolnitev)\b", re.MULTILINE
)
# The notice itself closes, cancels or stops a call (present tense; a news report uses the past).
_CALL_ENDED = re.compile(
    r"\b(?:razpis|poziv)\w*\b(?:[^.]|\.(?=\s?\d)|(?<=\d)\.){0,600}?\bse\s+(?:v\s+celoti\s+)?(?:zapre|razveljavi|ustavi|prekliče)\b"
    r"|\bse\s+(?:javni\s+)?(?:razpis|poziv)\w*\s+(?:v\s+celoti\s+)?(?:zapre|razveljavi|ustavi|prekliče)\b",
    re.I,
)
# The lead of a page reporting that a body publishes a call ("Občina X objavlja javni razpis za …",
# "… je odprl javni razpis", "… z javnim pozivom vabi", "… je bil v Uradnem listu objavljen javni razpis");
# on a site the body does not own, the page is a news item about the call.
_REPORTED_LEAD = re.compile(
    r"(?P<body>"
    + _BODY_HEAD
    + r"[^.\n]{0,80}?)\s+(?:(?P<present>objavlja|razpisuje)|je\s+(?:danes\s+)?(?:objavil|odprl)\w*|z\s+javn\w+\s+(?:razpis|poziv)\w*\s+vabi)\b"
    r"|\bje\s+bil\w*\s+(?:\S+\s+){0,8}?objavljen\w*\s+(?:\S+\s+){0,2}?(?:javn\w+\s+)?(?:razpis|poziv)",
)
# A post signed by a publishing body is the body's own notice, not a report on it.
_AUTHOR = re.compile(r"^\s*Avtor:\s*(?P<name>[^\n,]{3,80})", re.MULTILINE)
# The page itself invites applications or proposals without calling itself a razpis/poziv:
# "… poziva vsa društva, naj pošljejo vloge", "Predloge zbiramo do …", a participatory budget.
_INVITATION = re.compile(
    r"\bpoziva\b[^.]{0,160}?\b(?:vlog|predlog|prijav)\w*|\b(?:zbiramo|zbiranje|zbirali\s+smo)\s+predlog\w*"
    r"|^\s*predlagaj(?:te)?\b",
    re.I | re.M,
)


def _reported_elsewhere(text: str, url: str | None) -> re.Match[str] | None:
    """The lead sentence reporting a body's call, when the page is not on that body's own site."""
    if not url:
        return None
    m = _REPORTED_LEAD.search(text[:800])
    # "X objavlja javni razpis" over the call's own sections is a republished notice, not a report.
    if not m or (m["present"] and _NOTICE_STRUCTURE.search(text)):
        return None
    owner = host_owner(url)
    if owner and (not m["body"] or canonical(normalise_body(m["body"]) or "") == owner.name):
        return None
    return m


def find_call_type(text: str, title: str | None, gazette_page: bool, url: str | None = None) -> Found | None:
    """`amendment` for changes, `javni_poziv`/`javni_razpis` for the notice itself, `other` for news."""
    head = title or ""
    if re.match(r"\s*(?:sprememb|popravek|dopolnitev|podaljšanje)", head, re.I) or (
        gazette_page and (_AMENDMENT_HEAD.search(text[:3000]) or _AMENDMENT.search(text[:3000]))
    ):
        return Found("amendment", head or "Sprememba")
    ended = _CALL_ENDED.search(text[:3000])
    if ended:
        return Found("amendment", _clean(ended.group(0))[-200:])
    if not gazette_page:
        reported = _reported_elsewhere(text, url)
        if reported:
            return Found("other", _clean(reported.group(0)))
        structured = _NOTICE_STRUCTURE.search(text) or re.search(r"\bobjavlja\b", text[:3000])
        author = _AUTHOR.search(text[:1500])
        own_post = author and _BODY.match(author["name"].strip())
        news = (None if own_post else _NEWS_STRONG.search(text)) or (None if structured else _NEWS.search(text))
        if news:
            return Found("other", _clean(text[max(0, news.start() - 40) : news.end() + 40]))
        if not structured and not re.search(_CALL_WORD, head, re.I):
            invitation = _INVITATION.search(text[:3000])
            if invitation:
                return Found("javni_poziv", _clean(invitation.group(0)))
            return Found("other", head or _clean(text[:80]))
    word = re.search(r"razpis|poziv|povabil|vavčer", head, re.I)  # the first call word names the kind
    if word:
        return Found("javni_razpis" if word.group(0).lower() == "razpis" else "javni_poziv", head)
    m = re.search(r"javn\w+\s+(razpis|poziv)", text[:3000], re.I)
    if m:
        return Found("javni_poziv" if m.group(1).lower() == "poziv" else "javni_razpis", _clean(m.group(0)))
    return Found("other", head or _clean(text[:80]))
