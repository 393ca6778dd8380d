"""The labelled dev split through `fundscout extract` and the shared scorer, held at its floors."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.extract import extract_notice
from fundscout.extract.evaluate import baseline_scores, extraction_scores
from fundscout.records import CallRecord
from tests.conftest import SHARED_DIR

SPLIT = SHARED_DIR / "eval" / "dev"
pytestmark = pytest.mark.skipif(not (SPLIT / "notices.jsonl").exists(), reason="shared eval folder is absent")

# Floors on the 133-notice development set, just under today's figures: a change that loses
# ground on real notices fails here. Figures are whole-set, not cross-validated (README, Figures).
AIMS = {
    "notice_number": 0.95,
    "gazette_issue": 0.85,
    "published_on": 0.75,
    "programme_period": 0.88,
    "eu_funded": 0.9,
    "deadlines": 0.79,
    "budget_eur": 0.64,
}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev") / "x.jsonl"
    result = CliRunner().invoke(app, ["extract", "--input", str(SPLIT / "notices.jsonl"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    run = subprocess.run(
        [sys.executable, str(SHARED_DIR / "eval" / "score.py"), "extract", str(SPLIT), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout[: run.stdout.rindex("}") + 1])
    return report


def test_dev_split_meets_the_aims(scored):
    accuracy = scored["accuracy"]
    assert scored["missing_ids"] == 0
    short = {f: accuracy[f] for f, aim in AIMS.items() if accuracy[f] is not None and accuracy[f] < aim}
    assert not short, f"below the aim: {short}"


def test_extraction_scores_agree_with_the_shared_scorer(scored):
    rows = [json.loads(line) for line in (SPLIT / "notices.jsonl").read_text("utf-8").splitlines() if line.strip()]
    ours = extraction_scores(rows)
    assert ours == {f: v for f, v in scored["accuracy"].items() if v is not None}
    baseline = baseline_scores(rows)
    assert baseline["deadlines"] < ours["deadlines"] and baseline["eu_funded"] < ours["eu_funded"]


def test_every_dev_notice_gives_a_valid_record():
    for line in (SPLIT / "notices.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        found = extract_notice(row["text"], row["url"])
        fields = {"title": "?", **found.record_fields()}
        CallRecord.model_validate(
            {"id": "dev-1", "url": row["url"], "source": "test", **fields, "evidence": found.evidence}
        )
