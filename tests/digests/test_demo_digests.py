"""The demo's digest stage: one workbook and one .eml per sample firm with a match, nothing sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from fundscout.config import Settings
from fundscout.db import session_scope
from fundscout.db.models import Call, Firm, Match
from fundscout.demo import _digest_stage, run_demo
from fundscout.digest.collect import is_open


def _expected_firms(url: str) -> set[str]:
    """Subscribed sample firms with an e-mail and a match (score >= 30, not ineligible) on an open call."""
    with session_scope(url) as session:
        rows = session.execute(select(Firm.firm_id, Call)
                               .join(Match, Match.firm_id == Firm.firm_id).join(Call, Call.id == Match.call_id)
                               .where(Firm.subscribed.is_(True), Firm.email.is_not(None), Match.score >= 30,
                                      Match.eligible.is_not(False)))
        return {firm for firm, call in rows if is_open(call, dt.date.today())}


def test_demo_writes_a_digest_per_matched_firm(tmp_path: Path) -> None:
    cfg = Settings.from_env({"FUNDSCOUT_HOME": str(tmp_path)})
    lines = list(run_demo(cfg))
    home = tmp_path / "demo"
    url = f"sqlite:///{home / 'fundscout.db'}"
    expected = _expected_firms(url)
    written = {p.name.rsplit("-", 2)[0] for p in (home / "digests").glob("*.xlsx")}
    assert written == expected
    assert {p.name.rsplit("-", 2)[0] for p in (home / "outbox").glob("*.eml")} == expected
    if not expected:  # the matcher has not run in the demo yet
        assert any("no firm matched" in line for line in lines)

    # with matches in the store (as the matcher writes them) the stage writes their digests
    with session_scope(url) as session:
        open_call = next(c for c in session.scalars(select(Call).order_by(Call.id))
                         if is_open(c, dt.date.today()))
        for firm_id in ("S02", "S03"):
            session.merge(Match(firm_id=firm_id, call_id=open_call.id, score=77.0, eligible=True,
                                reasons={"eligibility": ["Podjetje je MSP."], "relevance": ["Ustreza."]},
                                inputs_hash="demo", computed_at=dt.datetime.now(dt.UTC)))
    lines = list(_digest_stage(replace(cfg, home=home, database_url=url)))
    written = {p.name.rsplit("-", 2)[0] for p in (home / "digests").glob("*.xlsx")}
    assert written == _expected_firms(url) and {"S02", "S03"} <= written
    assert "digests for" in lines[0]
