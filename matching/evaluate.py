"""`fundscout evaluate --split DIR [--folds K]`: extraction, domain and ranking quality beside baselines.

Cross-validated over notices: the notices are dealt into K seeded folds (matching.learn.fold_of;
a notice and all its judgments fall in one fold); each fold is scored on its own, anything fitted
(the ranking model) is fitted on the other folds only; the report gives the mean and the spread
(standard deviation) over folds. With K = 1 the whole split is scored once with the model file as
it is (in-sample when the model was trained on this split).

- extraction: per-field accuracy from fundscout.extract.evaluate (rules, nothing fitted), its
  plain-regex baseline beside;
- domains: micro precision / recall / F1 of `classify_text` (rules) against `labels.domains`;
  baseline: a domain whenever one of its keywords occurs as a substring;
- ranking: mean nDCG@5 over the firms with a relevant judged call among the fold's calls, calls
  judged as if open (as the split README says). Ours: the model file's kind refitted on the
  training folds; beside it the hand-set weights, and two baselines: the overlap (Jaccard) of the
  plain word sets of firm profile and notice, and BM25 (k1 1.5, b 0.75) of the firm profile as the
  query against the fold's notices, on normalised keys.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from fundscout.extract.evaluate import baseline_scores, extraction_scores
from fundscout.load import read_firms_csv
from matching.classify import classify_baseline
from matching.files import calls_from_notices
from matching.learn import (
    FITTERS,
    FOLDS,
    SEED,
    Feedback,
    PairTable,
    cross_validate_ranking,
    feedback_table,
    fold_of,
    mean_ndcg,
    read_judgments,
)
from matching.model import HAND_SET, MODEL_PATH, RankingModel, load_model
from matching.normalise import keys
from matching.profiles import entry_from_profile

__all__ = ["evaluate_split", "format_report", "mean_ndcg", "micro_prf"]

WORD = re.compile(r"\w{4,}")


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def micro_prf(gold: dict[str, set[str]], predicted: dict[str, set[str]]) -> dict[str, float]:
    tp = fp = fn = 0
    for key, want in gold.items():
        have = predicted.get(key, set())
        tp += len(have & want)
        fp += len(have - want)
        fn += len(want - have)
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "micro_f1": f1}


def bm25(queries: list[list[str]], docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> np.ndarray:
    """queries x docs BM25 scores (each distinct query key counted once)."""
    vocab: dict[str, int] = {}
    counts = [Counter(vocab.setdefault(k, len(vocab)) for k in doc) for doc in docs]
    tf = np.zeros((len(docs), max(1, len(vocab))))
    for i, c in enumerate(counts):
        tf[i, list(c)] = list(c.values())
    lengths = tf.sum(axis=1)
    df = (tf > 0).sum(axis=0)
    idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
    norm = k1 * (1 - b + b * lengths / max(1e-9, lengths.mean()))
    weights = tf * (k1 + 1) / (tf + norm[:, None]) * idf
    q = np.zeros((len(queries), tf.shape[1]))
    for i, query in enumerate(queries):
        q[i, sorted({vocab[k] for k in query if k in vocab})] = 1
    return q @ weights.T


def _prf_folds(gold: dict[str, set[str]], predicted: dict[str, set[str]], folds: dict[str, int]) -> dict[str, list]:
    out: dict[str, list] = {"precision": [], "recall": [], "micro_f1": []}
    for fold in sorted(set(folds.values())):
        part = {i: g for i, g in gold.items() if folds[i] == fold}
        for name, value in micro_prf(part, predicted).items():
            out[name].append(value)
    return out


def _per_fold(rows: list[dict], folds: dict[str, int], score) -> dict[str, list]:
    """{field: [accuracy per fold, None where the fold has no label for it]}."""
    per = [score([r for r in rows if folds[r["id"]] == fold]) for fold in sorted(set(folds.values()))]
    return {name: [p.get(name) for p in per] for name in dict.fromkeys(n for p in per for n in p)}


def spread(values: list) -> dict[str, Any]:
    present = [v for v in values if v is not None]
    if not present:
        return {"mean": None, "sd": None, "folds": values}
    return {"mean": float(np.mean(present)), "sd": float(np.std(present)), "folds": values}


def evaluate_split(
    split: Path,
    firms_csv: Path | None = None,
    *,
    folds: int = FOLDS,
    seed: int = SEED,
    model_path: Path | None = None,
    today: dt.date | None = None,
    feedback: Feedback | None = None,
) -> dict[str, Any]:
    """The report of `fundscout evaluate`; with `feedback` (firms' digest responses) the ranking is
    also refitted with them added to every fold's training pairs, to show what they change."""
    notices_path = split / "notices.jsonl"
    notices = _rows(notices_path)
    today = today or dt.date.today()
    model = load_model(model_path)
    k = max(1, min(folds, len(notices)))
    assignment = fold_of([n["id"] for n in notices], k, seed)
    report: dict[str, Any] = {
        "split": str(split),
        "notices": len(notices),
        "folds": k,
        "seed": seed,
        "model": {"path": str(model_path or MODEL_PATH), "kind": model.kind, **model.meta.get("trained_on", {})},
    }

    report["extraction"] = {
        "ours": {f: spread(v) for f, v in _per_fold(notices, assignment, extraction_scores).items()},
        "baseline": {f: spread(v) for f, v in _per_fold(notices, assignment, baseline_scores).items()},
    }

    calls = calls_from_notices(notices_path)
    labelled = {n["id"]: n for n in notices if (n.get("labels") or {}).get("domains") is not None}
    gold = {i: set(n["labels"]["domains"]) for i, n in labelled.items()}
    ours = {c.call_id: set(c.domains) for c in calls if c.call_id in labelled}
    base = {i: set(classify_baseline(n["text"])) for i, n in labelled.items()}
    report["domains"] = {
        "ours": {m: spread(v) for m, v in _prf_folds(gold, ours, assignment).items()},
        "baseline": {m: spread(v) for m, v in _prf_folds(gold, base, assignment).items()},
        "labelled": len(gold),
    }

    judgments_path = split / "judgments.jsonl"
    firms_csv = firms_csv or split.parent / "firms.csv"
    if judgments_path.exists() and firms_csv.exists():
        judged = read_judgments(judgments_path, {n["id"] for n in notices})
        profiles = read_firms_csv(firms_csv).firms
        firms = [entry_from_profile(p) for p in profiles]
        pooled: dict[str, dict[str, list[tuple[float, str]]]] = {}
        report["ranking"] = {
            name: spread(values)
            for name, values in cross_validate_ranking(
                firms,
                calls,
                judged,
                assignment,
                ranking_fitters(model, k),
                today,
                extra=_baselines(profiles, notices),
                pooled=pooled,
            ).items()
        }
        # The whole list: every notice ranked at once for each firm, by its out-of-fold score.
        report["ranking_whole_list"] = {name: mean_ndcg(judged, ranked) for name, ranked in pooled.items()}
        answered = feedback_table(feedback, today)
        if answered is not None:
            with_feedback = cross_validate_ranking(
                firms,
                calls,
                judged,
                assignment,
                {"ours": ranking_fitters(model, k)["ours"]},
                today,
                extra_train=answered,
            )
            report["ranking"]["ours_feedback"] = spread(with_feedback["ours"])
            report["ranking"]["feedback_judgments"] = feedback.count if feedback else 0
        report["ranking"]["firms_judged"] = sum(1 for r in judged.values() if any(r.values()))
    else:
        report["ranking"] = None
    return report


def ranking_fitters(model: RankingModel, folds: int) -> dict:
    """Ours (the model file's kind refitted per fold; with one fold the file as it is) and the hand-set weights."""
    ours = FITTERS[model.kind] if folds > 1 and model.kind in FITTERS else (lambda _train: model)
    return {"ours": ours, "hand_set": lambda _train: HAND_SET}


def _baselines(profiles: list, notices: list[dict]):
    """extra rankings for cross_validate_ranking: keyword overlap and BM25 on the held-out pairs."""
    texts = {n["id"]: n["text"] for n in notices}
    words = {i: set(WORD.findall(t.lower())) for i, t in texts.items()}
    doc_keys = {i: keys(t) for i, t in texts.items()}
    queries = {p.firm_id: " ".join([p.description, *p.interests]) for p in profiles}
    query_words = {f: set(WORD.findall(q.lower())) for f, q in queries.items()}
    query_keys = {f: keys(q) for f, q in queries.items()}

    def extra(test: PairTable) -> dict[str, np.ndarray]:
        firm_ids, call_ids = test.firm_ids.tolist(), test.call_ids.tolist()
        keyword = [
            len(query_words[f] & words[c]) / max(1, len(query_words[f] | words[c])) for f, c in zip(firm_ids, call_ids)
        ]
        firms, calls = list(dict.fromkeys(firm_ids)), list(dict.fromkeys(call_ids))
        matrix = bm25([query_keys[f] for f in firms], [doc_keys[c] for c in calls])
        fi, ci = {f: i for i, f in enumerate(firms)}, {c: i for i, c in enumerate(calls)}
        return {
            "keyword": np.array(keyword),
            "bm25": np.array([matrix[fi[f], ci[c]] for f, c in zip(firm_ids, call_ids)]),
        }

    return extra


def format_report(report: dict[str, Any]) -> list[str]:
    """The report as a plain-text table: mean ± sd over folds."""
    k = report["folds"]
    how = f"{k}-fold cross-validation over notices (seed {report['seed']})" if k > 1 else "whole split, no folds"
    model = report["model"]
    lines = [
        f"split {report['split']}: {report['notices']} notices; {how}",
        f"ranking model {model['path']}: {model['kind']}"
        + (f", trained on {model['split']}" if "split" in model else ""),
        "",
        f"{'measure':<40}{'ours':>14}{'baseline':>14}{'bm25':>14}{'hand-set':>14}",
    ]

    def fmt(value: dict | None) -> str:
        if not value or value.get("mean") is None:
            return "—"
        return f"{value['mean']:.3f}±{value['sd']:.3f}" if k > 1 else f"{value['mean']:.3f}"

    def line(name: str, *values: dict | None) -> None:
        lines.append(f"{name:<40}" + "".join(f"{fmt(v):>14}" for v in values))

    extraction = report["extraction"]
    for name, value in extraction["ours"].items():
        line(f"extraction accuracy: {name}", value, extraction["baseline"].get(name))
    domains = report["domains"]
    for name in ("precision", "recall", "micro_f1"):
        line(f"domains {name}", domains["ours"][name], domains["baseline"][name])
    ranking = report.get("ranking")
    if ranking is None:
        lines.append("ranking: no judgments.jsonl / firms.csv for this split")
    else:
        line(
            f"ranking nDCG@5 ({ranking['firms_judged']} firms)",
            ranking["ours"],
            ranking["keyword"],
            ranking["bm25"],
            ranking["hand_set"],
        )
        whole = report.get("ranking_whole_list") or {}
        if whole:
            lines.append(
                f"{'  whole list (all notices, out-of-fold)':<40}"
                + "".join(f"{whole[n]:>14.3f}" for n in ("ours", "keyword", "bm25", "hand_set"))
            )
        if "ours_feedback" in ranking:
            line(f"  refitted with {ranking['feedback_judgments']} feedback judgments", ranking["ours_feedback"])
    return lines
