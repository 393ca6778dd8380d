"""File-mode matching, classify and evaluate through the CLI, and the vectorised scorer itself."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.load import read_firms_csv
from matching import scoring
from matching.eligibility import CallTerms, assess
from matching.evaluate import evaluate_split, format_report, mean_ndcg
from matching.files import calls_from_notices
from matching.model import HAND_SET, load_model
from matching.profiles import call_profile, entry_from_profile, firm_entry
from matching.ranking import build_matcher, eligibility_table
from tests.conftest import FIXTURES

NOTICES = FIXTURES / "matching" / "notices.jsonl"
SPLIT = FIXTURES / "matching" / "split"


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_classify_cli_writes_domains_and_evidence(tmp_path):
    out = tmp_path / "c.jsonl"
    result = CliRunner().invoke(app, ["classify", "--input", str(NOTICES), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in _rows(out)}
    assert rows["fx-gasilska-oprema-2026"]["domains"] == ["safe_society"]
    assert rows["fx-kozolci-2019"]["domains"] == [] and rows["fx-kozolci-2019"]["evidence"] == {}
    assert rows["fx-gasilska-oprema-2026"]["evidence"]["safe_society"][0]["term"]


def test_match_cli_file_mode(tmp_path):
    out = tmp_path / "m.jsonl"
    result = CliRunner().invoke(
        app, ["match", "--input", str(NOTICES), "--firms", str(SPLIT / "firms.csv"), "--output", str(out), "--top", "2"]
    )
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert len(rows) == 6 * 2
    for row in rows:
        assert set(row) == {"firm_id", "call_id", "score", "eligible", "reasons"}
        assert 0 <= row["score"] <= 100 and row["eligible"] in (True, False, None)
        assert row["reasons"]["eligibility"] and row["reasons"]["relevance"]
    best = {r["firm_id"]: r for r in rows if r is next(x for x in rows if x["firm_id"] == r["firm_id"])}
    assert best["T01"]["call_id"] == "fx-gasilska-oprema-2026"
    assert best["T05"]["call_id"] == "fx-telemedicina-2026"
    assert best["T01"]["reasons"]["eligibility"][0] == "ste društvo v Zahodni kohezijski regiji"


def test_closed_calls_are_not_eligible_unless_included(tmp_path):
    out = tmp_path / "m.jsonl"
    args = ["match", "--input", str(NOTICES), "--firms", str(SPLIT / "firms.csv"), "--output", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    closed = [r for r in _rows(out) if r["call_id"] == "fx-kozolci-2019"]
    assert closed and all(r["eligible"] is False for r in closed)
    assert any("potekel" in reason for reason in closed[0]["reasons"]["eligibility"])
    assert CliRunner().invoke(app, [*args, "--include-closed"]).exit_code == 0
    reopened = [r for r in _rows(out) if r["call_id"] == "fx-kozolci-2019"]
    assert all(r["eligible"] is not False or "fizične" in " ".join(r["reasons"]["eligibility"]) for r in reopened)


def test_match_cli_needs_all_file_options(tmp_path):
    result = CliRunner().invoke(app, ["match", "--input", str(NOTICES)])
    assert result.exit_code == 2 and "--firms" in result.stderr


def test_evaluate_prints_figures_beside_the_baseline():
    report = evaluate_split(SPLIT / "dev", folds=1)
    assert report["folds"] == 1 and report["model"]["kind"] == load_model().kind
    assert report["domains"]["ours"]["micro_f1"]["mean"] >= report["domains"]["baseline"]["micro_f1"]["mean"]
    assert report["ranking"]["firms_judged"] == 6
    assert set(report["ranking"]) >= {"ours", "hand_set", "keyword", "bm25"}
    lines = format_report(report)
    assert any(line.startswith("domains micro_f1") for line in lines)
    assert any(line.startswith("ranking nDCG@5") for line in lines)
    result = CliRunner().invoke(app, ["evaluate", "--split", str(SPLIT / "dev"), "--folds", "2"])
    assert result.exit_code == 0 and "bm25" in result.output and "2-fold" in result.output


def test_mean_ndcg():
    judged = {"a": {"x": 3, "y": 1}}
    assert mean_ndcg(judged, {"a": [(2.0, "x"), (1.0, "y")]}) == pytest.approx(1.0)
    assert mean_ndcg(judged, {"a": [(1.0, "x"), (2.0, "y")]}) < 1.0


@pytest.fixture
def matcher():
    calls = calls_from_notices(NOTICES)
    firms = [entry_from_profile(p) for p in read_firms_csv(SPLIT / "firms.csv").firms]
    return build_matcher(firms, calls, dt.date(2026, 11, 24), include_closed=True)


def test_vectorised_scores_equal_the_formula_pair_by_pair():
    calls = calls_from_notices(NOTICES)
    firms = [entry_from_profile(p) for p in read_firms_csv(SPLIT / "firms.csv").firms]
    matcher = build_matcher(firms, calls, dt.date(2026, 11, 24), include_closed=True, model=HAND_SET)
    scores = np.vstack([block for _, block in matcher.chunks()])
    checked = 0
    weights = HAND_SET.weights
    for fi, firm in enumerate(matcher.firms):
        for ci, call in enumerate(matcher.calls):
            parts = matcher.components(fi, ci)
            relevance_value = min(1.0, max(0.0, sum(weights[k] * parts[k] for k in scoring.PARTS + ("text",))))
            verdict = assess(firm.klass, call.terms, dt.date(2026, 11, 24), include_closed=True).eligible
            factor = dict(zip((True, None, False), HAND_SET.factor))[verdict]
            # components are clipped per part; the matrix clips the sum: equal unless a part exceeds 1
            if max(parts.values()) < 1.0:
                assert scores[fi, ci] == pytest.approx(100 * relevance_value * factor, abs=0.05)
                checked += 1
    assert checked >= 10


def test_matcher_scores_are_the_model_on_the_pair_features(matcher):
    scores = np.vstack([block for _, block in matcher.chunks()])
    features = matcher.pair_features()
    assert features.shape == (len(matcher.firms) * len(matcher.calls), len(scoring.FEATURES))
    assert np.allclose(scores.ravel(), matcher.model.scores(features), atol=1e-3)
    assert matcher.model == load_model()


def test_projected_text_space_keeps_the_ranking(monkeypatch, matcher):
    exact = np.vstack([block for _, block in matcher.chunks()])
    monkeypatch.setattr(scoring, "EXACT_CALLS", 0)
    monkeypatch.setattr(scoring, "TEXT_DIMS", 6)  # as many dimensions as the 6 calls span: no loss
    projected = scoring.Matcher(matcher.firms, matcher.calls, *_table(matcher))
    approx = np.vstack([block for _, block in projected.chunks()])
    assert np.allclose(exact, approx, atol=1.0)


@pytest.mark.parametrize("model", [None, HAND_SET])  # the fitted model (link on the kept scores) and a factor table
def test_top_blocks_keep_the_best_calls_of_the_full_scores(matcher, model):
    if model is not None:
        matcher = scoring.Matcher(matcher.firms, matcher.calls, *_table(matcher), model=model)
    full = np.vstack([block for _, block in matcher.chunks()])
    parts = list(matcher.top_blocks(3))
    columns = np.vstack([c for _, c, _ in parts])
    values = np.vstack([v for _, _, v in parts])
    assert np.allclose(values, np.take_along_axis(full, columns, 1), atol=1e-4)
    assert np.allclose(values, -np.sort(-full, axis=1)[:, :3], atol=1e-4)


def _table(matcher):
    table, index, _ = eligibility_table(matcher.firms, matcher.calls, dt.date(2026, 11, 24), True)
    return table, index


def test_top_k_is_exact_including_ties_and_zero_rows():
    rng = np.random.default_rng(0)
    block = rng.random((50, 3000)).astype(np.float32)
    block[3] = 0.0  # a row of ties
    block[7, ::2] = 0.5
    cols, values = scoring.top_k(block, 20)
    for row in range(50):
        expected = np.sort(block[row])[::-1][:20]
        assert np.allclose(values[row], expected)
        assert np.allclose(block[row, cols[row]], values[row])


def test_trade_hints_tie_a_call_subject_to_skd_codes():
    call = call_profile("c", "Javni razpis za vgradnjo toplotnih črpalk v javnih stavbah", "", CallTerms())
    assert {"28.25", "43.22"} <= set(call.trades)
    maker = firm_entry("m", "Izdelovalec", "d.o.o.", "small", "Kranj", ["28.250"], "Izdeluje naprave.", [])
    baker = firm_entry("b", "Pekarna", "d.o.o.", "small", "Kranj", ["10.710"], "Peče kruh.", [])
    matcher = build_matcher([maker, baker], [call], dt.date(2026, 11, 24), include_closed=True)
    assert matcher.components(0, 0)["trade"] > 0 and matcher.components(1, 0)["trade"] == 0
