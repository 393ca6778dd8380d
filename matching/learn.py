"""Fitting the ranking model on graded judgments, cross-validated over notices (`fundscout train`).

Rows are (firm, call) pairs of the firms that have a judgment among the calls at hand; a pair
without a judgment is grade 0, as the shared scorer treats it. Features are the Matcher's
(matching/model.py FEATURES: the relevance parts, text, the eligibility verdict), computed by a
Matcher over exactly the calls at hand (calls judged as if open, `include_closed`). Candidates,
all linear with sign bounds (relevance parts >= 0, mismatch <= 0, eligibility steps <=
-ELIGIBILITY_STEP, so eligibility stays first), L2-regularised, fitted by L-BFGS-B (deterministic):

- `ridge`: least squares on grade / 3, link clip;
- `logistic`: logistic regression on grade > 0, link logistic;
- `logistic_graded`: the same, a relevant pair weighted by its gain 2^grade - 1;
- `pairwise`: logistic loss on feature differences of pairs of one firm with different grades
  (RankNet-like), then the scale and intercept fitted as `logistic` on the one score.

`fundscout train` picks the candidate with the best mean nDCG@5 over CV folds (notices split into
FOLDS seeded groups, a notice with all its judgments in one fold), refits it on the whole split
and writes data/models/ranking.json with what it was trained on (counts and a fingerprint of the
ids and grades used) and the CV figures. On the dev split (133 notices, 275 judgments) that is
`logistic` (see the file's `cv` entry for all candidates beside the hand-set weights; they differ
by less than the spread over folds).

Firms' responses to their digests (`fundscout feedback`, stored in `firm_feedback`) are judgments
too (FEEDBACK_GRADES; only the pairs a firm answered): `fundscout train --feedback` adds them to the
training pairs of every fold and of the final fit, and records how many in the model file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from matching.features import CallProfile, FirmEntry
from matching.model import ELIGIBILITY_STEP, FEATURES, HAND_SET, RankingModel
from matching.ranking import build_matcher

FOLDS, SEED = 5, 0
L2 = {"ridge": 0.01, "logistic": 0.001}  # L2 per loss, from a sweep of 1e-4..0.1 over two CV seeds on dev
BOUNDS = {"mismatch": (None, 0.0), "eligibility_unsure": (None, -ELIGIBILITY_STEP)}
BOUNDS["eligibility_no"] = (None, -ELIGIBILITY_STEP)
FEATURE_BOUNDS = [BOUNDS.get(name, (0.0, None)) for name in FEATURES]


@dataclass
class PairTable:
    """Every (firm, call) pair of some firms and calls, with features and grades."""

    firm_ids: np.ndarray  # per row
    call_ids: np.ndarray  # per row
    features: np.ndarray  # rows x FEATURES
    grades: np.ndarray  # per row, 0 when not judged
    judged: np.ndarray  # per row: the firm has a judgment among these calls

    def subset(self, rows: np.ndarray) -> PairTable:
        return PairTable(
            self.firm_ids[rows], self.call_ids[rows], self.features[rows], self.grades[rows], self.judged[rows]
        )

    def plus(self, other: PairTable | None) -> PairTable:
        """This table's rows, then `other`'s."""
        if other is None or not len(other.grades):
            return self
        return PairTable(
            *(np.concatenate([a, b]) for a, b in zip(self._columns(), other._columns()))  # type: ignore[arg-type]
        )

    def _columns(self) -> tuple[np.ndarray, ...]:
        return self.firm_ids, self.call_ids, self.features, self.grades, self.judged


# A firm's response in its returned digest (reports/digest/feedback.py) as a judgment grade.
FEEDBACK_GRADES = {"applying": 3, "interested": 2, "not_relevant": 0}


@dataclass
class Feedback:
    """Firms' digest responses as judgments on the store's calls: only the answered pairs count (a
    call the firm did not answer is no judgment of it)."""

    firms: Sequence[FirmEntry]
    calls: Sequence[CallProfile]
    judgments: dict[str, dict[str, int]]

    @property
    def count(self) -> int:
        return sum(len(rel) for rel in self.judgments.values())


def feedback_table(feedback: Feedback | None, today: dt.date) -> PairTable | None:
    """The answered pairs of `feedback`, featurised like the labelled ones; None without any."""
    if feedback is None or not feedback.count:
        return None
    table = pair_table(feedback.firms, feedback.calls, feedback.judgments, today)
    answered = [c in feedback.judgments.get(f, {}) for f, c in zip(table.firm_ids.tolist(), table.call_ids.tolist())]
    rows = table.subset(np.flatnonzero(answered))
    rows.judged[:] = True
    return rows


def pair_table(
    firms: Sequence[FirmEntry], calls: Sequence[CallProfile], judgments: dict[str, dict[str, int]], today: dt.date
) -> PairTable:
    """Pairs of all `firms` x `calls`, featurised by a Matcher over these calls only."""
    matcher = build_matcher(firms, calls, today, include_closed=True, model=HAND_SET)
    call_ids = [c.call_id for c in calls]
    firm_ids = np.repeat([f.firm_id for f in firms], len(calls))
    call_col = np.tile(call_ids, len(firms))
    grades = np.array([judgments.get(f, {}).get(c, 0) for f, c in zip(firm_ids, call_col)], np.int64)
    ids = set(call_ids)
    has = {f.firm_id for f in firms if set(judgments.get(f.firm_id, {})) & ids}
    judged = np.array([f in has for f in firm_ids], bool)
    return PairTable(firm_ids, call_col, matcher.pair_features().astype(np.float64), grades, judged)


def _minimise(loss: Callable[[np.ndarray], tuple[float, np.ndarray]], size: int, bounds: list) -> np.ndarray:
    start = np.zeros(size)
    for i, (low, high) in enumerate(bounds):
        start[i] = min(max(0.0, low if low is not None else -np.inf), high if high is not None else np.inf)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000})
    return result.x


def _logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, intercept: bool, bounds: list) -> np.ndarray:
    """Weights (then the intercept, if any) minimising weighted mean log-loss + L2/2 |w|^2."""
    total, l2 = weight.sum(), L2["logistic"]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: x.shape[1]]
        z = x @ w + (theta[-1] if intercept else 0.0)
        p = 1 / (1 + np.exp(-z))
        value = float((weight * (np.logaddexp(0, z) - y * z)).sum() / total + 0.5 * l2 * w @ w)
        residual = weight * (p - y) / total
        grad = np.concatenate([x.T @ residual + l2 * w, [residual.sum()] if intercept else []])
        return value, grad

    return _minimise(loss, x.shape[1] + intercept, bounds + ([(None, None)] if intercept else []))


def _model(weights: np.ndarray, intercept: float, link: str, kind: str) -> RankingModel:
    return RankingModel(
        weights={n: float(w) for n, w in zip(FEATURES, weights)}, intercept=float(intercept), link=link, kind=kind
    )


def _rows(table: PairTable) -> PairTable:
    return table.subset(np.flatnonzero(table.judged))


def fit_ridge(table: PairTable) -> RankingModel:
    t = _rows(table)
    x, y, l2 = t.features, t.grades / 3.0, L2["ridge"]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        r = x @ w + b - y
        return float(r @ r / len(y) + l2 * w @ w), np.concatenate([2 * x.T @ r / len(y) + 2 * l2 * w, [2 * r.mean()]])

    theta = _minimise(loss, x.shape[1] + 1, [*FEATURE_BOUNDS, (None, None)])
    return _model(theta[:-1], theta[-1], "clip", "ridge")


def fit_logistic(table: PairTable, graded: bool = False) -> RankingModel:
    t = _rows(table)
    y = (t.grades > 0).astype(float)
    weight = np.where(t.grades > 0, 2.0**t.grades - 1, 1.0) if graded else np.ones(len(y))
    theta = _logistic(t.features, y, weight, True, FEATURE_BOUNDS)
    return _model(theta[:-1], theta[-1], "logistic", "logistic_graded" if graded else "logistic")


def fit_pairwise(table: PairTable) -> RankingModel:
    t = _rows(table)
    diffs = []
    for firm in np.unique(t.firm_ids):
        rows = np.flatnonzero(t.firm_ids == firm)
        g = t.grades[rows]
        hi, lo = np.nonzero(g[:, None] > g[None, :])
        diffs.append(t.features[rows[hi]] - t.features[rows[lo]])
    d = np.vstack(diffs) if diffs else np.zeros((0, len(FEATURES)))
    if not len(d):
        return fit_logistic(table)
    w = _logistic(d, np.ones(len(d)), np.ones(len(d)), False, FEATURE_BOUNDS)
    score = (t.features @ w)[:, None]
    a, b = _logistic(score, (t.grades > 0).astype(float), np.ones(len(score)), True, [(1e-3, None)])
    return _model(a * w, b, "logistic", "pairwise")


FITTERS: dict[str, Callable[[PairTable], RankingModel]] = {
    "ridge": fit_ridge,
    "logistic": fit_logistic,
    "logistic_graded": lambda table: fit_logistic(table, graded=True),
    "pairwise": fit_pairwise,
}


def fold_of(ids: Sequence[str], k: int, seed: int = SEED) -> dict[str, int]:
    """Fold 0..k-1 of each notice id: a seeded shuffle of the sorted ids, dealt round-robin."""
    ordered = sorted(set(ids))
    order = np.random.default_rng(seed).permutation(len(ordered))
    return {ordered[j]: i % k for i, j in enumerate(order)}


def mean_ndcg(judgments: dict[str, dict[str, int]], scores: dict[str, list[tuple[float, str]]], k: int = 5) -> float:
    """Mean nDCG@k over firms with at least one relevant judged call (as score.py match)."""
    values = []
    for firm, relevant in judgments.items():
        order = [c for _, c in sorted(scores.get(firm, []), key=lambda t: -t[0])][:k]
        dcg = _dcg([relevant.get(c, 0) for c in order])
        idcg = _dcg(sorted(relevant.values(), reverse=True)[:k])
        if idcg:
            values.append(dcg / idcg)
    return sum(values) / len(values) if values else 0.0


def _dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def table_ndcg(table: PairTable, scores: np.ndarray, judgments: dict[str, dict[str, int]]) -> float | None:
    """Mean nDCG@5 of `scores` (one per row) on the table's calls; None when no firm has a relevant one."""
    ids = set(table.call_ids.tolist())
    judged = {f: {c: g for c, g in rel.items() if c in ids} for f, rel in judgments.items()}
    if not any(g > 0 for rel in judged.values() for g in rel.values()):
        return None
    ranked: dict[str, list[tuple[float, str]]] = {}
    for firm, call, score in zip(table.firm_ids.tolist(), table.call_ids.tolist(), scores.tolist()):
        ranked.setdefault(firm, []).append((score, call))
    return mean_ndcg(judged, ranked)


