"""Relevance and the combined score, vectorised: firms x calls in chunks, never a loop per pair.

relevance = clip(0.3 domain overlap + 0.1 NACE fit + 0.15 audience + 0.25 purpose + 0.15 trade
                 - 0.15 trade mismatch + 0.3 text similarity, 0, 1)
score     = 100 * relevance * eligibility factor (1 eligible, 0.85 the call does not say, 0.5 not
            eligible: such a firm may still join as partner or supplier)

Every part is a dot product of a firm vector and a call vector, so a chunk of firms is scored
against all calls by matrix products:
- domain overlap: the firm's domains (declared 1.0, from SKD codes only 0.6) . the call's domain
  confidences (scaled so that several domains cannot add up beyond one; evidence that only says
  the applicant changes its own operations, "digitalizacija MSP", does not count as the subject);
- NACE fit: how many of the firm's SKD codes the taxonomy ties to each domain / S4 area (a share)
  . the call's domain / S4-area confidences;
- audience: whether the call speaks to the firm's kind of organisation (the extracted eligible
  applicants, or else the wording: "podjetja", "občine", "društva" ...) — a general SME call is
  relevant to an SME whose trade no domain covers;
- purpose: what the money is for (thematic objectives: investment, export, start-up, R&D,
  jobs, training ...) . what the firm's interests ask for;
- trade: the SKD divisions or classes the call's subject points to (taxonomy `nace_hints`:
  "toplotna črpalka" -> 28.25, 43.22) . the firm's SKD codes;
- trade mismatch: the share of the trades the call pays for that lie outside an enterprise's own
  SKD codes (a 5G network call is no market for a software house; public bodies and NGOs apply
  as investors, so they are not penalised);
- text similarity: TF-IDF cosine of the firm's interests + description and the call's title +
  text on normalised keys, computed in the span of the call vectors (exact up to EXACT_CALLS calls,
  the best rank-TEXT_DIMS approximation above that).
The eligibility factor comes from a table (class of firm x call): firms of one legal form, size
and cohesion region share a row, so eligibility is assessed once per class and call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.utils import murmurhash3_32
from sklearn.utils.extmath import randomized_svd

from fundscout.reference import nace_divisions
from matching.classify import Analysis
from matching.eligibility import CallTerms, FirmClass
from matching.normalise import STOPWORDS, keys
from matching.taxonomy import domains, nace_domains, secondary

W_DOMAIN, W_NACE, W_AUDIENCE, W_PURPOSE, W_HINT, W_TEXT = 0.3, 0.1, 0.15, 0.25, 0.15, 0.3
W_MISMATCH = 0.15  # a call paying for another trade's work (5G networks) is no market for a software firm
TEXT_SCALE = 4.0  # a cosine of 0.25 between a short profile and a long notice is already a close fit
NACE_ONLY_WEIGHT = 0.6  # a domain suggested only by SKD codes counts less than a declared one
FACTOR = {True: 1.0, None: 0.85, False: 0.5}  # not eligible may still join as partner or supplier
UNKNOWN_AUDIENCE = 0.3  # a call silent on its applicants: well below a call that speaks to the firm (eligibility first)
EXACT_CALLS, TEXT_DIMS = 500, 128
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
    audience: dict[str, float] = field(default_factory=dict)  # applicant_audience code -> 0-1
    purposes: dict[str, float] = field(default_factory=dict)  # thematic objective -> 0-1
    trades: dict[str, float] = field(default_factory=dict)  # nace_hints code -> 0-1
    features: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # text_features ids


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
    purposes: dict[str, float] = field(default_factory=dict)  # thematic objective -> 0-1
    startup: bool = False  # describes itself as a start-up
    features: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # text_features ids


def _to_codes() -> tuple[str, ...]:
    return tuple(secondary("thematic_objectives"))


def _hint_codes() -> tuple[str, ...]:
    return tuple(secondary("nace_hints"))


@lru_cache(maxsize=65_536)
def _code_trades(prefix: str) -> np.ndarray:
    """Which hinted SKD prefixes (taxonomy `nace_hints`) an SKD code, cut to five characters, falls under."""
    return np.array([prefix == h or prefix.startswith(h if "." in h else h + ".") for h in _hint_codes()], np.float32)


def _trade_vector(nace_codes: Sequence[str]) -> np.ndarray:
    """Share of the firm's SKD codes under each hinted prefix."""
    if not nace_codes:
        return np.zeros(len(_hint_codes()), np.float32)
    return sum(_code_trades(code[:5]) for code in nace_codes) / len(nace_codes)


