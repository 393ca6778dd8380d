"""Signals a page's URL gives: the words of its slug and the call type a gazette slug names.

Sites build the last path segment (or a query value) from the page's heading:
`/javni-poziv-za-sofinanciranje-…-2018/`, `?post=Javni+poziv+…`. Uradni list item URLs end
`/vsebina/2017001300044/<heading words>-st-…-ob-170817`, so their first words tell the kind of
notice even when the excerpt stops inside the "Na podlagi …" preamble.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote_plus, urlparse

_GAZETTE_ITEM = re.compile(r"uradni-list\.si/.*?/vsebina/\d{13}/(?P<slug>[^/?#]+)")
_SLUG_KIND = (
    (
        re.compile(r"^(?:popravek|popravki|sprememb\w*|dopolnitev|dopolnitve|razveljavitev|preklic|podaljsanje)\b"),
        "amendment",
    ),
    (re.compile(r"^(?:\d+-|prvi-|drugi-|tretji-)?javn\w*-razpis"), "javni_razpis"),
    (re.compile(r"^(?:\d+-|prvi-|drugi-|tretji-)?(?:javn\w*-poziv|povabil\w*|javn\w*-povabil\w*)"), "javni_poziv"),
)


def ascii_words(text: str) -> list[str]:
    """Lower-case words without diacritics: `Občini Škofja` -> ['obcini', 'skofja']."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def slug_words(url: str | None) -> set[str]:
    """Words of the URL's path and query values (not the host), of three letters or more."""
    if not url:
        return set()
    parts = urlparse(url)
    raw = unquote_plus(parts.path + " " + " ".join(v for _, _, v in re.findall(r"(\w+)(=)([^&]*)", parts.query)))
    return {w for w in ascii_words(raw) if len(w) >= 3 and not w.isdigit() and w not in {"html", "php", "index"}}


def gazette_slug_kind(url: str | None) -> str | None:
    """`javni_razpis`, `javni_poziv` or `amendment` from a Uradni list item URL, else None."""
    m = _GAZETTE_ITEM.search(url or "")
    if not m:
        return None
    slug = m["slug"].lower()
    for pattern, kind in _SLUG_KIND:
        if pattern.match(slug):
            return kind
    return None


def page_slug_kind(url: str | None) -> str | None:
    """The kind the last path segment of any page's URL begins with (`/sprememba-javnega-razpisa-…/`)."""
    path = urlparse(url or "").path.rstrip("/")
    segment = "-".join(ascii_words(unquote_plus(path.rsplit("/", 1)[-1])))
    segment = re.sub(r"^\d+-(?=[a-z])", "", segment)  # "1545-popravek-…": a CMS item number first
    for pattern, kind in _SLUG_KIND:
        if pattern.match(segment):
            return kind
    return None


def heading_from_slug(text: str, url: str | None, lines: int = 20) -> str | None:
    """The line among a page's first lines whose words the URL slug repeats: the page's heading."""
    words = slug_words(url)
    if len(words) < 2:
        return None
    best: tuple[int, float, str] | None = None
    for line in text.strip().splitlines()[:lines]:
        line = line.strip()
        if not 8 <= len(line) <= 500 or len(line.split()) < 3:  # a topic code alone is no heading
            continue
        own = [w for w in ascii_words(line) if len(w) >= 3 and not w.isdigit()]
        if len(own) < 2:
            continue
        shared = sum(w in words for w in own)
        share = shared / len(own)
        # The heading repeats most of the slug; a section heading ("Namen javnega razpisa") only two words.
        # A heading with an aside the slug leaves out still repeats nearly all of the slug.
        covers = len(words) >= 6 and shared >= 0.8 * len(words) and len(own) <= 2.5 * len(words)
        if shared >= 2 and (share >= 0.6 or covers) and (best is None or (shared, share) > best[:2]):
            best = (shared, share, " ".join(line.split()))
    return best[2] if best else None


def title_from_slug(text: str, url: str | None) -> str | None:
    """A title from a slug that opens with the kind of call (`/javni-razpis-za-financna-produkta-…/`), its
    words spelt as the text spells them (`financna` -> `finančna`, `pf` -> `PF`): for pages whose
    text never repeats their heading. A gazette item's slug ends in its numbers, which are dropped."""
    path = urlparse(url or "").path.rstrip("/")
    words = ascii_words(unquote_plus(path.rsplit("/", 1)[-1]))
    if len(words) < 4 or not any(p.match("-".join(words)) for p, kind in _SLUG_KIND if kind != "amendment"):
        return None
    words = words[: next((i for i, w in enumerate(words) if w in {"st", "ob"} and i > 3), len(words))]
    spelt: dict[str, str] = {}
    for word in re.findall(r"\w+", text):
        plain = ascii_words(word)
        if len(plain) == 1:  # an abbreviation keeps its capitals, other words are lower case in a title
            spelt.setdefault(plain[0], word if word.isupper() and len(word) > 1 else word.lower())
    out = [spelt.get(w, w) for w in words]
    out[0] = out[0].capitalize()
    return " ".join(out)
