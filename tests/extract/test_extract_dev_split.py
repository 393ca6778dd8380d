"""Evaluation and training run (structure, not figures): on a synthetic labelled split made here,
and on the shared dev split when it is present. No figure of the development set is asserted."""

import datetime as dt
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.extract import extract_notice
from fundscout.extract.evaluate import extraction_scores
from fundscout.load import read_firms_csv
from fundscout.records import CallRecord
from matching import learn
from matching.evaluate import evaluate_split
from matching.files import calls_from_notices
from matching.model import FEATURES, MODEL_PATH, RankingModel, load_model
from matching.profiles import entry_from_profile
from tests.conftest import SHARED_DIR

SPLIT = SHARED_DIR / "eval" / "dev"
shared = pytest.mark.skipif(not (SPLIT / "notices.jsonl").exists(), reason="shared eval folder is absent")

TOPICS = {
    "gasilci": ("nakupa gasilskih vozil in zaščitne opreme", "Sofinanciranje opreme za zaščito in reševanje."),
    "mobilnost": ("postavitve polnilnic za električna vozila", "Spodbude za e-mobilnost in polnilne postaje."),
    "zdravje": ("telemedicine in oskrbe na daljavo", "Storitve dolgotrajne oskrbe in telemedicine za starejše."),
    "odpadki": ("krožnega gospodarstva in recikliranja", "Predelava odpadkov in plastike v sekundarne surovine."),
}
FIRMS = [
    (
        "S1",
        "PGD Test",
        "društvo",
        "micro",
        "Kranj",
        "84.250",
        "Gasilsko društvo za zaščito in reševanje.",
        "gasilska vozila",
    ),
    ("S2", "Polnilec d.o.o.", "d.o.o.", "micro", "Naklo", "43.210", "Postavlja polnilne postaje.", "e-mobilnost"),
    ("S3", "Zavod Skrb", "javni zavod", "small", "Radovljica", "88.109", "Pomoč na domu starejšim.", "telemedicina"),
    ("S4", "Krog d.o.o.", "d.o.o.", "medium", "Jesenice", "38.110", "Zbira in predeluje odpadke.", "recikliranje"),
]
FIRM_TOPIC = {"S1": "gasilci", "S2": "mobilnost", "S3": "zdravje", "S4": "odpadki"}


@pytest.fixture
def split(tmp_path):
    """16 notices (four per topic), four firms, a judgment wherever the topic is the firm's."""
    folder = tmp_path / "synthetic"
    folder.mkdir()
    notices, judgments = [], []
    for topic, (title, body) in TOPICS.items():
        for year in range(2026, 2030):
            call_id = f"syn-{topic}-{year}"
            text = (
                f"Javni razpis za sofinanciranje {title} v letu {year}\n{body}\n"
                f"Na razpis se lahko prijavijo društva, podjetja in javni zavodi.\nRok za oddajo vlog je 15. 3. {year}."
            )
            notices.append({"id": call_id, "url": f"https://example.org/{call_id}", "text": text, "labels": {}})
            grade = 3 if year % 2 else 2
            judgments += [
                {"firm_id": f, "call_id": call_id, "grade": grade} for f, t in FIRM_TOPIC.items() if t == topic
            ]
    (folder / "notices.jsonl").write_text("".join(json.dumps(n) + "\n" for n in notices), encoding="utf-8")
    (folder / "judgments.jsonl").write_text("".join(json.dumps(j) + "\n" for j in judgments), encoding="utf-8")
    header = "firm_id,name,legal_form,size_class,municipality,nace_codes,description,interests,email\n"
    rows = "".join(",".join([*f, f"{f[0].lower()}@example.org"]) + "\n" for f in FIRMS)
    (tmp_path / "firms.csv").write_text(header + rows, encoding="utf-8")
    return folder