DOMAIN_CODES = tuple(domains())
AUDIENCE_CODES = (
    "enterprise",
    "startup",
    "municipality",
    "ngo",
    "association",
    "public_institute",
    "research_org",
    "natural_person",
)
_AUDIENCE_OF = {"sme": "enterprise", "large_enterprise": "enterprise"}  # APPLICANT_TYPES -> audience code


def _s4_codes() -> tuple[str, ...]:
    return tuple(secondary("s4_areas"))


PREFIX = 5  # truncation stemming: zagonski / zagon, digitalizacija / digitalni share "zagon", "digit"
CONCEPT_KINDS = ("domains", "s4_areas", "thematic_objectives", "policy_objectives")


# Text features are hashed into a fixed space (as scikit-learn's HashingVectorizer), so no
# vocabulary outlives a run or depends on the order calls and firms were seen in.
N_FEATURES = 1 << 20


@lru_cache(maxsize=1 << 18)
def _feature_id(feature: str) -> int:
    return murmurhash3_32(feature, positive=True) & (N_FEATURES - 1)


@lru_cache(maxsize=1 << 18)
def _key_features(key: str) -> tuple[int, ...]:
    """Feature ids of a key: the key itself and its 5-letter prefix; none for a stopword or a
    short key. Cached: a registry repeats its vocabulary, so `map` over it stays in C."""
    if len(key) <= 2 or key in STOPWORDS:
        return ()
    if len(key) > PREFIX + 1 and "-" not in key:
        return (_feature_id(key), _feature_id(key[:PREFIX] + "~"))
    return (_feature_id(key),)


def _concept_feature(code: str) -> int:
    """Id of the feature "@code" of a taxonomy concept."""
    return _feature_id("@" + code)


def text_features(analysis: Analysis) -> np.ndarray:
    """Feature ids for text similarity: normalised keys, their 5-letter prefixes, and one token per
    taxonomy concept a term names ("@S4.2.1"), which bridges Slovenian and English wording. The
    title zone (a call's title, a firm's interests) counts twice."""
    out: list[int] = []
    for index, (_, seq, weight) in enumerate(analysis.zones):
        zone = list(chain.from_iterable(map(_key_features, seq)))
        for kind in CONCEPT_KINDS:
            zone += map(_concept_feature, [code for code, _ in analysis.hits(index, kind)])
        out += zone * 2 if weight > 1 else zone
    return np.array(out, np.int64)


def tfidf(docs: Sequence[np.ndarray]) -> sparse.csr_matrix:
    """Rows of sublinear-tf x smoothed-idf weights, L2-normalised (as scikit-learn's TfidfVectorizer)."""
    n_features = N_FEATURES
    lengths = np.fromiter((len(d) for d in docs), np.int64, len(docs))
    rows = np.repeat(np.arange(len(docs)), lengths)
    cols = np.concatenate(docs) if len(docs) else np.zeros(0, np.int64)
    matrix = sparse.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(docs), n_features))
    matrix.sum_duplicates()
    df = np.bincount(matrix.indices, minlength=n_features)
    idf = (np.log((1 + len(docs)) / (1 + df)) + 1).astype(np.float32)
    matrix.data = (1 + np.log(matrix.data)) * idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ matrix, dtype=np.float32)


def domain_vector(firm: FirmEntry) -> np.ndarray:
    v = np.zeros(len(DOMAIN_CODES), np.float32)
    for i, d in enumerate(DOMAIN_CODES):
        if d in firm.declared_domains:
            v[i] = 1.0
        elif d in firm.domains:
            v[i] = NACE_ONLY_WEIGHT
    return v


