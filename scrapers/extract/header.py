"""The head of a notice: notice number, gazette issue, publication date, publisher, title, type.

Uradni list pages open with `Uradni list RS, št. 118/2023 z dne 24. 11. 2023`, then
`Št. 4300-97/2023-1630-12 Ob-3476/23, Stran 2178`, then `<publisher>, <address> objavlja` /
`javni razpis` / `za <subject>` (or the preamble ends `… objavlja <publisher>`). Other sites
(ministries, agencies, municipalities, news) give a heading line and labelled lines such as
`Razpisovalec: …`, `Datum objave: …`, or report the publication in a sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from scrapers.extract.dates import find_dates, parse_date

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
    r"(?:objav\w+|izšel\w*)[^.\n]{0,60}?Uradn\w+\s+list\w*\s*(?:RS)?,?\s*(?:št\.)\s*(?P<no>\d{1,3})/(?P<year>\d{4})",
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(
    r"(?:datum\s+objave|objavljeno|datum|published(?:\s+on)?|date)\s*:\s*(?P<rest>[^\n]{4,60})", re.IGNORECASE,
)
_PUBLISHED_TODAY = re.compile(r"\bje\s+(?:danes\s+)?(?P<date>\d{1,2}\.\s?\d{1,2}\.\s?\d{4})\s+(?:\S+\s+){0,6}?objavil", re.I)


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
    return Found(f"Ob-{int(m.group(1))}/{m.group(2)}", _clean(text[max(0, m.start() - 40):m.end() + 15]))


def find_gazette(text: str) -> tuple[Found | None, Found | None]:
    """Gazette issue (`74/2022`) and publication date of the issue the notice appeared in."""
    for m in _GAZETTE.finditer(text):
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
    m = _GAZETTE_REPORTED.search(text)
    if m:
        return Found(f"{int(m['no'])}/{m['year']}", _clean(m.group(0))), None
    return None, None


def find_published_on(text: str, gazette_date: Found | None) -> Found | None:
    if gazette_date:
        return gazette_date
    m = _PUBLISHED_LABEL.search(text[:3000])
    if m:
        date = parse_date(m["rest"]) or _day_slash_month(m["rest"])
        if date:
            return Found(date.isoformat(), _clean(m.group(0)))
    m = _PUBLISHED_TODAY.search(text)
    if m:
        return Found(parse_date(m["date"]).isoformat(), _clean(m.group(0)))
    # A date standing alone on one of the first lines of a page is its publication date.
    for line in text.strip().splitlines()[:8]:
        line = line.strip()
        if 6 <= len(line) <= 12:
            dates = find_dates(line)
            if dates and dates[0].start == 0 and dates[0].end >= len(line) - 1:
                return Found(dates[0].value.isoformat(), line)
    return None


def _day_slash_month(text: str) -> dt.date | None:
    """`5/8-2022` as written by some municipal sites."""
    m = re.match(r"\s*(\d{1,2})/(\d{1,2})-(\d{4})", text)
    if not m:
        return None
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


# --- publisher ------------------------------------------------------------------------------------

_BODY_HEAD = (
    r"(?:Republika Slovenija,\s*)?"
    r"(?:Ministrstv\w+|Mestn\w+ občin\w+|Občin\w+|Javn\w+ sklad\w*|Javn\w+ agencij\w+|Eko sklad|Slovensk\w+ \w+ sklad\w*"
    r"|Slovensk\w+ regionaln\w+ razvojn\w+ sklad\w*|Urad\w*|Služb\w+ Vlade|Vlad\w+ Republike Slovenije|Agencij\w+"
    r"|Zavod\w*|Sklad\w*|Regionaln\w+ razvojn\w+ agencij\w+|Združenj\w+|Skupnost\w*|Uprav\w+ Republike Slovenije"
    r"|Lokaln\w+ akcijsk\w+ skupin\w+|LAS|Center|Centr\w+|Fundacij\w+|Direkcij\w+|Inštitut\w*|Komisij\w+|Zbornic\w+"
    r"|European \w+|The European \w+)"
)
_BODY = re.compile(_BODY_HEAD + r"[^\n.;:()«»\"]{0,140}")
# Addresses and bracketed abbreviations end the name: "Ministrstvo za zdravje, Štefanova 5, Ljubljana".
_ADDRESS_PART = re.compile(r"\d|\b(?:ulica|cesta|trg|nabrežje|Ljubljana|Maribor|Kranj|Celje|Koper)\b", re.I)
_PUBLISHER_LABEL = re.compile(
    r"(?:razpisovalec|izvajalec\s+(?:javnega\s+)?(?:razpisa|poziva)|naročnik|objavitelj|publisher|organ,?\s+ki\s+dodeljuje\s+sredstva)"
    r"\s*(?:je|:)\s*(?P<name>[^\n]{3,160})",
    re.IGNORECASE,
)
_SECTION_BODY = re.compile(
    r"(?:naziv|ime)\s+(?:\w+\s+){0,3}?sedež\w*[^\n:]{0,80}?(?::|\n)\s*(?:[^\n]*?(?:je|Naziv)\s*:?\s*)?(?P<name>[^\n]{3,160})",
    re.IGNORECASE,
)
_REPORTING_VERB = re.compile(
    r"\s*(?:\([^)]{1,60}\)\s*)?(?:,\s*)?(?:(?:je|so)\s+(?:\([^)]{1,20}\)\s*)?(?:\w+\s+){0,3}?)?"
    r"(?:objavlja|objavil\w*|objavi\b|razpisuje|obvešča|vabi|has\s+(?:just\s+)?(?:launched|published|opened))",
    re.IGNORECASE,
)


def normalise_body(name: str) -> str | None:
    """`Republika Slovenija, Ministrstvo za zdravje, Štefanova 5, Ljubljana` -> `Ministrstvo za zdravje`."""
    name = re.sub(r"\((?:v\s+nadaljn\w+|v\s+nadaljevanju|v\s+nadalj)[^)]*\)", "", name)
    name = re.sub(r"^\s*(?:Republika Slovenija|RS)\s*,\s*", "", name)
    name = re.sub(r"^\s*The\s+", "", name)
    parts = []
    for part in name.split(","):
        part = part.strip(" -–")
        if not part or _ADDRESS_PART.search(part):
            break
        parts.append(part)
    out = ", ".join(parts)
    out = re.sub(r"\s*\([^)]*\)?\s*$", "", out).strip(" ,")
    out = re.sub(r"\s+(?:je|so|objavlja|objavil\w*)$", "", out)
    return out or None


def find_publisher(text: str) -> Found | None:
    # 1. "… <body>, <address> objavlja" (UL) or "Na podlagi … objavlja <body>, <address>".
    for m in re.finditer(r"\bobjavlja\b", text[:6000]):
        before = text[max(0, m.start() - 300):m.start()]
        line = re.split(r"\n|\)\s+(?=[A-ZČŠŽ])|;\s", before)[-1]
        body = _BODY.search(line)
        if body and body.start() <= 2 and normalise_body(line[body.start():]):
            return Found(normalise_body(line[body.start():]), _clean(line + " objavlja"))
        after = text[m.end():m.end() + 200].split("\n")[0]
        body = re.match(r"\s*(" + _BODY_HEAD + r"[^\n]*)", after)
        if body:
            name = normalise_body(body.group(1))
            if name:
                return Found(name, _clean("objavlja " + after))
    # 2. Labelled lines: "Razpisovalec: …", "Izvajalec razpisa: …", "1. Naziv in sedež …: …".
    for pattern in (_PUBLISHER_LABEL, _SECTION_BODY):
        m = pattern.search(text)
        if m:
            name = normalise_body(re.split(r"\s+\(|\.\s", m["name"])[0])
            if name and _BODY.match(name):
                return Found(name, _clean(m.group(0)))
    # 3. "<Body> je danes … objavil …", "<Body> obvešča …" in news text.
    for body in _BODY.finditer(text[:4000]):
        name_end = _name_end(text, body.start())
        if _REPORTING_VERB.match(text, name_end):
            name = normalise_body(text[body.start():name_end])
            if name:
                return Found(name, _clean(text[body.start():name_end + 40]))
    return None


def _name_end(text: str, start: int) -> int:
    """End of a body's name: before the verb, a bracket or a comma followed by an address."""
    m = re.compile(r"\s+(?:je|so|objav\w+|obvešča|razpisuje|vabi|has)\b|\s*\(|\s*,\s*(?=\S*\d)|[.;\n]").search(text, start)
    return m.start() if m else len(text)


