"""Firm entries, call profiles and their vectors: the parts of relevance (matching/scoring.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.utils import murmurhash3_32

from fundscout.reference import nace_divisions
from matching.classify import Analysis
from matching.eligibility import CallTerms, FirmClass
from matching.normalise import STOPWORDS
from matching.taxonomy import domains, nace_domains, secondary

NACE_ONLY_WEIGHT = 0.6  # a domain suggested only by SKD codes counts less than a declared one


UNKNOWN_AUDIENCE = 0.3  # a call silent on its applicants: well below a call that speaks to the firm (eligibility first)


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


def purpose_codes() -> tuple[str, ...]:
    return tuple(secondary("thematic_objectives"))


def hint_codes() -> tuple[str, ...]:
    return tuple(secondary("nace_hints"))


@lru_cache(maxsize=65_536)
def code_trades(prefix: str) -> np.ndarray:
    """Which hinted SKD prefixes (taxonomy `nace_hints`) an SKD code, cut to five characters, falls under."""
    return np.array([prefix == h or prefix.startswith(h if "." in h else h + ".") for h in hint_codes()], np.float32)


def _trade_vector(nace_codes: Sequence[str]) -> np.ndarray:
    """Share of the firm's SKD codes under each hinted prefix."""
    if not nace_codes:
        return np.zeros(len(hint_codes()), np.float32)
    return sum(code_trades(code[:5]) for code in nace_codes) / len(nace_codes)


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


AUDIENCE_OF = {"sme": "enterprise", "large_enterprise": "enterprise"}  # APPLICANT_TYPES -> audience code


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
def code_vector(prefix: str) -> np.ndarray:
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
    return sum(code_vector(code[:5]) for code in firm.nace_codes) / len(firm.nace_codes)


def audience_vector(firm: FirmEntry) -> np.ndarray:
    kinds = {AUDIENCE_OF.get(k, k) for k in firm.klass.counts_as} | ({"startup"} if firm.startup else set())
    return np.array([1.0 if code in kinds else 0.0 for code in AUDIENCE_CODES], np.float32)


def call_audience(
    applicant_types: Sequence[str], wording: dict[str, float], guessed: Sequence[str] = ()
) -> dict[str, float]:
    """Extracted eligible applicants when stated; else the audience the wording suggests, where the
    applicants guessed without an eligibility sentence count fully and no class drops below unknown."""
    if not applicant_types and guessed:
        out = {code: UNKNOWN_AUDIENCE for code in AUDIENCE_CODES if code != "startup"}
        out.update({k: max(v, out.get(k, 0.0)) for k, v in wording.items()})
        out.update({AUDIENCE_OF.get(t, t): 1.0 for t in guessed if AUDIENCE_OF.get(t, t) in AUDIENCE_CODES})
        return out
    explicit = {AUDIENCE_OF.get(t, t) for t in applicant_types if t != "other"}
    if explicit:  # the wording still tells whether an SME call is for start-ups
        return {
            **{code: 1.0 for code in explicit if code in AUDIENCE_CODES},
            **({"startup": wording["startup"]} if "startup" in wording else {}),
        }
    if not wording:  # a call that does not say whom it addresses is not thereby for nobody
        return {code: UNKNOWN_AUDIENCE for code in AUDIENCE_CODES if code != "startup"}
    return dict(wording)


def purpose_vector(purposes: dict[str, float]) -> np.ndarray:
    v = np.array([purposes.get(t, 0.0) for t in purpose_codes()], np.float32)
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
    purposes = np.array([call.purposes.get(t, 0.0) for t in purpose_codes()], np.float32)
    trades = np.array([call.trades.get(h, 0.0) for h in hint_codes()], np.float32)
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
    t_index = {t: i for i, t in enumerate(purpose_codes())}.__getitem__
    dom = np.maximum(
        fill(len(DOMAIN_CODES), lambda f: f.domains, d_index, NACE_ONLY_WEIGHT),
        fill(len(DOMAIN_CODES), lambda f: f.declared_domains, d_index),
    )  # declared counts fully
    audience = fill(len(AUDIENCE_CODES), lambda f: f.klass.counts_as, lambda k: a_index[AUDIENCE_OF.get(k, k)])
    audience[:, a_index["startup"]] = np.fromiter((f.startup for f in firms), bool, n)
    purpose = np.zeros((n, len(purpose_codes())), np.float32)
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
    nace = np.asarray(share @ np.array([code_vector(p) for p in table], np.float32), np.float32)
    trade = np.asarray(share @ np.array([code_trades(p) for p in table], np.float32), np.float32).reshape(n, -1)
    enterprise = audience[:, [a_index["enterprise"]]]
    return dom, nace, audience, purpose, trade, np.hstack([enterprise, enterprise * trade])
