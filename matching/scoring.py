"""Relevance and the combined score, vectorised: firms x calls in chunks, never a loop per pair.

score = 100 * link(intercept + w . parts + eligibility offset) * eligibility factor, with the
weights of the ranking model (matching/model.py; the shipped one is fitted on graded judgments
by `fundscout train`, matching/learn.py). The parts:

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
The eligibility offset and factor come from a table (class of firm x call): firms of one legal
form, size and cohesion region share a row, so eligibility is assessed once per class and call.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.utils.extmath import randomized_svd

from matching.features import CallProfile, FirmEntry, call_vectors, firm_matrices, firm_vectors, tfidf
from matching.model import FEATURES, PARTS, TEXT_SCALE, RankingModel, apply_link, load_model

__all__ = ["FEATURES", "PARTS", "TEXT_SCALE", "Matcher", "Ranked", "TextSpace", "top_k"]

EXACT_CALLS, TEXT_DIMS = 500, 128


CHUNK_PAIRS = 40_000_000  # firms per chunk = this / number of calls (bounds peak memory)


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
        hit_rows, hit_cols = np.divmod(np.flatnonzero(block >= bound[:, None]), n)  # 1-D: far faster
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
    """Scores every firm against every call; eligibility from `eligibility_table`, weights from `model`."""

    def __init__(
        self,
        firms: Sequence[FirmEntry],
        calls: Sequence[CallProfile],
        eligibility_table: np.ndarray,
        class_index: np.ndarray,
        model: RankingModel | None = None,
    ):
        """eligibility_table: classes x calls of -1 / 0 / 1; class_index: the class of each firm;
        model: the ranking model (default: the shipped one, matching.model.load_model())."""
        self.firms, self.calls = firms, calls
        self.model = model = model or load_model()
        self.text = TextSpace([c.features for c in calls], [f.features for f in firms])
        weights = [model.weights[name] for name in PARTS]
        self.text_weight = model.weights["text"] * TEXT_SCALE
        call_parts = [call_vectors(c) for c in calls]
        call_matrix = np.hstack(
            [np.array([p[i] for p in call_parts], np.float32).reshape(len(calls), -1) for i in range(len(PARTS))]
        )
        self.firm_parts = firm_parts = firm_matrices(firms)  # unweighted, for pair_features
        firm_matrix = np.hstack([w * part for w, part in zip(weights, firm_parts)])
        if not self.text.exact:  # one matrix product scores every part, text included
            call_matrix = np.hstack([call_matrix, self.text.call_reduced])
            firm_matrix = np.hstack([firm_matrix, self.text_weight * self.text.firm_reduced])
        self.call_matrix = np.ascontiguousarray(call_matrix.T)  # features x calls
        self.firm_matrix = np.ascontiguousarray(firm_matrix, np.float32)
        codes = eligibility_table.astype(np.int64) + 1  # table: -1 no, 0 unknown, 1 yes
        self.verdicts = eligibility_table
        offsets = model.offsets() + np.float32(model.intercept)
        self.offset = offsets[codes] if np.any(offsets) else None
        factors = model.factors()
        self.factor = factors[codes] if np.ptp(factors) else None
        self.scale = float(factors[0])
        self.class_index = class_index

    def _linear(self) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """(first firm index, linear scores of a block of firms x all calls before the link, a
        reusable scratch array of the block's shape)."""
        n_calls = max(1, len(self.calls))
        step = max(1, CHUNK_PAIRS // n_calls)
        lookup = np.empty((min(step, len(self.firms)), len(self.calls)), np.float32)  # reused: no page faults
        for start in range(0, len(self.firms), step):
            block = self.firm_matrix[start : start + step] @ self.call_matrix
            if self.text.exact:
                block += self.text_weight * self.text.block(start, start + step)
            rows = lookup[: len(block)]
            if self.offset is not None:
                # mode="clip": the indices are valid, and without it `out` is written through a buffer
                np.take(self.offset, self.class_index[start : start + step], axis=0, out=rows, mode="clip")
                block += rows
            yield start, block, rows

    def chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first firm index, scores 0-100 of a block of firms x all calls)."""
        for start, block, rows in self._linear():
            apply_link(self.model.link, block)
            if self.factor is not None:
                np.take(self.factor, self.class_index[start : start + len(block)], axis=0, out=rows, mode="clip")
                block *= rows
            else:
                block *= self.scale
            yield start, block

    def top_blocks(self, k: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """(first firm index, columns, scores 0-100) of each block's best k calls per firm, best first.
        When the eligibility factor is one for every verdict (fitted models), the link, which keeps
        the order, is applied to the kept scores only, not to every pair."""
        if self.factor is not None:
            for start, block in self.chunks():
                yield start, *top_k(block, k)
            return
        for start, block, _ in self._linear():
            columns, values = top_k(block, k)
            values = apply_link(self.model.link, np.ascontiguousarray(values, np.float32)) * np.float32(self.scale)
            yield start, columns, values

    def pair_features(self) -> np.ndarray:
        """FEATURES of every pair, (firms x calls) rows, firm-major: what the model weighs. For
        evaluation and training (small sets: the whole array is made at once)."""
        n_firms, n_calls = len(self.firms), len(self.calls)
        call_t = self.call_matrix
        out = np.zeros((n_firms, n_calls, len(FEATURES)), np.float32)
        column = 0
        for index, part in enumerate(self.firm_parts):
            width = part.shape[1]
            out[:, :, index] = part @ call_t[column : column + width]
            column += width
        if self.text.exact:
            cosine = self.text.block(0, n_firms)
        else:
            cosine = self.text.firm_reduced @ self.text.call_reduced.T
        out[:, :, len(PARTS)] = TEXT_SCALE * cosine
        verdicts = self.verdicts[self.class_index]
        out[:, :, len(PARTS) + 1] = verdicts != 1
        out[:, :, len(PARTS) + 2] = verdicts == -1
        return out.reshape(n_firms * n_calls, len(FEATURES))

    def top(self, k: int | None) -> Iterator[Ranked]:
        """Best k calls per firm (all calls when k is None), best first."""
        if k is not None and k < len(self.calls):
            for start, columns, values in self.top_blocks(k):
                for row in range(columns.shape[0]):
                    for col, value in zip(columns[row].tolist(), values[row].tolist()):
                        yield Ranked(start + row, col, value)
            return
        for start, block in self.chunks():
            order = np.argsort(-block, axis=1, kind="stable")
            for row in range(block.shape[0]):
                for col in order[row]:
                    yield Ranked(start + row, int(col), float(block[row, col]))

    def components(self, firm_index: int, call_index: int) -> dict[str, float]:
        """The parts of one pair's relevance (for its reasons), each 0-1."""
        firm, call = self.firms[firm_index], self.calls[call_index]
        firm_v, call_v = firm_vectors(firm), call_vectors(call)
        return {
            **{name: float(min(1.0, f @ c)) for name, f, c in zip(PARTS, firm_v, call_v)},
            "text": float(min(1.0, TEXT_SCALE * self.text.cosine(firm_index, call_index))),
        }