# --- title and call type --------------------------------------------------------------------------

_CALL_WORD = r"(?:javn\w+\s+razpis\w*|javn\w+\s+poziv\w*|razpis\w*|poziv\w*|povabil\w*|vavčer\w*|sprememb\w*|popravek|call\s+for\s+proposals|call)"
_UL_TITLE = re.compile(
    r"^\s*(?P<kind>(?:\d+\.\s+|\w+\s+)?javn\w+\s+(?:razpis|poziv)\w*)\s*(?P<code>[A-Z0-9][\w-]*\d[\w-]*)?\s*\n(?P<rest>(?:[^\n]+\n?){1,3})",
    re.IGNORECASE | re.MULTILINE,
)
_SECTION_START = re.compile(
    r"^\s*(?:[IVX]+\.|\d+\.?\s|Na podlagi|Osnovo|Razpis se objavlja|Predmet|Namen|1\s)", re.IGNORECASE,
)
_AMENDMENT = re.compile(r"objavlja\s+(?:spremembe?|popravek|dopolnitev)\w*\s+(?P<what>(?:javnega|javnih)\s+(?:razpisa|poziva)[^\n]*?«)", re.I)
_BOILERPLATE_LINE = re.compile(
    r"^(?:skoči|skok|show menu|go to|domov|novice|aktualn|vodilna slika|uradni list|številka|kazalo|oznake|"
    r"vam je prispevek|javni razpisi|\d+\s*$|\w{3}\s*$|.{0,3}$)",
    re.IGNORECASE,
)
_QUOTED_CALL = re.compile(r"\b(javn\w+\s+(?:razpis|poziv)\w*)\s+(»[^«]{5,200}«)", re.IGNORECASE)


