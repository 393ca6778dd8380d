"""The domain taxonomy of data/reference/taxonomy.yaml: domains, S4 areas, objectives, SKD hints.

Everything is loaded once and cached; the phrases of the taxonomy are normalised with the same
normaliser as the notices so that a phrase and its inflected forms meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from fundscout.fields import DOMAINS
from fundscout.reference import taxonomy
from matching.normalise import phrase_keys

STRONG, WEAK = 1.0, 0.35  # weight of one occurrence of a strong / weak term


@dataclass(frozen=True)
class Term:
    text: str  # the phrase as written in the taxonomy (shown as evidence)
    keys: tuple[str, ...]  # normalised key sequence
    weight: float
    lang: str | None = None  # "sl" / "en": counts only in texts of that language; None: in any


@dataclass(frozen=True)
class Concept:
    """A domain, S4 area, thematic or policy objective: names plus the terms that signal it."""

    code: str
    sl: str
    en: str
    terms: tuple[Term, ...]
    nace: tuple[str, ...] = ()
    s4: tuple[str, ...] = ()


def _terms(phrases: list[str], weight: float, lang: str | None = None) -> list[Term]:
    """Terms of a phrase list; acronyms and codes (IoT, 5G, API) count in either language."""
    return [
        Term(str(p), k, weight, None if _ACRONYM.fullmatch(str(p)) else lang)
        for p in phrases
        for k in phrase_keys(str(p))
    ]


_ACRONYM = re.compile(r"[A-Z0-9+&.-]{2,}|[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*")


@lru_cache(maxsize=1)
def domains() -> dict[str, Concept]:
    out = {}
    for code, entry in taxonomy()["domains"].items():
        terms = []
        for strength, weight in (("strong", STRONG), ("weak", WEAK)):
            for lang in ("sl", "en"):
                terms += _terms(entry.get(strength, {}).get(lang, []), weight, lang)
        out[code] = Concept(
            code, entry["sl"], entry["en"], tuple(terms), tuple(entry.get("nace", [])), tuple(entry.get("s4", []))
        )
    if set(out) != set(DOMAINS):
        raise ValueError(f"taxonomy.yaml domains {sorted(out)} differ from the fixed codes {sorted(DOMAINS)}")
    return out


@lru_cache(maxsize=4)
def secondary(kind: str) -> dict[str, Concept]:
    """`s4_areas`, `thematic_objectives` or `policy_objectives` as concepts."""
    return {
        str(code): Concept(str(code), e["sl"], e["en"], tuple(_terms(e.get("terms", []), STRONG)))
        for code, e in taxonomy()[kind].items()
    }


@lru_cache(maxsize=1)
def neutral_phrases() -> tuple[tuple[str, ...], ...]:
    """Key sequences of names (funds, laws) whose words must not count for any concept."""
    return tuple(sorted({k for p in taxonomy().get("neutral", []) for k in phrase_keys(str(p))}, key=len, reverse=True))


@lru_cache(maxsize=1)
def adoption_terms() -> frozenset[str]:
    """Domain terms (as written) that describe the applicant's own change, not the call's subject."""
    phrases = frozenset(str(p) for p in taxonomy().get("adoption", []))
    written = {t.text for concept in domains().values() for t in concept.terms}
    if phrases - written:
        raise ValueError(f"taxonomy.yaml adoption terms that no domain lists: {sorted(phrases - written)}")
    return phrases


def s5_areas() -> dict[str, dict[str, str]]:
    return {str(code): dict(e) for code, e in taxonomy()["s5_areas"].items()}


def nace_domains(code: str) -> list[str]:
    """Domains an SKD code suggests: a taxonomy entry `62` or `32.5` matches codes it prefixes."""
    return _nace_domains(code[:5])  # the taxonomy names divisions and classes, never subclasses


@lru_cache(maxsize=65_536)
def _nace_domains(code: str) -> list[str]:
    return [
        d
        for d, concept in domains().items()
        if any(code == p or code.startswith(p + ("" if "." in p else ".")) for p in concept.nace)
    ]
