"""`fundscout evaluate --split DIR`: extraction, domain and ranking quality, each beside a baseline.

- extraction: per-field accuracy from fundscout.extract.evaluate (its plain-regex baseline beside);
- domains: micro precision / recall / F1 of `classify_text` against `labels.domains`; baseline:
  a domain whenever one of its keywords occurs as a substring;
- ranking: mean nDCG@5 over the firms with a judged call, calls judged as if open (as the split
  README says); baseline: the overlap (Jaccard) of the plain word sets of firm profile and notice.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

from fundscout.extract.evaluate import baseline_scores, extraction_scores
from fundscout.load import read_firms_csv
from matching.classify import classify_baseline
from matching.files import calls_from_notices
from matching.profiles import entry_from_profile
from matching.ranking import match_rows

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


def _dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def mean_ndcg(judgments: dict[str, dict[str, int]], scores: dict[str, list[tuple[float, str]]], k: int = 5) -> float:
    """Mean nDCG@k over firms with at least one relevant judged call."""
    values = []
    for firm, relevant in judgments.items():
        order = [c for _, c in sorted(scores.get(firm, []), key=lambda t: -t[0])][:k]
        dcg = _dcg([relevant.get(c, 0) for c in order])
        idcg = _dcg(sorted(relevant.values(), reverse=True)[:k])
        if idcg:
            values.append(dcg / idcg)
    return sum(values) / len(values) if values else 0.0


def _baseline_ranking(firms: list, notices: list[dict]) -> dict[str, list[tuple[float, str]]]:
    out: dict[str, list[tuple[float, str]]] = {}
    notice_words = {n["id"]: set(WORD.findall(n["text"].lower())) for n in notices}
    for firm in firms:
        words = set(WORD.findall(" ".join([firm.description, *firm.interests]).lower()))
        for call_id, call_words in notice_words.items():
            overlap = len(words & call_words) / len(words | call_words) if words | call_words else 0.0
            out.setdefault(firm.firm_id, []).append((overlap, call_id))
    return out


def evaluate_split(split: Path, firms_csv: Path | None = None) -> dict[str, Any]:
    notices_path = split / "notices.jsonl"
    notices = _rows(notices_path)
    report: dict[str, Any] = {"split": str(split), "notices": len(notices)}

    report["extraction"] = {"ours": extraction_scores(notices), "baseline": baseline_scores(notices)}

    calls = calls_from_notices(notices_path)
    labelled = {n["id"]: n for n in notices if (n.get("labels") or {}).get("domains") is not None}
    gold = {i: set(n["labels"]["domains"]) for i, n in labelled.items()}
    ours = {c.call_id: set(c.domains) for c in calls if c.call_id in labelled}
    base = {i: set(classify_baseline(n["text"])) for i, n in labelled.items()}
    report["domains"] = {"ours": micro_prf(gold, ours), "baseline": micro_prf(gold, base), "labelled": len(gold)}

    judgments_path = split / "judgments.jsonl"
    firms_csv = firms_csv or split.parent / "firms.csv"
    if judgments_path.exists() and firms_csv.exists():
        ids = {n["id"] for n in notices}
        judged: dict[str, dict[str, int]] = {}
        for j in _rows(judgments_path):
            if j["call_id"] in ids:
                judged.setdefault(j["firm_id"], {})[j["call_id"]] = j["grade"]
        profiles = read_firms_csv(firms_csv).firms
        rows = match_rows([entry_from_profile(p) for p in profiles], calls, include_closed=True, today=dt.date.today())
        ranked: dict[str, list[tuple[float, str]]] = {}
        for row in rows:
            ranked.setdefault(row.firm_id, []).append((row.score, row.call_id))
        report["ranking"] = {
            "ours": mean_ndcg(judged, ranked),
            "baseline": mean_ndcg(judged, _baseline_ranking(profiles, notices)),
            "firms_judged": sum(1 for r in judged.values() if any(r.values())),
        }
    else:
        report["ranking"] = None
    return report


def format_report(report: dict[str, Any]) -> list[str]:
    """The report as a plain-text table."""
    lines = [f"split {report['split']}: {report['notices']} notices", "", f"{'measure':<40}{'ours':>8}{'baseline':>10}"]

    def fmt(value: float | None) -> str:
        return f"{value:.3f}" if isinstance(value, (int, float)) else "—"

    def line(name: str, ours: float | None, base: float | None) -> None:
        lines.append(f"{name:<40}{fmt(ours):>8}{fmt(base):>10}")

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
        line(f"ranking nDCG@5 ({ranking['firms_judged']} firms)", ranking["ours"], ranking["baseline"])
    return lines
