"""The load step: validate a batch, merge each record into the call it belongs to, upsert with history.

`import_calls_file` serves `fundscout import-calls`; `load_feed` serves a crawl that passed its
gate; `load_firms` the firm registry. Each is all or nothing for call records: one bad row, or a
crash half-way, leaves the store as it was.
"""

from pathlib import Path

from fundscout.db import session_scope
from fundscout.load.firms import FirmReport, load_firms, read_firms_csv
from fundscout.load.merge import load_feed, load_run
from fundscout.load.read import BatchRejected, InputError, read_jsonl, validate_batch
from fundscout.load.upsert import LoadReport, load_records

__all__ = [
    "BatchRejected",
    "FirmReport",
    "InputError",
    "LoadReport",
    "import_calls_file",
    "load_feed",
    "load_firms",
    "load_records",
    "load_run",
    "read_firms_csv",
    "read_jsonl",
    "validate_batch",
]


def import_calls_file(database_url: str, path: Path) -> LoadReport:
    """`fundscout import-calls`: read, validate whole, then load in one transaction."""
    records = validate_batch(read_jsonl(path), str(path))
    with session_scope(database_url) as session:
        return load_records(session, records)