@lru_cache(maxsize=65_536)
def _code_vector(prefix: str) -> np.ndarray:
    """Domains and S4 areas of an SKD code, by its first five characters (the taxonomy's finest level)."""
    s4 = _s4_codes()
    v = np.zeros(len(DOMAIN_CODES) + len(s4), np.float32)
    for d in nace_domains(prefix):
        v[DOMAIN_CODES.index(d)] = 1
    division = nace_divisions().get(prefix[:2])
    for area in division.s4 if division else ():
        if area in s4:
            v[len(DOMAIN_CODES) + s4.index(area)] = 1
    return v


def nace_vector(firm: FirmEntry) -> np.ndarray:
    """Share of the firm's SKD codes tied to each domain, then to each S4 area."""
    if not firm.nace_codes:
        return np.zeros(len(DOMAIN_CODES) + len(_s4_codes()), np.float32)
    return sum(_code_vector(code[:5]) for code in firm.nace_codes) / len(firm.nace_codes)


def audience_vector(firm: FirmEntry) -> np.ndarray:
    kinds = {_AUDIENCE_OF.get(k, k) for k in firm.klass.counts_as} | ({"startup"} if firm.startup else set())
    return np.array([1.0 if code in kinds else 0.0 for code in AUDIENCE_CODES], np.float32)


def call_audience(applicant_types: Sequence[str], wording: dict[str, float]) -> dict[str, float]:
    """Extracted eligible applicants when known, else the audience the wording suggests."""
    explicit = {_AUDIENCE_OF.get(t, t) for t in applicant_types if t != "other"}
    if explicit:  # the wording still tells whether an SME call is for start-ups
        return {
            **{code: 1.0 for code in explicit if code in AUDIENCE_CODES},
            **({"startup": wording["startup"]} if "startup" in wording else {}),
        }
    if not wording:  # a call that does not say whom it addresses is not thereby for nobody
        return {code: UNKNOWN_AUDIENCE for code in AUDIENCE_CODES if code != "startup"}
    return dict(wording)


def purpose_vector(purposes: dict[str, float]) -> np.ndarray:
    v = np.array([purposes.get(t, 0.0) for t in _to_codes()], np.float32)
    return v / max(1.0, float(v.sum()))


def mismatch_vector(is_enterprise: float, trade: np.ndarray) -> np.ndarray:
    """Firm side of the trade mismatch: whether it is an enterprise, then its trade shares (if so)."""
    return np.concatenate([[is_enterprise], is_enterprise * trade]).astype(np.float32)


def _is_enterprise(firm: FirmEntry) -> float:
    return 1.0 if "enterprise" in firm.klass.counts_as else 0.0


def firm_vectors(firm: FirmEntry) -> tuple[np.ndarray, ...]:
    trade = _trade_vector(firm.nace_codes)
    return (
        domain_vector(firm),
        nace_vector(firm),
        audience_vector(firm),
        purpose_vector(firm.purposes),
        trade,
        mismatch_vector(_is_enterprise(firm), trade),
    )


def call_vectors(call: CallProfile) -> tuple[np.ndarray, ...]:
    """The parts of a call, matching firm_vectors. The mismatch part is sum(p) - p . trade shares, with
    p the call's trade confidences (at most one in all): how much of the trade the call pays for
    lies outside an enterprise's own trades."""
    dom = np.array([call.domains.get(d, 0.0) for d in DOMAIN_CODES], np.float32)
    s4 = np.array([call.s4.get(a, 0.0) for a in _s4_codes()], np.float32)
    audience = np.array([call.audience.get(a, 0.0) for a in AUDIENCE_CODES], np.float32)
    purposes = np.array([call.purposes.get(t, 0.0) for t in _to_codes()], np.float32)
    trades = np.array([call.trades.get(h, 0.0) for h in _hint_codes()], np.float32)
    pays = trades / max(1.0, float(trades.sum()))
    return (
        dom / max(1.0, float(dom.sum())),
        np.concatenate([dom, 0.5 * s4]),
        audience,
        purposes,
        trades,
        np.concatenate([[pays.sum()], -pays]).astype(np.float32),
    )


