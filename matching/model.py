"""The ranking model: how the parts of relevance and the eligibility verdict make the score 0-100.

score = 100 * link(intercept + sum_k w_k x_k + offset[verdict]) * factor[verdict]

x_k are the FEATURES of a (firm, call) pair, each a dot product of a firm vector and a call vector
(matching/features.py), so matching/scoring.py applies a model with matrix products:
- domain, nace, audience, purpose, trade, mismatch: the relevance parts (unclipped dot products);
- text: TEXT_SCALE x the TF-IDF cosine of firm profile and call text;
- eligibility_unsure: 1 unless the firm is eligible (unknown or not eligible);
- eligibility_no: 1 when the firm is not eligible (on top of eligibility_unsure).
So offset[eligible] = 0, offset[unknown] = w_unsure, offset[not eligible] = w_unsure + w_no; a
fitted model keeps both weights at or below -ELIGIBILITY_STEP (matching/learn.py fits with these
bounds), so at equal relevance an eligible firm ranks above an unsure one and above one that may
not apply. link is "logistic" (fitted models) or "clip" to 0-1 (the hand-set weights, HAND_SET).

The shipped model is data/models/ranking.json, written by `fundscout train` (matching/learn.py);
`load_model()` reads it once. No text of any notice is stored in it, only weights and counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from fundscout.config import DATA_DIR

MODEL_PATH = DATA_DIR / "models" / "ranking.json"
MODEL_VERSION = 1

PARTS = ("domain", "nace", "audience", "purpose", "trade", "mismatch")
FEATURES = (*PARTS, "text", "eligibility_unsure", "eligibility_no")
TEXT_SCALE = 4.0  # feature "text" = TEXT_SCALE x cosine: 0.25 between a short profile and a long notice is a close fit
ELIGIBILITY_STEP = 0.01  # least drop of the linear score for an unsure / a not-eligible verdict
LINKS = ("clip", "logistic")


@dataclass(frozen=True)
class RankingModel:
    weights: dict[str, float]  # one per FEATURES name
    intercept: float = 0.0
    link: str = "logistic"
    factor: tuple[float, float, float] = (1.0, 1.0, 1.0)  # multiplier for eligible, unsure, not eligible
    kind: str = "logistic"
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if set(self.weights) != set(FEATURES):
            raise ValueError(f"ranking model: features must be {FEATURES}, got {sorted(self.weights)}")
        if self.link not in LINKS:
            raise ValueError(f"ranking model: link must be one of {LINKS}, got {self.link!r}")

    def vector(self) -> np.ndarray:
        return np.array([self.weights[name] for name in FEATURES], np.float64)

    def offsets(self) -> np.ndarray:
        """Linear-score offset by verdict code + 1 (-1 not eligible, 0 unknown, 1 eligible)."""
        unsure, no = self.weights["eligibility_unsure"], self.weights["eligibility_no"]
        return np.array([unsure + no, unsure, 0.0], np.float32)

    def factors(self) -> np.ndarray:
        """100 x the multiplier by verdict code + 1."""
        eligible, unsure, no = self.factor
        return 100 * np.array([no, unsure, eligible], np.float32)

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Scores 0-100 of rows of FEATURES (the Matcher computes the same with matrix products)."""
        z = features @ self.vector() + self.intercept
        verdict = np.where(features[:, -1] > 0, 0, np.where(features[:, -2] > 0, 1, 2))
        z = apply_link(self.link, z.astype(np.float32))
        return z * self.factors()[verdict]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": MODEL_VERSION,
            "kind": self.kind,
            "link": self.link,
            "features": list(FEATURES),
            "weights": [round(self.weights[name], 6) for name in FEATURES],
            "intercept": round(self.intercept, 6),
            "eligibility_factor": list(self.factor),
            "text_scale": TEXT_SCALE,
            **self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RankingModel:
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"ranking model: version {data.get('version')!r}, this code reads {MODEL_VERSION}")
        if data.get("text_scale", TEXT_SCALE) != TEXT_SCALE:
            raise ValueError("ranking model: trained with another text scale")
        known = {"version", "kind", "link", "features", "weights", "intercept", "eligibility_factor", "text_scale"}
        return cls(
            weights=dict(zip(data["features"], map(float, data["weights"]), strict=True)),
            intercept=float(data["intercept"]),
            link=data["link"],
            factor=tuple(map(float, data.get("eligibility_factor", (1.0, 1.0, 1.0)))),
            kind=data.get("kind", "?"),
            meta={k: v for k, v in data.items() if k not in known},
        )


def apply_link(link: str, z: np.ndarray) -> np.ndarray:
    """The link in place on a float32 array: clip to 0-1, or the logistic function."""
    if link == "clip":
        return np.clip(z, 0.0, 1.0, out=z)
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


# The weights set by hand before models were fitted (kept as the reference in cross-validation).
HAND_SET = RankingModel(
    weights={
        "domain": 0.3,
        "nace": 0.1,
        "audience": 0.15,
        "purpose": 0.25,
        "trade": 0.15,
        "mismatch": -0.15,
        "text": 0.3,
        "eligibility_unsure": 0.0,
        "eligibility_no": 0.0,
    },
    link="clip",
    factor=(1.0, 0.85, 0.5),  # not eligible may still join as partner or supplier
    kind="hand_set",
)


def write_model(model: RankingModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.as_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@cache
def read_model(path: Path) -> RankingModel:
    return RankingModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def load_model(path: Path | None = None) -> RankingModel:
    """The model of `path`, by default the shipped data/models/ranking.json; read once per path."""
    return read_model(Path(path or MODEL_PATH).resolve())