def score_table(model: RankingModel, table: PairTable) -> np.ndarray:
    """The model's scores 0-100 of the table's rows (the one place CV scores held-out pairs)."""
    return model.scores(table.features)


def cross_validate_ranking(
    firms: Sequence[FirmEntry],
    calls: Sequence[CallProfile],
    judgments: dict[str, dict[str, int]],
    folds: dict[str, int],
    fitters: dict[str, Callable[[PairTable], RankingModel]],
    today: dt.date,
    extra: Callable[[PairTable], dict[str, np.ndarray]] | None = None,
    extra_train: PairTable | None = None,
    pooled: dict[str, dict[str, list[tuple[float, str]]]] | None = None,
) -> dict[str, list[float | None]]:
    """nDCG@5 per fold of each fitter, fitted on the other folds' calls and scored on this fold's
    (None for a fold without a relevant judged call). With one fold the fitters get None.

    `extra(test)` adds unfitted rankings (baselines) scored on the same held-out pairs;
    `extra_train` (firms' feedback, feedback_table) joins every fold's training pairs, less any
    pair of a held-out call. `pooled`, if given, collects every held-out score per ranking and firm
    (so the whole list can be ranked from out-of-fold scores: no pair scored by a model fitted on it)."""
    out: dict[str, list[float | None]] = {}
    for fold in sorted(set(folds.values())):
        train_calls = [c for c in calls if folds[c.call_id] != fold]
        held_out = {c.call_id for c in calls if folds[c.call_id] == fold}
        train = pair_table(firms, train_calls, judgments, today) if train_calls else None
        if train is not None and extra_train is not None:
            keep = np.flatnonzero([c not in held_out for c in extra_train.call_ids.tolist()])
            train = train.plus(extra_train.subset(keep))
        test = pair_table(firms, [c for c in calls if folds[c.call_id] == fold], judgments, today)
        for name, fit in fitters.items():
            model = fit(train)
            scores = score_table(model, test)
            out.setdefault(name, []).append(table_ndcg(test, scores, judgments))
            _pool(pooled, name, test, scores)
        for name, scores in (extra(test) if extra else {}).items():
            out.setdefault(name, []).append(table_ndcg(test, scores, judgments))
            _pool(pooled, name, test, scores)
    return out


