"""Text normalisation for Slovenian and English, shared by the classifier and the matcher.

A text becomes a list of *keys*: lower-cased tokens, lemmatised with simplemma in the text's
language, then stripped of inflectional endings so that forms simplemma does not know
("polnilne", "širokopasovnih") still meet their base form. Diacritics are kept (č, š, ž carry
meaning). A hyphenated compound keeps its prefix and lemmatises its head ("e-storitve" ->
"e-storitev"); spaced hyphens ("Gorenja vas - Poljane") are separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import simplemma

LANGS = ("sl", "en")
TOKEN = re.compile(r"\w+(?:-\w+)*")

# Function words only: topic words that are merely common are down-weighted by IDF instead.
STOPWORDS = frozenset(
    """
a ali in ter pa da je so bo bi biti sem si smo ste se ne ni na v vo z s za o od do po pri iz k h
ki kar ko če kot tudi še le že pred med nad pod brez zaradi glede skladno tem ta to te ti tega teh
tej ter njihov njegov njen svoj vsak več manj lahko mora morajo oziroma oz npr itd št leta leto
the of and or to in on at by for with from as is are was were be been this that these those it its
an a their his her our your we you they not no all any each which who whom whose will shall can may
""".split()
)

_ENDINGS = ("ega", "emu", "imi", "ama", "ami", "ih", "im", "ov", "om", "ah", "em", "a", "e", "i", "o", "u")
_VOWELS = set("aeiou")


def stem(word: str) -> str:
    """Strip one inflectional ending; undo the fleeting e of adjectives (javen -> javn)."""
    if len(word) > 4 and word.endswith("en") and word[-3] not in _VOWELS:
        return word[:-2] + "n"
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=200_000)
def token_key(token: str, lang: str = "sl") -> str:
    """Normalised key of one lower-cased token."""
    if "-" in token:
        *prefix, head = token.split("-")
        return "-".join([*prefix, token_key(head, lang)]) if head else token
    if token.isdigit() or len(token) < 3:
        return token
    lemma = simplemma.lemmatize(token, lang=lang)
    if lang == "sl" and lemma.endswith(("ti", "či")) and not token.endswith(("ti", "či")):
        # Read an ambiguous form as a noun ("postaja" is a station far more often than "becomes"):
        # calls and firm profiles speak in nouns.
        lemma = token
    return stem(lemma)


_SL_MARKERS = frozenset("in za je na ki se so ter pri od do iz bo ali kot tudi ob po".split())
_EN_MARKERS = frozenset("the and of to for is are with on by from this that be will has have".split())


def detect_language(text: str) -> str:
    """'sl' or 'en' by function words and č/š/ž (Slovenian when unsure: most notices are Slovenian).

    Routing needs only these two languages, and this is a hundred times faster than a
    general detector, which matters for registries of 100,000s of firms."""
    sample = text[:3000].lower()
    return language_of(TOKEN.findall(sample), sample)


def language_of(words: Iterable[str], lowered: str) -> str:
    """detect_language on tokens already found in a lower-cased text (no second tokenising)."""
    words = set(words)
    sl = len(words & _SL_MARKERS) + 2 * sum(lowered.count(ch) for ch in "čšž")
    return "en" if len(words & _EN_MARKERS) > sl else "sl"


def token_keys(found: Iterable[str], lang: str) -> list[str]:
    """Keys of tokens already found (stopwords kept)."""
    return list(map(_KEYS[lang].__getitem__, found))


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated compounds stay one token."""
    return TOKEN.findall(text.lower())


class _KeyCache(dict):
    """token -> key of one language, filled on first sight: a registry repeats its vocabulary
    heavily, so each distinct token is lemmatised once, and `map` over the cache runs in C."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def __missing__(self, token: str) -> str:
        key = self[token] = token_key(token, self.lang)
        return key


_KEYS = {lang: _KeyCache(lang) for lang in LANGS}


def keys(text: str, lang: str | None = None, *, drop_stopwords: bool = True) -> list[str]:
    """Normalised keys of a text, in order."""
    lang = lang or detect_language(text)
    found = tokens(text)
    if drop_stopwords:
        found = [t for t in found if t not in STOPWORDS]
    return list(map(_KEYS[lang].__getitem__, found))


def phrase_keys(phrase: str) -> tuple[tuple[str, ...], ...]:
    """The key sequences a taxonomy phrase may appear as (Slovenian and English lemmatisation)."""
    variants = {tuple(keys(phrase, lang, drop_stopwords=False)) for lang in LANGS}
    return tuple(v for v in variants if v)


# Lines citing legal bases ("– Zakon o ... (Uradni list RS, št. ...)", "Uredba (EU) št. ...")
# name laws, not the call's subject; their words would mislead the classifier.
_CITATION = re.compile(r"Uradni list RS, št\.|\(UL L|\bUL L\b|\bOJ L\b|Official Journal", re.I)
_LEGAL_HEAD = re.compile(r"^\s*[–—-]?\s*(Zakon|Uredb|Pravilnik|Odlok|Sklep|Direktiv|Regulation|Directive)", re.I)


_CITATION_MARKS = ("uradni list", "ul l", "oj l", "official journal")


def _may_cite(text: str) -> bool:
    """Whether _CITATION can match (substring tests first: most profiles cite nothing)."""
    low = text.lower()
    return any(mark in low for mark in _CITATION_MARKS) and _CITATION.search(text) is not None


def notice_body(text: str) -> str:
    """The notice text without the lines that only cite legal bases or gazette headers."""
    if "\n" not in text and not _LEGAL_HEAD.match(text) and not _may_cite(text):
        return text  # one plain line (a firm profile, a summary): nothing to drop
    kept = []
    for line in text.splitlines():
        if _LEGAL_HEAD.match(line) or (_CITATION.search(line) and len(line) < 400):
            continue
        kept.append(line)
    return "\n".join(kept)
