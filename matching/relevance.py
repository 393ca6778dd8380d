"""Relevance and the combined score, vectorised: firms x calls in chunks, never a loop per pair.

relevance = min(1, 0.4 * domain overlap + 0.2 * NACE fit + 0.4 * text similarity)
score     = 100 * relevance * eligibility factor

Every part is a dot product of a firm vector and a call vector, so one matrix product per chunk
of firms scores all calls:
- domain overlap: the firm's domains (declared 1.0, from SKD codes only 0.6) . the call's domain
  confidences (scaled so that several domains cannot add up beyond one);
- NACE fit: how many of the firm's SKD codes the taxonomy ties to each domain / S4 area (a share)
  . the call's domain / S4-area confidences;
- text similarity: TF-IDF cosine of the firm's interests + description and the call's title +
  text on normalised keys, computed in the span of the call vectors (exact up to EXACT_CALLS calls,
  the best rank-TEXT_DIMS approximation above that).
The eligibility factor comes from a table (class of firm x call): firms of one legal form, size
and cohesion region share a row, so eligibility is assessed once per class and call.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.extmath import randomized_svd

from matching.eligibility import CallTerms, FirmClass
from matching.normalise import keys
from matching.taxonomy import domains, nace_domains, nace_divisions, secondary

W_DOMAIN, W_NACE, W_TEXT = 0.4, 0.2, 0.4
TEXT_SCALE = 4.0  # a cosine of 0.25 between a short profile and a long notice is already a close fit
NACE_ONLY_WEIGHT = 0.6  # a domain suggested only by SKD codes counts less than a declared one
FACTOR = {True: 1.0, None: 0.8, False: 0.35}
EXACT_CALLS, TEXT_DIMS = 1000, 128
CHUNK_PAIRS = 40_000_000  # firms per chunk = this / number of calls (bounds peak memory)


@dataclass
class CallProfile:
    call_id: str
    title: str
    text: str
    terms: CallTerms
    domains: dict[str, float] = field(default_factory=dict)  # domain -> confidence 0-1
    s4: dict[str, float] = field(default_factory=dict)  # S4 area -> confidence 0-1
    labels: list = field(default_factory=list)  # matching.classify.DomainLabel, with evidence


@dataclass
class FirmEntry:
    firm_id: str
    name: str
    klass: FirmClass
    nace_codes: list[str]
    description: str
    interests: list[str]
    declared_domains: list[str]  # from interests / description
    domains: list[str]  # declared plus those of the SKD codes


DOMAIN_CODES = tuple(domains())


def _s4_codes() -> tuple[str, ...]:
    return tuple(secondary("s4_areas"))


def firm_doc(firm: FirmEntry) -> str:
    return "\n".join([*firm.interests, *firm.interests, firm.description])


def call_doc(call: CallProfile) -> str:
    return f"{call.title}\n{call.title}\n{call.text}"


def _analyzer(text: str) -> list[str]:
    return keys(text)


def domain_vector(firm: FirmEntry) -> np.ndarray:
    v = np.zeros(len(DOMAIN_CODES), np.float32)
    for i, d in enumerate(DOMAIN_CODES):
        if d in firm.declared_domains:
            v[i] = 1.0
        elif d in firm.domains:
            v[i] = NACE_ONLY_WEIGHT
    return v


def nace_vector(firm: FirmEntry) -> np.ndarray:
    """Share of the firm's SKD codes tied to each domain, then to each S4 area."""
    s4 = _s4_codes()
    v = np.zeros(len(DOMAIN_CODES) + len(s4), np.float32)
    if not firm.nace_codes:
        return v
    divisions = nace_divisions()
    for code in firm.nace_codes:
        for d in nace_domains(code):
            v[DOMAIN_CODES.index(d)] += 1
        division = divisions.get(code[:2])
        for area in (division.s4 if division else ()):
            if area in s4:
                v[len(DOMAIN_CODES) + s4.index(area)] += 1
    return v / len(firm.nace_codes)


def call_vectors(call: CallProfile) -> tuple[np.ndarray, np.ndarray]:
    """(domain part, NACE part) of a call, matching domain_vector and nace_vector."""
    dom = np.array([call.domains.get(d, 0.0) for d in DOMAIN_CODES], np.float32)
    s4 = np.array([call.s4.get(a, 0.0) for a in _s4_codes()], np.float32)
    return dom / max(1.0, float(dom.sum())), np.concatenate([dom, 0.5 * s4])


class TextSpace:
    """TF-IDF over calls and firms, projected on the span of the calls (see module doc)."""

    def __init__(self, call_docs: Sequence[str], firm_docs: Sequence[str]):
        self.vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, dtype=np.float32)
        matrix = self.vectorizer.fit_transform([*call_docs, *firm_docs])
        self.calls = matrix[: len(call_docs)].tocsr()
        self.firms = matrix[len(call_docs):].tocsr()
        if len(call_docs) <= EXACT_CALLS:
            gram = (self.calls @ self.calls.T).toarray().astype(np.float64)
            eigval, eigvec = np.linalg.eigh(gram)
            keep = eigval > 1e-9
            basis = self.calls.T @ (eigvec[:, keep] / np.sqrt(eigval[keep]))
        else:
            _, _, vt = randomized_svd(self.calls, TEXT_DIMS, n_iter=3, random_state=0)
            basis = vt.T
        basis = np.asarray(basis, np.float32)
        self.call_reduced = np.asarray(self.calls @ basis, np.float32)
        self.firm_reduced = np.asarray(self.firms @ basis, np.float32)

    def cosine(self, firm_index: int, call_index: int) -> float:
        return float(self.firms[firm_index].multiply(self.calls[call_index]).sum())