def find_title(text: str) -> Found | None:
    amendment = _AMENDMENT.search(text)
    if amendment and re.search(r"^\s*Sprememba\s*$", text, re.MULTILINE):
        what = amendment["what"]
        return Found("Sprememba " + what[0].upper() + what[1:], _clean(amendment.group(0)))
    m = _UL_TITLE.search(text)
    if m and (NOTICE_NUMBER.search(text[:m.start() + 1]) or re.search(r"\bobjavlja\s*$", text[:m.start()].rstrip(" \n")[-40:] + "\n", re.I)
              or m.start() < 400):
        lines = []
        for line in m["rest"].splitlines():
            if not line.strip() or _SECTION_START.match(line):
                break
            lines.append(line.strip())
        kind = m["kind"].strip()
        head = kind[0].upper() + kind[1:].lower() + (f" {m['code']}" if m["code"] else "")
        title = _clean(" ".join([head] + lines))
        if lines and len(title) < 500:
            return Found(_trim_title(title), _clean(m.group(0)))
    # Other pages: the first heading-like line that names a call.
    for line in text.strip().splitlines()[:15]:
        line = line.strip()
        if not line or _BOILERPLATE_LINE.match(line) or len(line) > 400:
            continue
        if re.search(_CALL_WORD, line, re.IGNORECASE) and not re.search(r"[.!?]\s*$|:$", line) \
                and not re.match(r"\s*(?:rok|datum|razpisovalec)", line, re.I):
            return Found(_trim_title(_clean(line)), line)
    m = _QUOTED_CALL.search(text)
    if m:
        return Found(m[1][0].upper() + m[1][1:].lower() + " " + m[2], _clean(m.group(0)))
    return None


def _trim_title(title: str) -> str:
    title = re.sub(r"\s*[:–-]\s*(?:€|EUR)\s*\d.*$", "", title)
    return re.sub(r"^(?:the\s+)?", "", title, flags=re.IGNORECASE).strip()


_NEWS = re.compile(
    r"\b(?:je|so)\s+(?:\w+\s+){0,3}?(?:objavil\w*|izšel|izdal\w*|zaključil\w*|zaustavil\w*)|\bobvešča\b|^\s*date\s+\d{4}"
    r"|\bFOTO:|\bFoto:|\bVir:|\bPovzel:|has (?:just )?been published|has just|\bnews\b|article rating|se je izvajal",
    re.IGNORECASE | re.MULTILINE,
)
_NOTICE_STRUCTURE = re.compile(
    r"^\s*(?:rok\w*(?:\s+\w+){0,3}\s*:|razpisovalec\s*:|upravičenci\s*:|vrednost razpisa\s*:|razpisana sredstva\s*:"
    r"|predmet (?:javnega )?(?:razpisa|poziva)|[IVX]+\.\s|\d+\.\s+(?:predmet|namen|pravn|ime|naziv))",
    re.IGNORECASE | re.MULTILINE,
)


def find_call_type(text: str, title: str | None, gazette_page: bool) -> Found | None:
    """`amendment` for changes, `javni_poziv`/`javni_razpis` for the notice itself, `other` for news."""
    head = title or ""
    if re.match(r"\s*(?:sprememb|popravek|dopolnitev|podaljšanje)", head, re.I) or (
            gazette_page and re.search(r"^\s*(?:Sprememba|Popravek)\s*$", text[:1500], re.MULTILINE)):
        return Found("amendment", head or "Sprememba")
    news = _NEWS.search(text) and not _NOTICE_STRUCTURE.search(text)
    if not gazette_page and (news or not re.search(_CALL_WORD, head, re.I)) and not _looks_like_notice(text):
        return Found("other", _clean(_NEWS.search(text).group(0)) if news else head or text[:80])
    if re.search(r"poziv|povabil|vavčer", head, re.I):
        return Found("javni_poziv", head)
    if re.search(r"razpis", head, re.I):
        return Found("javni_razpis", head)
    for kind, code in (("javni poziv", "javni_poziv"), ("javni razpis", "javni_razpis")):
        if re.search(kind, text[:2000], re.I):
            return Found(code, kind)
    return Found("other", head or text[:80])


def _looks_like_notice(text: str) -> bool:
    return bool(_NOTICE_STRUCTURE.search(text)) or bool(re.search(r"\bobjavlja\b", text[:3000]))