def _train(split, output):
    args = ["train", "--split", str(split), "--output", str(output), "--date", "2026-12-01", "--folds", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return output.read_bytes()


def test_train_is_deterministic_and_evaluate_uses_the_file(split, tmp_path):
    first, second = _train(split, tmp_path / "a.json"), _train(split, tmp_path / "b.json")
    assert first == second
    data = json.loads(first)
    assert data["features"] == list(FEATURES) and len(data["weights"]) == len(FEATURES)
    fingerprint = data["trained_on"].pop("inputs_sha256")
    assert len(fingerprint) == 16 and "feedback" not in data["trained_on"]
    assert data["trained_on"] == {
        "split": "synthetic",
        "notices": 16,
        "judgments": 16,
        "firms": 4,
        "firms_judged": 4,
        "pairs": 64,
        "date": "2026-12-01",
    }
    assert data["cv"]["chosen"] == data["kind"] and "hand_set" in data["cv"]["candidates"]
    model = RankingModel.from_json(data)
    offsets = model.offsets()  # not eligible, unsure, eligible
    assert offsets[0] <= offsets[1] < offsets[2] == 0  # eligibility first at equal relevance
    assert "Javni razpis" not in first.decode()  # weights and counts, no text

    report = evaluate_split(split, folds=1, model_path=tmp_path / "a.json")
    assert report["model"]["kind"] == data["kind"] and report["model"]["split"] == "synthetic"
    zeroed = {**data, "weights": [0.0] * len(FEATURES), "intercept": 0.0, "link": "clip"}
    (tmp_path / "zero.json").write_text(json.dumps(zeroed), encoding="utf-8")
    flat = evaluate_split(split, folds=1, model_path=tmp_path / "zero.json")
    assert flat["ranking"]["ours"]["mean"] != report["ranking"]["ours"]["mean"]  # the file's weights are used


def test_evaluate_reports_every_measure_per_fold(split):
    report = evaluate_split(split, folds=3)
    assert report["folds"] == 3
    for name in ("ours", "hand_set", "keyword", "bm25"):
        value = report["ranking"][name]
        assert len(value["folds"]) == 3 and 0 <= value["mean"] <= 1 and value["sd"] >= 0
    assert all(len(v["folds"]) == 3 for v in report["extraction"]["ours"].values())
    whole = report["ranking_whole_list"]  # every notice ranked at once, by out-of-fold scores
    assert set(whole) == {"ours", "hand_set", "keyword", "bm25"} and all(0 <= v <= 1 for v in whole.values())
    result = CliRunner().invoke(app, ["evaluate", "--split", str(split), "--folds", "3"])
    assert result.exit_code == 0 and "3-fold" in result.output and "ranking nDCG@5" in result.output
    assert "whole list" in result.output


def test_cross_validation_never_scores_a_row_with_a_model_fitted_on_it(split, monkeypatch):
    fitted, scored = [], []

    def spy_fit(train):
        model = learn.fit_ridge(train)
        fitted.append(set(train.call_ids.tolist()))
        return RankingModel(model.weights, model.intercept, model.link, kind="ridge", meta={"fit": len(fitted) - 1})

    real_score = learn.score_table

    def spy_score(model, table):
        scored.append((model.meta["fit"], set(table.call_ids.tolist())))
        return real_score(model, table)

    monkeypatch.setattr(learn, "score_table", spy_score)
    firms, calls, judged = _inputs(split)
    folds = learn.fold_of([c.call_id for c in calls], 4)
    result = learn.cross_validate_ranking(firms, calls, judged, folds, {"spy": spy_fit}, dt.date(2026, 12, 1))
    assert len(result["spy"]) == 4 and len(fitted) == 4 and len(scored) == 4
    for fit, held_out in scored:
        assert fitted[fit] and held_out and not fitted[fit] & held_out
        assert len({folds[c] for c in held_out}) == 1  # one fold, every notice of it
        assert fitted[fit] | held_out == {c.call_id for c in calls}
    assert set().union(*(h for _, h in scored)) == {c.call_id for c in calls}


def _inputs(split):
    calls = calls_from_notices(split / "notices.jsonl")
    firms = [entry_from_profile(p) for p in read_firms_csv(split.parent / "firms.csv").firms]
    return firms, calls, learn.read_judgments(split / "judgments.jsonl", {c.call_id for c in calls})


def test_shipped_model_loads_without_the_shared_folder():
    model = load_model()
    assert model.kind in learn.FITTERS and model.meta["cv"]["chosen"] == model.kind
    assert model.meta["trained_on"]["notices"] > 0


@shared
def test_evaluate_runs_on_the_dev_split():
    report = evaluate_split(SPLIT, folds=5)
    assert report["notices"] > 0 and report["folds"] == 5
    assert {"ours", "hand_set", "keyword", "bm25"} <= set(report["ranking"])


@shared
def test_extraction_scores_agree_with_the_shared_scorer(tmp_path):
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(app, ["extract", "--input", str(SPLIT / "notices.jsonl"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    run = subprocess.run(
        [sys.executable, str(SHARED_DIR / "eval" / "score.py"), "extract", str(SPLIT), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    scored = json.loads(run.stdout[: run.stdout.rindex("}") + 1])
    assert scored["missing_ids"] == 0
    rows = [json.loads(line) for line in (SPLIT / "notices.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert extraction_scores(rows) == {f: v for f, v in scored["accuracy"].items() if v is not None}


@shared
def test_every_dev_notice_gives_a_valid_record():
    for line in (SPLIT / "notices.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        found = extract_notice(row["text"], row["url"])
        fields = {"title": "?", **found.record_fields()}
        CallRecord.model_validate(
            {"id": "dev-1", "url": row["url"], "source": "test", **fields, "evidence": found.evidence}
        )


@shared
def test_the_documented_train_run_reproduces_the_shipped_model(tmp_path):
    out = tmp_path / "ranking.json"
    firms = SHARED_DIR / "eval" / "firms.csv"
    args = ["train", "--split", str(SPLIT), "--firms", str(firms), "--date", "2026-12-01", "--output", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == MODEL_PATH.read_bytes()  # byte for byte: same inputs, same weights
