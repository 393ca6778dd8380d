"""The Airflow-free job layer: retry policy for refused crawls, the digest week, XCom summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fundscout.jobs import iso_week, retry_may_help, summary


@pytest.mark.parametrize(
    ("run_summary", "retry"),
    [
        ({}, True),  # killed or crashed before writing its summary
        ({"failure_kind": "killed"}, True),  # stopped at the timeout
        ({"failure_kind": "network"}, True),  # DNS, refused, TLS, timeouts: the site may be back
        ({"failure_kind": "http"}, True),  # the server answered 5xx
        ({"failure_kind": "layout"}, False),  # nothing found: the layout changed
        ({"failure_kind": "errors"}, False),  # pages not recognised
        ({"failure_kind": "monitor"}, False),  # too many invalid items, missing fields
        ({"failure_kind": "load"}, False),  # the feed was refused by the store
    ],
)
def test_only_passing_failures_are_retried(run_summary, retry):
    assert retry_may_help(run_summary) is retry


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), "2026-W48"),  # Monday 07:00 in Ljubljana
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "2026-W48"),  # already Monday in Ljubljana
        (datetime(2027, 1, 1, 12, 0, tzinfo=UTC), "2026-W53"),
        (datetime(2029, 12, 31, 12, 0, tzinfo=UTC), "2030-W01"),
    ],
)
def test_digest_week_is_the_iso_week_in_ljubljana(moment, week, monkeypatch):
    monkeypatch.delenv("FUNDSCOUT_TIMEZONE", raising=False)
    assert iso_week(moment) == week


@dataclass
class _Report:
    created: int
    out_dir: Path
    call_ids: list[str] = field(default_factory=list)
    when: datetime | None = None


def test_summaries_are_plain_json_for_xcom():
    report = _Report(2, Path("/tmp/x"), ["a", "b"], datetime(2026, 11, 23, tzinfo=UTC))
    assert summary(report) == {
        "created": 2,
        "out_dir": "/tmp/x",
        "call_ids": ["a", "b"],
        "when": "2026-11-23T00:00:00+00:00",
    }
