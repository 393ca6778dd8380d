"""The gazetteer of publishing bodies (data/reference/publishers.yaml plus the municipalities of
data/reference/municipalities.csv): find a body named in a text in any case form, or the owner of
a web host, and give its canonical name.

Slovenian names inflect ("Ministrstvo za zdravje", "Ministrstva za zdravje", "Ministrstvu za
zdravje"; "Slovenskega podjetniškega sklada"), so a listed name matches by the stem of each word.
Abbreviations ("MKGP", "SPIRIT Slovenija") match as written, whole words only.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml

from fundscout.config import DATA_DIR

REFERENCE_DIR = DATA_DIR / "reference"
# Words that do not inflect or are too short to stem.
_FIXED_WORDS = {"za", "in", "z", "s", "ter", "v", "na", "od", "do", "of", "and", "the", "for", "rs", "go"}


@dataclass(frozen=True)
class Body:
    name: str
    kind: str
    names: tuple[str, ...]
    abbreviations: tuple[str, ...]
    hosts: tuple[str, ...]


def _stem_pattern(name: str) -> str:
    """`Ministrstvo za zdravje` -> a pattern taking `Ministrstva za zdravje`, `Ministrstvom za zdravje`."""
    parts = []
    for word in re.findall(r"[\w.+]+|[,–-]", name):
        if word in ",–-":
            parts.append(r"\s*" + re.escape(word) + r"?\s*")
            continue
        if word.lower() in _FIXED_WORDS or len(word) <= 3 or not word.isalpha() or word.isupper():
            parts.append(re.escape(word))
        else:
            stem = word[:-1] if len(word) <= 5 else word[:-2]
            parts.append(re.escape(stem) + r"\w{0,4}")
        parts.append(r"\s+")
    pattern = "".join(parts)
    pattern = re.sub(r"(?:\\s\+)+$", "", pattern)
    return re.sub(r"\\s\+(\\s\*)", r"\1", pattern)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1)
def bodies() -> tuple[Body, ...]:
    rows = yaml.safe_load((REFERENCE_DIR / "publishers.yaml").read_text(encoding="utf-8"))
    out = [
        Body(
            r["name"],
            r["kind"],
            (r["name"], *r.get("variants", [])),
            tuple(r.get("abbreviations", [])),
            tuple(r.get("hosts", [])),
        )
        for r in rows
    ]
    with (REFERENCE_DIR / "municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            urban = any(a.startswith("Mestna občina") for a in row["aliases"].split(";"))
            plain = re.sub(r"\s*-\s*", "-", row["name"])  # "Hrpelje - Kozina" is written "Hrpelje-Kozina"
            name = ("Mestna občina " if urban else "Občina ") + plain
            slug = _ascii(plain).replace(" ", "-")
            hosts = tuple(dict.fromkeys([f"{slug}.si", f"{slug.replace('-', '')}.si"]))
            out.append(Body(name, "municipality", (name,), (), hosts))
    return tuple(out)


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[re.Pattern[str], Body], ...]:
    """Longest names first, so "Ministrstvo za okolje, podnebje in energijo" wins over "… za okolje"."""
    pairs = []
    full = {b.name.lower() for b in bodies()}
    for body in bodies():
        names = list(body.names)
        short = re.match(r"(Ministrstvo za \w+)\b.", body.name)
        if body.kind == "ministry" and short and short.group(1).lower() not in full:
            names.append(short.group(1))  # "ministrstvo za kmetijstvo" in a news sentence
        for name in names:
            pairs.append((len(name), re.compile(r"(?<!\w)" + _stem_pattern(name) + r"(?!\w)", re.IGNORECASE), body))
        for abbr in body.abbreviations:
            pairs.append((len(abbr), re.compile(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])"), body))
    return tuple((p, b) for _, p, b in sorted(pairs, key=lambda t: -t[0]))


def canonical(name: str) -> str | None:
    """The gazetteer name of a body named by `name`: a listed name written in the nominative as it
    stands, an inflected form or an abbreviation as the canonical name."""
    name = " ".join(name.split())
    for pattern, body in _matchers():
        if pattern.fullmatch(name):
            listed = next((n for n in body.names if n.lower() == name.lower()), None)
            return listed or body.name
    return None


def find_bodies(text: str) -> list[tuple[int, int, Body]]:
    """Every gazetteer body named in `text`: (start, end, body) in text order, overlaps dropped."""
    found: list[tuple[int, int, Body]] = []
    for pattern, body in _matchers():
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), body))
    return sorted(found, key=lambda t: t[0])


def host_owner(url: str | None) -> Body | None:
    """The body that owns the web host of `url` (`ekosklad.si`, `pp.<municipality>.si`)."""
    m = re.match(r"(?:https?://)?([^/?#]+)", url or "")
    if not m:
        return None
    host = m.group(1).lower().split(":")[0]
    host = host[4:] if host.startswith("www.") else host
    best: tuple[int, Body] | None = None
    for body in bodies():
        for owned in body.hosts:
            if (host == owned or host.endswith("." + owned)) and (best is None or len(owned) > best[0]):
                best = (len(owned), body)
    return best[1] if best else None
