"""Firms teach the ranker: digest responses in the store become judgments for `fundscout train`
and `fundscout evaluate --feedback` (on both backends); guessed applicants never exclude a firm."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import FirmFeedback, utcnow
from fundscout.load import import_calls_file, read_firms_csv
from matching import learn
from matching.eligibility import assess
from matching.evaluate import evaluate_split
from matching.features import UNKNOWN_AUDIENCE
from matching.files import calls_from_notices
from matching.firms import import_firms_file
from matching.profiles import call_profile, call_terms, entry_from_profile
from matching.store import stored_feedback
from tests.conftest import FIXTURES

SPLIT = FIXTURES / "matching" / "split" / "dev"
FIRMS = FIXTURES / "matching" / "split" / "firms.csv"
TODAY = dt.date(2026, 12, 1)


def _store_with_feedback(tmp_path, url):
    """The fixture firms, two calls of the store's own, and three responses to them."""
    calls = [
        {
            "id": "st-polnilnice-2027",
            "url": "https://example.org/st/polnilnice",
            "source": "import",
            "title": "Javni poziv za polnilne postaje za električna vozila",
            "text": "Javni poziv za polnilne postaje\nSpodbude za e-mobilnost. Prijavijo se lahko podjetja.",
            "deadlines": ["2027-05-05"],
        },
        {
            "id": "st-gasilci-2027",
            "url": "https://example.org/st/gasilci",
            "source": "import",
            "title": "Javni razpis za gasilsko opremo",
            "text": "Javni razpis za gasilsko opremo\nSofinanciranje zaščitne opreme za gasilska društva.",
            "deadlines": ["2027-04-04"],
        },
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in calls), encoding="utf-8")
    import_calls_file(url, path)
    import_firms_file(url, FIRMS)
    responses = [("T01", "st-gasilci-2027", "applying"), ("T01", "st-polnilnice-2027", "not_relevant")]
    responses.append(("T04", "st-polnilnice-2027", "interested"))
    with session_scope(url) as session:
        for firm_id, call_id, status in responses:
            session.add(
                FirmFeedback(
                    firm_id=firm_id,
                    call_id=call_id,
                    status=status,
                    week="2026-W48",
                    source="t.xlsx",
                    received_at=utcnow(),
                )
            )


def _labelled():
    calls = calls_from_notices(SPLIT / "notices.jsonl")
    firms = [entry_from_profile(p) for p in read_firms_csv(FIRMS).firms]
    return firms, calls, learn.read_judgments(SPLIT / "judgments.jsonl", {c.call_id for c in calls})


def test_stored_responses_are_graded_judgments_of_answered_pairs_only(tmp_path, db_url):
    _store_with_feedback(tmp_path, db_url)
    feedback = stored_feedback(db_url)
    assert feedback.judgments == {
        "T01": {"st-gasilci-2027": 3, "st-polnilnice-2027": 0},
        "T04": {"st-polnilnice-2027": 2},
    }
    assert {f.firm_id for f in feedback.firms} == {"T01", "T04"}
    assert {c.call_id for c in feedback.calls} == {"st-gasilci-2027", "st-polnilnice-2027"}
    table = learn.feedback_table(feedback, TODAY)
    assert sorted(zip(table.firm_ids.tolist(), table.call_ids.tolist(), table.grades.tolist())) == [
        ("T01", "st-gasilci-2027", 3),
        ("T01", "st-polnilnice-2027", 0),
        ("T04", "st-polnilnice-2027", 2),
    ]  # T04 did not answer the other call: that pair is no judgment
    assert table.judged.all()

    firms, calls, judged = _labelled()
    plain = learn.train_model(firms, calls, judged, TODAY, split_name="dev", folds=2)
    taught = learn.train_model(firms, calls, judged, TODAY, split_name="dev", folds=2, feedback=feedback)
    assert taught.meta["trained_on"]["feedback"] == {"firms": 2, "calls": 2, "judgments": 3}
    assert "feedback" not in plain.meta["trained_on"]
    assert taught.meta["trained_on"]["inputs_sha256"] != plain.meta["trained_on"]["inputs_sha256"]
    assert taught.meta["trained_on"]["notices"] == plain.meta["trained_on"]["notices"]

    report = evaluate_split(SPLIT, FIRMS, folds=2, feedback=feedback)
    assert report["ranking"]["feedback_judgments"] == 3
    assert len(report["ranking"]["ours_feedback"]["folds"]) == 2


def test_train_and_evaluate_with_feedback_from_the_cli(tmp_path, fundscout_env):
    _store_with_feedback(tmp_path, fundscout_env)
    out = tmp_path / "model.json"
    args = ["train", "--split", str(SPLIT), "--firms", str(FIRMS), "--output", str(out), "--date", "2026-12-01"]
    result = CliRunner().invoke(app, [*args, "--folds", "2", "--feedback"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["trained_on"]["feedback"]["judgments"] == 3
    result = CliRunner().invoke(
        app,
        ["evaluate", "--split", str(SPLIT), "--firms", str(FIRMS), "--folds", "2", "--feedback", "--model", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "refitted with 3 feedback judgments" in result.output


def test_guessed_applicants_address_the_call_but_never_exclude_a_firm():
    firm = entry_from_profile(read_firms_csv(FIRMS).firms[0])
    guessed_text = "Javni razpis za opremo\nDruštva in društva ter društva so pogosto omenjena."
    terms = call_terms({"applicant_types": ["municipality"]}, guessed_text)
    assert terms.applicant_types == () and terms.guessed_applicants == ("municipality",)
    assert assess(firm.klass, terms, TODAY).eligible is None  # unknown stays unknown
    profile = call_profile("g", "Javni razpis za opremo", guessed_text, terms)
    assert profile.audience["municipality"] == 1.0 and profile.audience["ngo"] >= UNKNOWN_AUDIENCE
    stated = "Javni razpis za opremo\nNa razpis se lahko prijavijo občine."
    terms = call_terms({"applicant_types": ["municipality"]}, stated)
    assert terms.applicant_types == ("municipality",) and terms.guessed_applicants == ()
