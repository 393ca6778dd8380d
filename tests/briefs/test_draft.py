"""draft_briefs and `fundscout briefs`: which calls get briefs, what is stored and written, re-review flags."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import AuditLog, Brief
from reports.briefs import draft_briefs
from tests.brief_seed import DIGITAL_CALL, MOBILITY_CALL, TODAY, load_calls, seed_store


def stored_briefs(url: str) -> list[Brief]:
    with session_scope(url) as session:
        return list(session.scalars(select(Brief).order_by(Brief.call_id, Brief.lang)))


def test_only_calls_above_the_threshold_get_briefs(db_url: str, tmp_path: Path) -> None:
    seed_store(db_url)
    # Best eligible scores: digital 85, mobility 55 (the ineligible firm never counts).
    drafted = draft_briefs(db_url, min_score=60, lang="sl", out_dir=tmp_path, today=TODAY)
    assert [(d.call_id, d.score, d.outcome) for d in drafted] == [(DIGITAL_CALL["id"], 85.0, "created")]
    drafted = draft_briefs(db_url, min_score=50, lang="sl", out_dir=tmp_path, today=TODAY)
    assert [(d.call_id, d.outcome) for d in drafted] == [
        (DIGITAL_CALL["id"], "unchanged"),
        (MOBILITY_CALL["id"], "created"),
    ]
    # Domain fit: digital 0.9, mobility 0.8.
    assert [
        d.call_id for d in draft_briefs(db_url, min_score=50, min_fit=0.85, lang="sl", out_dir=tmp_path, today=TODAY)
    ] == [DIGITAL_CALL["id"]]
    briefs = stored_briefs(db_url)
    assert [(b.call_id, b.lang, b.status, b.score) for b in briefs] == [
        (DIGITAL_CALL["id"], "sl", "draft", 85.0),
        (MOBILITY_CALL["id"], "sl", "draft", 55.0),
    ]
    assert briefs[0].markdown.startswith("# Osnutek projektne zamisli: Javni razpis za digitalne storitve")


def test_files_in_all_three_formats_and_both_languages(db_url: str, tmp_path: Path) -> None:
    seed_store(db_url)
    out = tmp_path / "briefs"
    for lang in ("sl", "en"):
        draft_briefs(db_url, min_score=80, lang=lang, out_dir=out, today=TODAY)
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"test-2026-digital.{lang}.{ext}" for lang in ("en", "sl") for ext in ("docx", "html", "md")]
    assert "Draft project brief" in (out / "test-2026-digital.en.md").read_text(encoding="utf-8")
    assert (
        docx.Document(str(out / "test-2026-digital.sl.docx")).paragraphs[0].text.startswith("Osnutek projektne zamisli")
    )


def test_call_chosen_by_hand_gets_a_brief_below_the_threshold(db_url: str, tmp_path: Path) -> None:
    seed_store(db_url)
    drafted = draft_briefs(
        db_url, min_score=99, lang="en", out_dir=tmp_path, call_ids=[MOBILITY_CALL["id"]], today=TODAY
    )
    assert [(d.call_id, d.score) for d in drafted] == [(MOBILITY_CALL["id"], 55.0)]
    with pytest.raises(LookupError, match="no-such-call"):
        draft_briefs(db_url, min_score=99, lang="en", out_dir=tmp_path, call_ids=["no-such-call"])


def test_changed_call_flags_its_brief_for_rereview(db_url: str, tmp_path: Path) -> None:
    seed_store(db_url)
    draft_briefs(db_url, min_score=80, lang="sl", out_dir=tmp_path, today=TODAY)
    load_calls(db_url, {**DIGITAL_CALL, "deadlines": ["2027-02-01"], "call_type": "amendment"})
    drafted = draft_briefs(db_url, min_score=80, lang="sl", out_dir=tmp_path, today=TODAY)
    assert [d.outcome for d in drafted] == ["flagged"]
    brief = stored_briefs(db_url)[0]
    assert brief.needs_rereview
    assert "1. 2. 2027" in brief.markdown  # the text shows the new deadline
    assert "Razpis je bil spremenjen (1×)" in brief.markdown
    with session_scope(db_url) as session:
        actions = list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["brief_drafted", "brief_flagged"]


def test_cli_briefs_writes_files_and_refuses_a_bad_language(fundscout_env: str, tmp_path: Path) -> None:
    seed_store(fundscout_env)
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(app, ["briefs", "--min-score", "80", "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 briefs drafted" in result.output
    assert (out / "test-2026-digital.en.docx").exists()
    result = runner.invoke(app, ["briefs", "--lang", "de"])
    assert result.exit_code == 2
    assert "unknown language 'de'" in result.output
    result = runner.invoke(app, ["briefs", "--call", "missing-call", "--out", str(out)])
    assert result.exit_code == 2
    assert "missing-call" in result.output
