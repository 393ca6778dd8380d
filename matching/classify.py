"""Multi-label domain classifier: notice text -> smart-city domains, each with its evidence.

Terms of the taxonomy are matched on normalised keys (lemma + ending stripped), so inflected and
compound forms count. A term in the title (or, without a title, the opening of the notice) weighs
double; repeats add a little; weak terms only support. A domain is assigned when its score passes
an absolute threshold and is not a side remark next to a much stronger domain. A notice may get
no domain at all. A domain needs at least one strong term: weak terms alone never label it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from matching.normalise import LANGS, TOKEN, detect_language, keys, language_of, notice_body, token_keys
from matching.taxonomy import STRONG, Concept, Term, domains, neutral_phrases, secondary

TITLE_WEIGHT = 2.0
LEAD_CHARS = 400  # without a title, the opening of a notice stands in for it
REPEAT_BONUS, MAX_REPEATS = 0.3, 3
MIN_SCORE = 1.5  # e.g. one strong term in the title, or two in the body
MIN_SHARE = 0.3  # of the best domain's score, so a passing mention does not become a label
PROFILE_MIN_SCORE = 1.5  # one strong term among a firm's interests, or two in its description: a single
# mention in a description is often of its customers ("šole in bolnišnice"), not of its own field


@dataclass
class DomainLabel:
    domain: str
    score: float  # 0-1 confidence
    evidence: list[dict] = field(default_factory=list)  # {"term", "where", "count"}


def _index(concepts: dict[str, Concept]) -> dict[str, list[tuple[str, Term]]]:
    by_first: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for code, concept in concepts.items():
        for term in concept.terms:
            by_first[term.keys[0]].append((code, term))
    for entries in by_first.values():  # longest first, so a phrase wins over its own head word
        entries.sort(key=lambda e: -len(e[1].keys))
    return by_first


@lru_cache(maxsize=8)
def _indexed(kind: str) -> dict[str, list[tuple[str, Term]]]:
    return _index(domains() if kind == "domains" else secondary(kind))


KINDS = ("domains", "s4_areas", "thematic_objectives", "policy_objectives", "applicant_audience", "nace_hints")


@lru_cache(maxsize=1)
def _all_indexed() -> dict[str, list[tuple[str, str, Term]]]:
    """One index over every taxonomy part: key -> (kind, concept, term), longest terms first."""
    out: dict[str, list[tuple[str, str, Term]]] = defaultdict(list)
    for kind in KINDS:
        for key, entries in _indexed(kind).items():
            out[key] += [(kind, code, term) for code, term in entries]
    for entries in out.values():
        entries.sort(key=lambda e: -len(e[2].keys))
    return out


@dataclass
class Analysis:
    """A text read once: its zones as key sequences (neutral names blanked) and the taxonomy terms
    found in each, reused by every taxonomy part and by the matcher's text features."""

    zones: list[tuple[str, list[str], float]]  # (where, keys with stopwords, weight)
    lang: str = "sl"
    _hits: list[dict[str, list[tuple[str, Term]]]] | None = None

    def hits(self, zone: int, kind: str) -> list[tuple[str, Term]]:
        if self._hits is None:
            self._hits = [_hits_all(seq, self.lang) for _, seq, _ in self.zones]
        return self._hits[zone].get(kind, [])


def analyse(title: str, text: str) -> Analysis:
    body = notice_body(text or "")
    if (title or "").strip() and len(title) + len(body) < 2000:  # a short text (a firm profile): tokenise once
        low_title, low_body = title.lower(), body.lower()
        found_title, found_body = TOKEN.findall(low_title), TOKEN.findall(low_body)
        lang = language_of(found_title + found_body, low_title + low_body)
        return Analysis(
            [
                ("title", _blank_neutral(token_keys(found_title, lang)), TITLE_WEIGHT),
                ("text", _blank_neutral(token_keys(found_body, lang)), 1.0),
            ],
            lang,
        )
    lang = detect_language(f"{title}\n{body[:2000]}")
    if (title or "").strip():
        parts = [("title", title, TITLE_WEIGHT), ("text", body, 1.0)]
    else:
        parts = [("lead", body[:LEAD_CHARS], TITLE_WEIGHT), ("text", body[LEAD_CHARS:], 1.0)]
    return Analysis(
        [(where, _blank_neutral(keys(part, lang, drop_stopwords=False)), weight) for where, part, weight in parts], lang
    )


@lru_cache(maxsize=1)
def _neutral_by_first() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for phrase in neutral_phrases():
        out[phrase[0]].append(phrase)
    return out


def _blank_neutral(seq: list[str]) -> list[str]:
    """Replace the words of neutral names (e.g. "Sklad za podnebne spremembe") by a blank."""
    starts = _neutral_by_first()
    if starts.keys().isdisjoint(seq):  # the usual case, decided in C
        return seq
    out = seq
    for i, key in enumerate(seq):
        for phrase in starts.get(key, ()):
            if tuple(out[i : i + len(phrase)]) == phrase:
                out = out if out is not seq else list(seq)
                out[i : i + len(phrase)] = [""] * len(phrase)
    return out


