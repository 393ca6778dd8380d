"""A short soak of the store on PostgreSQL (benchmarks/soak.py runs the long one).

Concurrent loaders (import and crawl path), the matcher, two digest builders sending the same
weeks and a loader killed half-way through a batch, in processes of their own; then the store is
checked by the script and again here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundscout.db import session_scope
from fundscout.db.models import Call, CallHistory, DigestOutbox
from tests.conftest import _empty_tables

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


@pytest.mark.slow
def test_short_soak_keeps_every_write_once_and_sends_no_digest_twice(postgres_url, tmp_path):
    _empty_tables(postgres_url)
    try:
        done = subprocess.run(
            [sys.executable, str(SOAK), "--url", postgres_url, "--seconds", "12", "--loaders", "3", "--calls", "100"],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=SOAK.parents[1],
        )
        lines = dict(
            line.split(" ", 1) for line in done.stdout.splitlines() if line.startswith(("figures", "problems"))
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        figures, problems = json.loads(lines["figures"]), json.loads(lines["problems"])
        assert problems == []
        assert figures["batches"] >= 3 and set(figures["batches_by_path"]) == {"import", "crawl"}
        assert figures["failures"] == 0 and figures["killed_mid_batch"] == 1
        assert figures["digests_sent"] > 0 and figures["digests_sent_twice"] == 0
        with session_scope(postgres_url) as s:
            assert s.scalar(select(func.count()).select_from(Call)) == 100
            assert s.scalar(select(func.count()).select_from(CallHistory)) == figures["rows_changed"]
            assert s.scalar(select(func.count()).where(Call.budget_eur == 9_999_999.0)) == 0  # the killed batch
            sent = s.scalar(select(func.count()).select_from(DigestOutbox).where(DigestOutbox.status == "sent"))
            assert sent == figures["digests_sent"]
    finally:
        _empty_tables(postgres_url)