def _pool(pooled: dict[str, dict[str, list[tuple[float, str]]]] | None, name: str, test: PairTable, scores) -> None:
    """Keep held-out scores, to rank each firm's whole list from the out-of-fold scores afterwards."""
    if pooled is None:
        return
    ranked = pooled.setdefault(name, {})
    for firm, call, score in zip(test.firm_ids.tolist(), test.call_ids.tolist(), np.asarray(scores).tolist()):
        ranked.setdefault(firm, []).append((float(score), call))


def summary(values: list[float | None]) -> dict[str, float]:
    present = [v for v in values if v is not None]
    return {"mean": round(float(np.mean(present)), 4), "sd": round(float(np.std(present)), 4)}


def train_model(
    firms: Sequence[FirmEntry],
    calls: Sequence[CallProfile],
    judgments: dict[str, dict[str, int]],
    today: dt.date,
    *,
    split_name: str,
    folds: int = FOLDS,
    seed: int = SEED,
    feedback: Feedback | None = None,
) -> RankingModel:
    """The best candidate by CV nDCG@5 (folds over the labelled notices; the firms' feedback, if
    any, always on the training side), refitted on all of it, with what it was trained on."""
    assignment = fold_of([c.call_id for c in calls], folds, seed)
    fitters = {"hand_set": lambda _: HAND_SET, **FITTERS}
    answered = feedback_table(feedback, today)
    cv = {
        name: summary(v)
        for name, v in cross_validate_ranking(
            firms, calls, judgments, assignment, fitters, today, extra_train=answered
        ).items()
    }
    chosen = max(FITTERS, key=lambda name: (cv[name]["mean"], -list(FITTERS).index(name)))
    table = pair_table(firms, calls, judgments, today)
    model = FITTERS[chosen](table.plus(answered))
    ids = {c.call_id for c in calls}
    used = {f: {c: g for c, g in rel.items() if c in ids} for f, rel in judgments.items()}
    trained_on: dict[str, Any] = {
        "split": split_name,
        "notices": len(calls),
        "judgments": sum(len(rel) for rel in used.values()),
        "firms": len(firms),
        "firms_judged": len({f for f in table.firm_ids[table.judged].tolist()}),
        "pairs": int(table.judged.sum()),
        "date": today.isoformat(),
    }
    if feedback is not None and feedback.count:
        trained_on["feedback"] = {
            "firms": len(feedback.judgments),
            "calls": len({c for rel in feedback.judgments.values() for c in rel}),
            "judgments": feedback.count,
        }
    # Which inputs exactly: notice and firm ids, every grade used (labelled and feedback); no text.
    inputs = [
        sorted(ids),
        sorted(f.firm_id for f in firms),
        sorted(used.items()),
        sorted((feedback.judgments if feedback else {}).items()),
    ]
    trained_on["inputs_sha256"] = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    meta: dict[str, Any] = {
        "trained_on": trained_on,
        "fit": {"l2": L2, "bounds": "relevance parts >= 0, mismatch <= 0, eligibility steps <= -0.01"},
        "cv": {"folds": folds, "seed": seed, "metric": "ndcg@5", "chosen": chosen, "candidates": cv},
    }
    return RankingModel(model.weights, model.intercept, model.link, model.factor, chosen, meta)


def read_judgments(path: Path, call_ids: set[str]) -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                j = json.loads(line)
                if j["call_id"] in call_ids:
                    judged.setdefault(j["firm_id"], {})[j["call_id"]] = int(j["grade"])
    return judged