@lru_cache(maxsize=len(LANGS))
def _lang_indexed(lang: str) -> dict[str, tuple[tuple, tuple, tuple]]:
    """_all_indexed without the terms of the other language, per key: the phrases it starts by their
    second key ({key: [(kind, concept, concept id, term), ...] longest first}), then its one-word
    terms as (kind, concept id, (concept, term)) and grouped by kind as (kind, [(concept, term), ...])."""
    ids: dict[tuple[str, str], int] = {}
    out = {}
    for key, entries in _all_indexed().items():
        entries = [
            (kind, code, ids.setdefault((kind, code), len(ids)), term)
            for kind, code, term in entries
            if not term.lang or term.lang == lang
        ]
        phrases: dict[str, tuple] = {}
        for e in entries:
            if len(e[3].keys) > 1:
                phrases[e[3].keys[1]] = (*phrases.get(e[3].keys[1], ()), e)
        first: dict[int, tuple] = {}  # at one position a concept counts one term: the first, as in the scan
        for kind, code, concept, term in entries:
            if len(term.keys) == 1:
                first.setdefault(concept, (kind, concept, (code, term)))
        words = tuple(first.values())
        by_kind: dict[str, list] = {}
        for kind, _, hit in words:
            by_kind.setdefault(kind, []).append(hit)
        if phrases or words:
            out[key] = (phrases, words, tuple(by_kind.items()))
    return out


def _hits_all(seq: list[str], lang: str) -> dict[str, list[tuple[str, Term]]]:
    """Every taxonomy term in a key sequence, for all parts in one pass: kind -> [(concept, term)].
    Within a concept a longer phrase covers its parts and one position counts one term; a term of the
    other language does not count. (A one-word term covers nothing after itself, so only phrases
    need the bookkeeping.)"""
    index = _lang_indexed(lang)
    covered: dict[int, int] = {}
    reach = 0  # the furthest position any phrase found so far covers
    found: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    present = index.keys() & set(seq)
    last = len(seq) - 1
    for i in [i for i, key in enumerate(seq) if key in present]:
        phrases, words, by_kind = index[seq[i]]
        for kind, code, concept, term in phrases.get(seq[i + 1], ()) if phrases and i < last else ():
            n = len(term.keys)
            if i < covered.get(concept, 0) or tuple(seq[i : i + n]) != term.keys:
                continue
            found[kind].append((code, term))
            covered[concept] = i + n
            reach = max(reach, i + n)
        if i < reach:
            for kind, concept, hit in words:
                if i >= covered.get(concept, 0):
                    found[kind].append(hit)
        else:
            for kind, hits in by_kind:
                found[kind].extend(hits)
    return found


def score_concepts(
    title: str, text: str, kind: str = "domains", analysis: Analysis | None = None
) -> dict[str, tuple[float, dict[str, list], bool]]:
    """Raw score, the terms seen ({text: [weight, zone weight, count, where]}) and whether one was
    strong, per concept of a taxonomy part."""
    analysis = analysis or analyse(title, text)
    counts: dict[str, dict[str, list]] = defaultdict(dict)  # concept -> term text -> [weight, factor, count, where]
    for zone, (where, _, factor) in enumerate(analysis.zones):
        for code, term in analysis.hits(zone, kind):
            entry = counts[code].setdefault(term.text, [term.weight, factor, 0, where])
            entry[2] += 1
            if factor > entry[1]:
                entry[1], entry[3] = factor, where
    out = {}
    for code, terms in counts.items():
        total = sum(w * f * (1 + REPEAT_BONUS * min(c - 1, MAX_REPEATS)) for w, f, c, _ in terms.values())
        out[code] = (total, terms, any(w >= STRONG for w, *_ in terms.values()))
    return out


def _evidence(terms: dict[str, list]) -> list[dict]:
    """{term, where, count} of the terms behind a label, strongest first."""
    return [
        {"term": t, "where": where, "count": c}
        for t, (w, f, c, where) in sorted(terms.items(), key=lambda kv: -kv[1][0] * kv[1][1] * kv[1][2])
    ]


def selected_codes(scored: dict[str, tuple[float, dict[str, list], bool]], min_score: float) -> list[str]:
    """The concepts _select would label, without building their evidence (for firm profiles)."""
    if not scored:
        return []
    best = max(s for s, _, _ in scored.values())
    return sorted(
        code for code, (s, _, strong) in scored.items() if strong and s >= min_score and s >= MIN_SHARE * best
    )


def _select(scored: dict[str, tuple[float, dict[str, list], bool]], min_score: float) -> list[DomainLabel]:
    if not scored:
        return []
    best = max(s for s, _, _ in scored.values())
    labels = [
        DomainLabel(code, round(1 - math.exp(-s / 3), 3), _evidence(terms))
        for code, (s, terms, strong) in scored.items()
        if strong and s >= min_score and s >= MIN_SHARE * best
    ]
    return sorted(labels, key=lambda label: -label.score)


def select_labels(
    scored: dict[str, tuple[float, dict[str, list], bool]], min_score: float = MIN_SCORE
) -> list[DomainLabel]:
    """The domain labels of concept scores already computed (as classify_text)."""
    return _select(scored, min_score)


def classify_text(
    title: str, text: str, *, min_score: float = MIN_SCORE, analysis: Analysis | None = None
) -> list[DomainLabel]:
    """Smart-city domains of a notice (possibly none), best first, each with evidence."""
    return _select(score_concepts(title or "", text or "", analysis=analysis), min_score)


def classify_secondary(title: str, text: str, kind: str, analysis: Analysis | None = None) -> list[DomainLabel]:
    """S4 areas (`s4_areas`), thematic (`thematic_objectives`) or policy objectives."""
    return _select(score_concepts(title or "", text or "", kind, analysis), MIN_SCORE)


def classify_baseline(text: str) -> list[str]:
    """The plain baseline: a domain whenever one of its strong keywords occurs as a substring."""
    low = (text or "").lower()
    return [
        code
        for code, concept in domains().items()
        if any(t.weight >= 1.0 and t.text.lower() in low for t in concept.terms)
    ]