@dataclass
class Ranked:
    firm_index: int
    call_index: int
    score: float


class Matcher:
    """Scores every firm against every call; eligibility from `eligibility_table`."""

    def __init__(self, firms: Sequence[FirmEntry], calls: Sequence[CallProfile],
                 eligibility_table: np.ndarray, class_index: np.ndarray):
        """eligibility_table: classes x calls of -1 / 0 / 1; class_index: the class of each firm."""
        self.firms, self.calls = firms, calls
        self.text = TextSpace([call_doc(c) for c in calls], [firm_doc(f) for f in firms])
        dom_c, nace_c = zip(*(call_vectors(c) for c in calls)) if calls else ((), ())
        self.call_matrix = np.hstack([np.array(dom_c, np.float32).reshape(len(calls), -1),
                                      np.array(nace_c, np.float32).reshape(len(calls), -1),
                                      self.text.call_reduced]).T.copy()  # features x calls
        firm_dom = np.array([domain_vector(f) for f in firms], np.float32).reshape(len(firms), -1)
        firm_nace = np.array([nace_vector(f) for f in firms], np.float32).reshape(len(firms), -1)
        self.firm_matrix = np.hstack([W_DOMAIN * firm_dom, W_NACE * firm_nace,
                                      (W_TEXT * TEXT_SCALE) * self.text.firm_reduced])
        lookup = np.array([FACTOR[False], FACTOR[None], FACTOR[True]], np.float32)
        self.factor = lookup[eligibility_table.astype(np.int64) + 1]  # table: -1 no, 0 unknown, 1 yes
        self.class_index = class_index

    def chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first firm index, scores 0-100 of a block of firms x all calls)."""
        n_calls = max(1, len(self.calls))
        step = max(1, CHUNK_PAIRS // n_calls)
        for start in range(0, len(self.firms), step):
            block = self.firm_matrix[start:start + step] @ self.call_matrix
            np.minimum(block, 1.0, out=block)
            np.maximum(block, 0.0, out=block)
            block *= self.factor[self.class_index[start:start + step]]
            block *= 100.0
            yield start, block

    def top(self, k: int | None) -> Iterator[Ranked]:
        """Best k calls per firm (all calls when k is None), best first."""
        for start, block in self.chunks():
            n = block.shape[1]
            if k is None or k >= n:
                order = np.argsort(-block, axis=1, kind="stable")
            else:
                part = np.argpartition(-block, k - 1, axis=1)[:, :k]
                order = np.take_along_axis(part, np.argsort(-np.take_along_axis(block, part, 1), 1), 1)
            for row in range(block.shape[0]):
                for col in order[row]:
                    yield Ranked(start + row, int(col), float(block[row, col]))

    def components(self, firm_index: int, call_index: int) -> dict[str, float]:
        """The parts of one pair's relevance (for its reasons), each 0-1."""
        firm, call = self.firms[firm_index], self.calls[call_index]
        dom_c, nace_c = call_vectors(call)
        return {
            "domain": float(min(1.0, domain_vector(firm) @ dom_c)),
            "nace": float(min(1.0, nace_vector(firm) @ nace_c)),
            "text": float(min(1.0, TEXT_SCALE * self.text.cosine(firm_index, call_index))),
        }


def relevance_reasons(firm: FirmEntry, call: CallProfile, parts: dict[str, float], call_keys: set[str],
                      lang: str = "sl") -> list[str]:
    """Why the topic fits, in words the firm understands."""
    sl = lang == "sl"
    out = []
    matched = [i for i in firm.interests if _interest_in(i, call_keys)]
    if matched:
        out.append(("ujemanje: " if sl else "match: ") + ", ".join(matched[:5]))
    shared = [d for d in DOMAIN_CODES if d in firm.domains and call.domains.get(d)]
    if shared:
        names = ", ".join(domains()[d].sl if sl else domains()[d].en for d in shared)
        out.append(("skupno področje: " if sl else "shared domain: ") + names)
    if parts["nace"] >= 0.3:
        divisions = nace_divisions()
        fitting = [c for c in firm.nace_codes if set(nace_domains(c)) & set(call.domains)
                   or (divisions.get(c[:2]) and set(divisions[c[:2]].s4) & set(call.s4))]
        if fitting:
            div = divisions[fitting[0][:2]]
            out.append((f"vaša dejavnost ({fitting[0]} {div.sl}) sodi na področje razpisa" if sl
                        else f"your activity ({fitting[0]} {div.en}) belongs to the call's field"))
    if parts["text"] >= 0.5 and not matched:
        out.append("opis vaše dejavnosti je vsebinsko blizu razpisu" if sl
                   else "your activity description is close to the call's text")
    if not out:
        out.append("razpis le malo ustreza vaši dejavnosti" if sl else "the call fits your activity only loosely")
    return out


def _interest_in(interest: str, call_keys: set[str]) -> bool:
    wanted = [k for k in keys(interest) if len(k) > 2]
    if not wanted:
        return False
    found = sum(k in call_keys for k in wanted)
    return found >= max(1, math.ceil(0.6 * len(wanted)))