def firm_matrices(firms: Sequence[FirmEntry]) -> tuple[np.ndarray, ...]:
    """firm_vectors of many firms as matrices, built from flat index arrays (one pass over the
    firms per part, no per-firm arrays); the SKD-code parts are a sparse (firms x distinct code
    prefixes) share matrix times the table of those prefixes."""
    n = len(firms)

    def flat(items: Callable[[FirmEntry], Sequence], code: Callable[[Any], int]) -> tuple[np.ndarray, np.ndarray]:
        counts = np.fromiter((len(items(f)) for f in firms), np.int64, n)
        columns = np.fromiter((code(x) for f in firms for x in items(f)), np.int64, int(counts.sum()))
        return np.repeat(np.arange(n), counts), columns

    def fill(
        width: int, items: Callable[[FirmEntry], Sequence], code: Callable[[Any], int], value: float = 1.0
    ) -> np.ndarray:
        out = np.zeros((n, width), np.float32)
        rows, columns = flat(items, code)
        out[rows, columns] = value
        return out

    d_index = {d: i for i, d in enumerate(DOMAIN_CODES)}.__getitem__
    a_index = {a: i for i, a in enumerate(AUDIENCE_CODES)}
    t_index = {t: i for i, t in enumerate(_to_codes())}.__getitem__
    dom = np.maximum(
        fill(len(DOMAIN_CODES), lambda f: f.domains, d_index, NACE_ONLY_WEIGHT),
        fill(len(DOMAIN_CODES), lambda f: f.declared_domains, d_index),
    )  # declared counts fully
    audience = fill(len(AUDIENCE_CODES), lambda f: f.klass.counts_as, lambda k: a_index[_AUDIENCE_OF.get(k, k)])
    audience[:, a_index["startup"]] = np.fromiter((f.startup for f in firms), bool, n)
    purpose = np.zeros((n, len(_to_codes())), np.float32)
    rows, columns = flat(lambda f: list(f.purposes), t_index)
    purpose[rows, columns] = np.fromiter((v for f in firms for v in f.purposes.values()), np.float32, len(rows))
    purpose /= np.maximum(1.0, purpose.sum(axis=1, keepdims=True))

    prefixes: dict[str, int] = {}
    rows, columns = flat(lambda f: f.nace_codes, lambda c: prefixes.setdefault(c[:5], len(prefixes)))
    counts = np.bincount(rows, minlength=n)
    share = sparse.csr_matrix(
        (1.0 / counts[rows].astype(np.float32), (rows, columns)), shape=(n, max(1, len(prefixes))), dtype=np.float32
    )
    share.sum_duplicates()  # a firm with two codes of one prefix: their shares add, as per code
    table = list(prefixes) or ["00"]
    nace = np.asarray(share @ np.array([_code_vector(p) for p in table], np.float32), np.float32)
    trade = np.asarray(share @ np.array([_code_trades(p) for p in table], np.float32), np.float32).reshape(n, -1)
    enterprise = audience[:, [a_index["enterprise"]]]
    return dom, nace, audience, purpose, trade, np.hstack([enterprise, enterprise * trade])


PART_WEIGHTS = {
    "domain": W_DOMAIN,
    "nace": W_NACE,
    "audience": W_AUDIENCE,
    "purpose": W_PURPOSE,
    "trade": W_HINT,
    "mismatch": -W_MISMATCH,
}


class TextSpace:
    """TF-IDF over calls and firms, projected on the span of the calls (see module doc)."""

    def __init__(self, call_docs: Sequence[np.ndarray], firm_docs: Sequence[np.ndarray]):
        matrix = tfidf([*call_docs, *firm_docs])
        self.calls = matrix[: len(call_docs)].tocsr()
        self.firms = matrix[len(call_docs) :].tocsr()
        # Up to EXACT_CALLS calls the cosines are computed exactly from the sparse rows; above,
        # in the best rank-TEXT_DIMS approximation of the call space (firms projected onto it).
        self.exact = len(call_docs) <= EXACT_CALLS
        # Only features that both sides use can add to a firm-call cosine; the rest (already
        # counted in the row norms) would only enlarge the products.
        shared = np.intersect1d(np.unique(self.calls.indices), np.unique(self.firms.indices))
        calls, firms = self.calls[:, shared], self.firms[:, shared]
        if self.exact:
            self.shared_calls_t, self.shared_firms = calls.T.tocsc(), firms
        else:
            _, _, vt = randomized_svd(calls, TEXT_DIMS, n_iter=2, random_state=0)
            basis = np.asarray(vt.T, np.float32)
            self.call_reduced = np.asarray(calls @ basis, np.float32)
            self.firm_reduced = np.asarray(firms @ basis, np.float32)

    def block(self, start: int, stop: int) -> np.ndarray:
        """Exact cosines of firms start:stop x all calls (small call sets)."""
        return (self.shared_firms[start:stop] @ self.shared_calls_t).toarray()

    def cosine(self, firm_index: int, call_index: int) -> float:
        return float(self.firms[firm_index].multiply(self.calls[call_index]).sum())


