"""The one call-status rule (fundscout/status.py), on stored calls and on plain dates."""

from __future__ import annotations

import datetime as dt

import pytest

from fundscout.db import session_scope
from fundscout.db.models import Call
from fundscout.load import import_calls_file
from fundscout.status import CallDates, call_status, deadline_to_show, is_open, next_deadline

DAY = dt.date(2026, 12, 1)


def dates(*isos: str, **flags) -> CallDates:
    return CallDates(tuple(dt.date.fromisoformat(d) for d in isos), **flags)


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (dates("2026-12-15"), "open"),
        (dates(), "open"),  # no date known: open until a source says otherwise
        (dates("2026-11-30"), "closed"),
        (dates("2026-12-01"), "open"),  # the deadline day itself still counts
        (dates("2026-12-15", withdrawn=True), "withdrawn"),
        (dates("2026-12-15", source_status="closed"), "closed"),
        (dates(source_status="forthcoming"), "forthcoming"),
        (dates("2027-02-01", opens_on=dt.date(2026, 12, 10)), "forthcoming"),
        (dates("2027-02-01", opens_on=dt.date(2026, 12, 1)), "open"),
        (dates("2027-02-01", opens_on=dt.date(2026, 11, 1), source_status="forthcoming"), "open"),
    ],
)
def test_status_on_a_day(call, status):
    assert call_status(call, DAY) == status
    assert is_open(call, DAY) is (status in ("open", "forthcoming"))


def test_several_cut_off_dates_give_the_next_one():
    call = dates("2026-10-01", "2027-01-15", "2027-04-15")
    assert next_deadline(call, DAY) == dt.date(2027, 1, 15)
    assert deadline_to_show(call, DAY) == dt.date(2027, 1, 15)
    after = dt.date(2027, 5, 1)
    assert next_deadline(call, after) is None and deadline_to_show(call, after) == dt.date(2027, 4, 15)


def test_a_stored_first_come_call_closes_after_its_last_date(db_url, tmp_path):
    # "do porabe sredstev, najpozneje 30. 9. 2026": open until the money is gone, at the latest that day
    feed = tmp_path / "calls.jsonl"
    feed.write_text(
        '{"id": "fc-1", "url": "https://www.ekosklad.si/x", "source": "import", "title": "Javni poziv za e-vozila",'
        ' "until_funds_spent": true, "deadlines": ["2026-09-30"]}\n'
        '{"id": "fc-2", "url": "https://www.ekosklad.si/y", "source": "import", "title": "Javni poziv za kolesa",'
        ' "until_funds_spent": true}\n',
        encoding="utf-8",
    )
    import_calls_file(db_url, feed)
    with session_scope(db_url) as session:
        dated, undated = session.get(Call, "fc-1"), session.get(Call, "fc-2")
        assert call_status(dated, dt.date(2026, 9, 30)) == "open"
        assert call_status(dated, DAY) == "closed"
        assert call_status(undated, DAY) == "open"
