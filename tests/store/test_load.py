"""The load step on both backends: idempotence, history, all-or-nothing batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundscout.db import session_scope
from fundscout.db.models import Call, CallHistory, CallSource
from fundscout.load import BatchRejected, import_calls_file, upsert


def call(**overrides) -> dict:
    base = {
        "id": "ul-2026-141-ob-4101-26",
        "url": "https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/2026014100012/",
        "source": "uradni_list",
        "title": "Javni razpis za sofinanciranje pametnih rešitev v občinah",
        "notice_number": "Ob-4101/26",
        "gazette_issue": "141/2026",
        "published_on": "2026-11-13",
        "call_type": "javni_razpis",
        "programme_period": "2021-2027",
        "eu_funded": True,
        "funds": ["ERDF"],
        "deadlines": ["2027-01-15"],
        "budget_eur": 1500000.0,
        "applicant_types": ["municipality"],
        "evidence": {"deadlines": "Rok za oddajo vlog je 15. 1. 2027."},
    }
    return base | overrides


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def snapshot(url: str) -> dict:
    """Everything the load step may touch, as plain values, for before/after comparisons."""
    with session_scope(url) as s:
        calls = {c.id: (c.content_hash, c.deadlines, c.budget_eur, c.title) for c in s.scalars(select(Call))}
        history = s.scalar(select(func.count()).select_from(CallHistory))
        sources = s.scalar(select(func.count()).select_from(CallSource))
    return {"calls": calls, "history": history, "sources": sources}


def test_same_batch_twice_changes_nothing(db_url, tmp_path):
    batch = write_jsonl(
        tmp_path / "calls.jsonl",
        [call(), call(id="eko-72sub-obn26", title="Javni poziv 72SUB-OBN26", notice_number=None, gazette_issue=None)],
    )
    first = import_calls_file(db_url, batch)
    before = snapshot(db_url)
    second = import_calls_file(db_url, batch)
    assert (first.created, first.changed) == (2, 0)
    assert (second.created, second.changed, second.unchanged) == (0, 0, 2)
    assert snapshot(db_url) == before
    assert before["history"] == 0 and before["sources"] == 2


def test_changed_deadline_gives_one_history_row_with_old_and_new(db_url, tmp_path):
    import_calls_file(db_url, write_jsonl(tmp_path / "a.jsonl", [call()]))
    report = import_calls_file(db_url, write_jsonl(tmp_path / "b.jsonl", [call(deadlines=["2027-02-15"])]))
    assert report.changed_ids == ["ul-2026-141-ob-4101-26"]
    import_calls_file(db_url, tmp_path / "b.jsonl")  # the same change again is no change
    with session_scope(db_url) as s:
        rows = s.scalars(select(CallHistory)).all()
        stored = s.get(Call, "ul-2026-141-ob-4101-26")
        assert len(rows) == 1
        assert rows[0].diff == {"deadlines": [["2027-01-15"], ["2027-02-15"]]}
        assert rows[0].kind == "update"
        assert stored.deadlines == ["2027-02-15"]
        assert stored.provenance["deadlines"]["url"].startswith("https://www.uradni-list.si/")


def test_amendment_is_recorded_as_such(db_url, tmp_path):
    import_calls_file(db_url, write_jsonl(tmp_path / "a.jsonl", [call()]))
    import_calls_file(db_url, write_jsonl(tmp_path / "b.jsonl", [call(call_type="amendment", budget_eur=2e6)]))
    with session_scope(db_url) as s:
        (row,) = s.scalars(select(CallHistory)).all()
        assert row.kind == "amendment"
        assert row.diff["budget_eur"] == [1500000.0, 2000000.0]


def test_one_invalid_row_rejects_the_batch_and_names_row_and_field(db_url, tmp_path):
    import_calls_file(db_url, write_jsonl(tmp_path / "good.jsonl", [call()]))
    before = snapshot(db_url)
    bad = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            call(deadlines=["2027-03-01"]),  # a valid change that must not land either
            call(id="second", published_on="13. 11. 2026"),
            call(id="third"),
        ],
    )
    with pytest.raises(BatchRejected) as caught:
        import_calls_file(db_url, bad)
    (error,) = caught.value.errors
    assert (error.row, error.field) == (2, "published_on")
    assert str(error).startswith(f"{bad}: row 2, field 'published_on'")
    assert snapshot(db_url) == before


def test_crash_mid_batch_leaves_previous_data(db_url, tmp_path, monkeypatch):
    import_calls_file(db_url, write_jsonl(tmp_path / "a.jsonl", [call(), call(id="other-call")]))
    before = snapshot(db_url)
    real_mark_seen, batches = upsert._mark_seen, []

    def crash_on_second_batch(session, batch, now):
        batches.append(batch)
        if len(batches) == 2:  # the first batch's updates are written by now
            raise RuntimeError("simulated crash half-way through the file")
        real_mark_seen(session, batch, now)

    monkeypatch.setattr(upsert, "BATCH_SIZE", 2)
    monkeypatch.setattr(upsert, "_mark_seen", crash_on_second_batch)
    batch = write_jsonl(
        tmp_path / "b.jsonl",
        [call(deadlines=["2027-05-05"]), call(id="other-call", budget_eur=1.0), call(id="new-call")],
    )
    with pytest.raises(RuntimeError):
        import_calls_file(db_url, batch)
    assert snapshot(db_url) == before


def test_same_call_from_a_second_page_adds_a_source(db_url, tmp_path):
    import_calls_file(db_url, write_jsonl(tmp_path / "a.jsonl", [call()]))
    import_calls_file(
        db_url,
        write_jsonl(tmp_path / "b.jsonl", [call(source="gov_si", url="https://www.gov.si/zbirke/javne-objave/x/")]),
    )
    with session_scope(db_url) as s:
        sources = sorted(s.scalars(select(CallSource.source)).all())
    assert sources == ["gov_si", "uradni_list"]


def test_a_source_without_domains_keeps_the_classified_ones(db_url, tmp_path):
    import_calls_file(db_url, write_jsonl(tmp_path / "a.jsonl", [call()]))
    with session_scope(db_url) as s:  # as the classifier in matching sets them
        s.get(Call, "ul-2026-141-ob-4101-26").domains = ["e_governance"]
    import_calls_file(db_url, write_jsonl(tmp_path / "b.jsonl", [call(deadlines=["2027-02-15"])]))
    with session_scope(db_url) as s:
        assert s.get(Call, "ul-2026-141-ob-4101-26").domains == ["e_governance"]
        (row,) = s.scalars(select(CallHistory)).all()
    assert set(row.diff) == {"deadlines"}