def top_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(columns, values) of the k largest entries of each row, best first; exact.

    A row's k-th largest value among a strided sample of its columns is a lower bound of its
    k-th largest value overall, so only entries at or above it can be in the top k: one cheap
    comparison pass leaves a few candidates per row, and only those are sorted (in a padded
    rows x candidates matrix, so no sort of all candidates together)."""
    rows, n = block.shape
    k = min(k, n)
    stride = max(1, n // (100 * k))
    sample = block[:, ::stride]
    if stride == 1 or sample.shape[1] < k:
        part = np.argpartition(block, n - k, axis=1)[:, n - k :]
    else:
        bound = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
        hit_rows, hit_cols = np.nonzero(block >= bound[:, None])
        counts = np.bincount(hit_rows, minlength=rows)
        if counts.max() > n // 4:  # many ties at the bound (e.g. a row of zeros): partition instead
            part = np.argpartition(block, n - k, axis=1)[:, n - k :]
        else:  # candidates laid out row by row (nonzero keeps row order), padded, then partitioned
            first = np.concatenate([[0], np.cumsum(counts)[:-1]])
            slot = np.arange(len(hit_rows)) - np.repeat(first, counts)
            width = int(counts.max())
            values = np.full((rows, width), -np.inf, np.float32)
            columns = np.zeros((rows, width), np.int64)
            values[hit_rows, slot] = block[hit_rows, hit_cols]
            columns[hit_rows, slot] = hit_cols
            best = np.argsort(-values, axis=1, kind="stable")[:, :k]  # ties: the earlier column, as before
            part = np.take_along_axis(columns, best, 1)
    values = np.take_along_axis(block, part, 1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, 1), np.take_along_axis(values, order, 1)


@dataclass
class Ranked:
    firm_index: int
    call_index: int
    score: float


class Matcher:
    """Scores every firm against every call; eligibility from `eligibility_table`."""

    def __init__(
        self,
        firms: Sequence[FirmEntry],
        calls: Sequence[CallProfile],
        eligibility_table: np.ndarray,
        class_index: np.ndarray,
    ):
        """eligibility_table: classes x calls of -1 / 0 / 1; class_index: the class of each firm."""
        self.firms, self.calls = firms, calls
        self.text = TextSpace([c.features for c in calls], [f.features for f in firms])
        weights = tuple(PART_WEIGHTS.values())
        call_parts = [call_vectors(c) for c in calls]
        call_matrix = np.hstack(
            [np.array([p[i] for p in call_parts], np.float32).reshape(len(calls), -1) for i in range(len(weights))]
        )
        firm_matrix = np.hstack([w * part for w, part in zip(weights, firm_matrices(firms))])
        if not self.text.exact:  # one matrix product scores every part, text included
            call_matrix = np.hstack([call_matrix, self.text.call_reduced])
            firm_matrix = np.hstack([firm_matrix, (W_TEXT * TEXT_SCALE) * self.text.firm_reduced])
        self.call_matrix = np.ascontiguousarray(call_matrix.T)  # features x calls
        self.firm_matrix = np.ascontiguousarray(firm_matrix, np.float32)
        lookup = 100 * np.array([FACTOR[False], FACTOR[None], FACTOR[True]], np.float32)
        self.factor = lookup[eligibility_table.astype(np.int64) + 1]  # table: -1 no, 0 unknown, 1 yes
        self.class_index = class_index

    def chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first firm index, scores 0-100 of a block of firms x all calls)."""
        n_calls = max(1, len(self.calls))
        step = max(1, CHUNK_PAIRS // n_calls)
        factors = np.empty((min(step, len(self.firms)), len(self.calls)), np.float32)  # reused: no page faults
        for start in range(0, len(self.firms), step):
            block = self.firm_matrix[start : start + step] @ self.call_matrix
            if self.text.exact:
                block += (W_TEXT * TEXT_SCALE) * self.text.block(start, start + step)
            np.clip(block, 0.0, 1.0, out=block)
            rows = factors[: len(block)]
            np.take(self.factor, self.class_index[start : start + step], axis=0, out=rows)
            block *= rows
            yield start, block

    def top(self, k: int | None) -> Iterator[Ranked]:
        """Best k calls per firm (all calls when k is None), best first."""
        for start, block in self.chunks():
            n = block.shape[1]
            if k is None or k >= n:
                order = np.argsort(-block, axis=1, kind="stable")
            else:
                order, _ = top_k(block, k)
            for row in range(block.shape[0]):
                for col in order[row]:
                    yield Ranked(start + row, int(col), float(block[row, col]))

    def components(self, firm_index: int, call_index: int) -> dict[str, float]:
        """The parts of one pair's relevance (for its reasons), each 0-1."""
        firm, call = self.firms[firm_index], self.calls[call_index]
        firm_v, call_v = firm_vectors(firm), call_vectors(call)
        return {
            **{name: float(min(1.0, f @ c)) for name, f, c in zip(PART_WEIGHTS, firm_v, call_v)},
            "text": float(min(1.0, TEXT_SCALE * self.text.cosine(firm_index, call_index))),
        }


def relevance_reasons(
    firm: FirmEntry, call: CallProfile, parts: dict[str, float], call_keys: set[str], lang: str = "sl"
) -> list[str]:
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
        fitting = [
            c
            for c in firm.nace_codes
            if set(nace_domains(c)) & set(call.domains)
            or (divisions.get(c[:2]) and set(divisions[c[:2]].s4) & set(call.s4))
        ]
        if fitting:
            div = divisions[fitting[0][:2]]
            out.append(
                f"vaša dejavnost ({fitting[0]} {div.sl}) sodi na področje razpisa"
                if sl
                else f"your activity ({fitting[0]} {div.en}) belongs to the call's field"
            )
    if parts["audience"] >= 0.5:
        kinds = [
            a
            for a in AUDIENCE_CODES
            if audience_vector(firm)[AUDIENCE_CODES.index(a)] and call.audience.get(a, 0) >= 0.5
        ]
        if kinds:
            audience = secondary("applicant_audience")[kinds[0]]
            out.append(f"razpis nagovarja: {audience.sl}" if sl else f"the call addresses: {audience.en}")
    if parts["purpose"] >= 0.2:
        objectives = secondary("thematic_objectives")
        common = [t for t in _to_codes() if firm.purposes.get(t, 0) >= 0.3 and call.purposes.get(t, 0) >= 0.3]
        if common:
            names = "; ".join(objectives[t].sl if sl else objectives[t].en for t in common[:2])
            out.append(
                ("namen sredstev ustreza vašim načrtom: " if sl else "the purpose of the funds fits your plans: ")
                + names
            )
    if parts["trade"] >= 0.3:
        hints = secondary("nace_hints")
        trades = [
            h
            for h in _hint_codes()
            if call.trades.get(h, 0) >= 0.3
            and any(_code_trades(c[:5])[_hint_codes().index(h)] for c in firm.nace_codes)
        ]
        if trades:
            names = ", ".join(hints[h].sl if sl else hints[h].en for h in trades[:2])
            out.append(("razpis zadeva vašo dejavnost: " if sl else "the call concerns your trade: ") + names)
    if parts["text"] >= 0.5 and not matched:
        out.append(
            "opis vaše dejavnosti je vsebinsko blizu razpisu"
            if sl
            else "your activity description is close to the call's text"
        )
    if not out:
        out.append("razpis le malo ustreza vaši dejavnosti" if sl else "the call fits your activity only loosely")
    return out


def _interest_in(interest: str, call_keys: set[str]) -> bool:
    wanted = [k for k in keys(interest) if len(k) > 2]
    if not wanted:
        return False
    found = sum(k in call_keys for k in wanted)
    return found >= max(1, math.ceil(0.75 * len(wanted)))  # "polnilnice za avtobuse" needs the buses too
