"""`fundscout demo` as a user runs it: one run of the whole pipeline on the bundled sample site,
checked stage by stage (crawl, firms, match, digests, briefs)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.config import DATA_DIR, Settings
from fundscout.db import session_scope
from fundscout.db.models import Call, Firm, Match, ScrapeRun
from fundscout.demo import _digest_stage
from fundscout.status import is_open
from scrapers.runner import spider_names


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path, str]:
    """Run `fundscout demo` once from the CLI; (printed lines, demo folder, database URL)."""
    home = tmp_path_factory.mktemp("fundscout_home")
    result = CliRunner().invoke(app, ["demo"], env={"FUNDSCOUT_HOME": str(home)})
    assert result.exit_code == 0, result.output
    demo_dir = home / "demo"
    return result.output.splitlines(), demo_dir, f"sqlite:///{demo_dir / 'fundscout.db'}"


def count(url: str, model) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_demo_crawls_every_source_and_loads_the_sample_firms(demo) -> None:
    lines, _, url = demo
    with session_scope(url) as session:
        verdicts = dict(session.execute(select(ScrapeRun.source, ScrapeRun.verdict)).all())
    assert verdicts == {name: "loaded" for name in spider_names()}
    assert sum(line.strip().startswith("crawl:") for line in lines) == len(spider_names())
    assert count(url, Call) >= 30
    firm_rows = sum(1 for line in (DATA_DIR / "sample" / "firms.csv").open(encoding="utf-8")) - 1
    assert count(url, Firm) == firm_rows


def test_demo_matches_firms_to_calls(demo) -> None:
    lines, _, url = demo
    with session_scope(url) as session:
        eligible = session.scalar(select(func.count()).select_from(Match).where(Match.eligible.is_(True)))
    assert eligible > 0
    assert any(line.strip().startswith("match:") for line in lines)


def _expected_digest_firms(url: str) -> set[str]:
    """Subscribed sample firms with an e-mail and a match (score >= 30, not ineligible) on an open call."""
    with session_scope(url) as session:
        rows = session.execute(
            select(Firm.firm_id, Call)
            .join(Match, Match.firm_id == Firm.firm_id)
            .join(Call, Call.id == Match.call_id)
            .where(Firm.subscribed.is_(True), Firm.email.is_not(None), Match.score >= 30, Match.eligible.is_not(False))
        )
        return {firm for firm, call in rows if is_open(call, dt.date.today())}


def test_demo_writes_a_digest_and_an_email_per_matched_firm(demo) -> None:
    _, demo_dir, url = demo
    expected = _expected_digest_firms(url)
    assert expected
    assert {p.name.rsplit("-", 2)[0] for p in (demo_dir / "digests").glob("*.xlsx")} == expected
    # every subscribed firm hears from us: the others get a short "nothing fits" note
    with session_scope(url) as session:
        receiving = set(session.scalars(select(Firm.firm_id).where(Firm.subscribed.is_(True), Firm.email.is_not(None))))
    assert expected <= receiving
    assert {p.name.rsplit("-", 2)[0] for p in (demo_dir / "outbox").glob("*.eml")} == receiving


def test_digest_stage_follows_new_matches(demo, tmp_path: Path) -> None:
    _, demo_dir, _ = demo
    copy = tmp_path / "demo"
    shutil.copytree(demo_dir, copy)
    url = f"sqlite:///{copy / 'fundscout.db'}"
    with session_scope(url) as session:
        open_call = next(c for c in session.scalars(select(Call).order_by(Call.id)) if is_open(c, dt.date.today()))
        for firm_id in ("S02", "S03"):
            session.merge(
                Match(
                    firm_id=firm_id,
                    call_id=open_call.id,
                    score=77.0,
                    eligible=True,
                    reasons={"eligibility": ["Podjetje je MSP."], "relevance": ["Ustreza."]},
                    inputs_hash="demo",
                    computed_at=dt.datetime.now(dt.UTC),
                )
            )
    cfg = Settings.from_env({"FUNDSCOUT_HOME": str(tmp_path)})
    lines = list(_digest_stage(replace(cfg, home=copy, database_url=url)))
    written = {p.name.rsplit("-", 2)[0] for p in (copy / "digests").glob("*.xlsx")}
    assert written == _expected_digest_firms(url) and {"S02", "S03"} <= written
    assert "digests for" in lines[0]


def test_demo_writes_briefs_for_its_best_calls(demo) -> None:
    lines, demo_dir, _ = demo
    briefs_line = next(line for line in lines if line.strip().startswith("briefs:"))
    out = demo_dir / "briefs"
    files = sorted(p.name for p in out.iterdir())
    calls = {name.split(".")[0] for name in files}
    assert calls and len(files) == len(calls) * 6  # sl and en, each .md/.html/.docx
    assert f"for the {len(calls)} best calls" in briefs_line
    for name in files:
        if name.endswith(".docx"):
            assert docx.Document(str(out / name)).paragraphs[0].text
        else:
            assert (out / name).read_text(encoding="utf-8").strip()
