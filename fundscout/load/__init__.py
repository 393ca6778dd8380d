"""The load step: validate a batch, merge each record into the call it belongs to, upsert with history.

`import_calls_file` serves `fundscout import-calls`; `load_feed` serves a crawl that passed its
gate; `load_firms` the firm registry. Each is all or nothing for call records: one bad row, or a
crash half-way, leaves the store as it was. Loads take the store's load lock, so two of them at
once run one after the other (`fundscout.db.lock_for_load`).
"""

from pathlib import Path

from fundscout.db import run_load
from fundscout.load.firms import FirmReport, load_firms, read_firms_csv
from fundscout.load.merge import load_feed, load_run
from fundscout.load.read import BatchRejected, InputError, iter_jsonl, read_jsonl, validate_batch, validated_chunks
from fundscout.load.upsert import BATCH_SIZE, LoadReport, load_records

__all__ = [
    "BatchRejected",
    "FirmReport",
    "InputError",
    "LoadReport",
    "import_calls_file",
    "iter_jsonl",
    "load_feed",
    "load_firms",
    "load_records",
    "load_run",
    "read_firms_csv",
    "read_jsonl",
    "validate_batch",
]


def import_calls_file(database_url: str, path: Path) -> LoadReport:
    """`fundscout import-calls`: stream, validate and load in one transaction under the load lock.

    A bad row anywhere raises BatchRejected and rolls back what the chunks before it loaded; a
    deadlock with another writer runs the whole import again (`fundscout.db.run_load`)."""

    def work(session) -> LoadReport:
        report = LoadReport()
        for chunk in validated_chunks(iter_jsonl(path), str(path), BATCH_SIZE):
            report.add(load_records(session, chunk))
        return report

    report, retries = run_load(database_url, work)
    report.retries = retries
    return report
