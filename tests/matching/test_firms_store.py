"""Firm registry import, the store matcher (incremental) and consortium suggestions, on both backends."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import Call, CallDomain, Firm, Match
from fundscout.extract import extract_notice
from fundscout.load import import_calls_file, read_firms_csv
from fundscout.records import CallRecord
from matching.files import classify_file, match_file
from matching.firms import import_firms_file
from matching.store import match_store
from reports.briefs.consortium import suggest_consortium
from tests.conftest import FIXTURES

FIRMS = FIXTURES / "matching" / "split" / "firms.csv"
TODAY = dt.date(2026, 11, 24)
HEADER = "firm_id,name,legal_form,size_class,municipality,nace_codes,description,interests,email\n"


def _calls_file(tmp_path: Path) -> Path:
    """Call records (normalised schema) made from the test notices."""
    rows = []
    for notice in map(json.loads, (FIXTURES / "matching" / "notices.jsonl").read_text().splitlines()):
        title, _, rest = notice["text"].partition("\n")
        rows.append(
            {
                "id": notice["id"],
                "url": notice["url"],
                "source": "import",
                "title": title,
                "summary": rest[:400],
                "deadlines": ["2027-03-15"],
                "applicant_types": ["municipality"] if "e-storitve" in notice["id"] else [],
            }
        )
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_bad_rows_are_reported_by_row_and_field_and_good_rows_load(tmp_path, fundscout_env):
    bad = tmp_path / "firms.csv"
    bad.write_text(
        HEADER
        + (
            "A1,Dobro d.o.o.,d.o.o.,small,Kranj,62.010,Opis,e-storitve,a@example.com\n"
            "A2,Neznana koda d.o.o.,d.o.o.,small,Kranj,04.100,Opis,,\n"
            "A3,Nikjer d.o.o.,d.o.o.,small,Atlantida,62.010,Opis,,\n"
            "A4,Brez oblike,,small,Kranj,62.010,Opis,,\n"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["import-firms", str(bad)])
    assert result.exit_code == 2
    err = result.stderr
    assert "row 3, field 'nace_codes'" in err and "division 04" in err
    assert "row 4, field 'municipality'" in err and "Atlantida" in err
    assert "row 5, field 'legal_form'" in err and "missing" in err
    with session_scope(fundscout_env) as session:
        firms = session.scalars(select(Firm)).all()
        assert [f.firm_id for f in firms] == ["A1"]
        assert firms[0].domains == ["digital_platforms", "e_governance"]


def test_refresh_updates_never_duplicates(tmp_path, db_url):
    import_firms_file(db_url, FIRMS)
    changed = tmp_path / "firms.csv"
    text = FIRMS.read_text(encoding="utf-8").replace("Postavlja polnilne postaje", "Gradi in upravlja polnilne postaje")
    changed.write_text(text, encoding="utf-8")
    report = import_firms_file(db_url, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Firm)) == 6


def test_match_store_writes_domains_and_matches_incrementally(tmp_path, db_url):
    import_calls_file(db_url, _calls_file(tmp_path))
    import_firms_file(db_url, FIRMS)
    first = match_store(db_url, today=TODAY)
    assert first.pairs_written > 0 and first.pairs_unchanged == 0
    with session_scope(db_url) as session:
        call = session.get(Call, "fx-gasilska-oprema-2026")
        assert call.domains == ["safe_society"]
        stored = session.scalars(select(CallDomain).where(CallDomain.call_id == call.id)).all()
        assert stored[0].evidence and stored[0].evidence[0]["where"] in ("title", "text")
        best = session.scalars(select(Match).where(Match.call_id == call.id).order_by(Match.score.desc())).first()
        assert best.firm_id == "T01" and best.score > 50
        assert set(best.reasons) == {"eligibility", "relevance"}
        assert all(isinstance(r, str) for r in best.reasons["relevance"])
        kranj = session.get(Match, ("T02", "fx-e-storitve-obcine-2026"))
        assert kranj.eligible is True and kranj.reasons["eligibility"][0].startswith("ste občina")
        supplier = session.get(Match, ("T03", "fx-e-storitve-obcine-2026"))
        assert supplier.eligible is False
        assert any(r.startswith("ujemanje:") for r in supplier.reasons["relevance"])

    second = match_store(db_url, today=TODAY)
    assert second.pairs_written == 0 and second.pairs_scored == 0 and second.calls_classified == 0
    assert second.pairs_unchanged == first.pairs_written

    changed = tmp_path / "firms.csv"
    changed.write_text(
        FIRMS.read_text(encoding="utf-8").replace(
            "Zbira odpadke in predeluje plastiko", "Zbira odpadke, predeluje plastiko in gradi polnilnice"
        ),
        encoding="utf-8",
    )
    import_firms_file(db_url, changed)
    third = match_store(db_url, today=TODAY)
    assert third.pairs_scored == 6 and 0 < third.pairs_written <= 6  # only the changed firm's row of pairs
    with session_scope(db_url) as session:
        recomputed = session.scalars(
            select(Match).where(Match.computed_at == select(func.max(Match.computed_at)).scalar_subquery())
        ).all()
        assert {m.firm_id for m in recomputed} == {"T06"}


def test_consortium_has_kranj_as_lead_and_complementary_partners(tmp_path, db_url):
    import_calls_file(db_url, _calls_file(tmp_path))
    import_firms_file(db_url, FIRMS)
    match_store(db_url, today=TODAY)
    with session_scope(db_url) as session:
        team = suggest_consortium(session, "fx-e-storitve-obcine-2026")
    assert team[0]["firm_id"] == "T02" and team[0]["role"] == "lead"
    assert "Kranj" in team[0]["reason"]
    partners = [m for m in team if m["role"] == "partner"]
    assert partners and partners[0]["firm_id"] == "T03"
    assert len({m["firm_id"] for m in team}) == len(team)


def test_cli_match_store_and_read_firms(fundscout_env, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["import-calls", str(_calls_file(tmp_path))]).exit_code == 0
    assert runner.invoke(app, ["import-firms", str(FIRMS)]).exit_code == 0
    result = runner.invoke(app, ["match"])
    assert result.exit_code == 0, result.output
    assert "written" in result.output and "calls (re)classified" in result.output
    assert len(read_firms_csv(FIRMS).firms) == 6


def test_the_store_scores_a_call_as_the_file_mode_does(tmp_path, db_url):
    """A crawled call keeps its page text, so matching the store and matching the notice file
    give the same domains and the same score for every firm and call."""
    notices = FIXTURES / "matching" / "notices.jsonl"
    rows = []
    for notice in map(json.loads, notices.read_text(encoding="utf-8").splitlines()):
        found = extract_notice(notice["text"], notice["url"])
        fields = {k: v for k, v in found.record_fields().items() if k in CallRecord.model_fields}
        rows.append({"id": notice["id"], "url": notice["url"], "source": "import", **fields, "text": notice["text"]})
    calls = tmp_path / "calls.jsonl"
    calls.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    import_calls_file(db_url, calls)
    import_firms_file(db_url, FIRMS)
    match_store(db_url, today=TODAY, include_closed=True)
    out = tmp_path / "matches.jsonl"
    match_file(notices, FIRMS, out, include_closed=True, today=TODAY)

    from_file = {(r["firm_id"], r["call_id"]): r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    with session_scope(db_url) as session:
        stored = {(m.firm_id, m.call_id): m for m in session.scalars(select(Match))}
        stored_domains = {
            call_id: sorted(
                d for (d,) in session.execute(select(CallDomain.domain).where(CallDomain.call_id == call_id))
            )
            for call_id in {r["id"] for r in rows}
        }
    assert stored and set(stored) <= set(from_file)
    for pair, match in stored.items():
        assert match.score == pytest.approx(from_file[pair]["score"], abs=0.01), pair
        assert match.eligible == from_file[pair]["eligible"], pair
    classified = tmp_path / "domains.jsonl"
    classify_file(notices, classified)
    for row in map(json.loads, classified.read_text(encoding="utf-8").splitlines()):
        assert stored_domains[row["id"]] == sorted(row["domains"]), row["id"]
