"""One call, several sources: cross-source matching and amendments, in the load path of a run.

A record from one source may describe a call already stored from another (Uradni list and the
ministry's own page). It is matched on the notice number first, then on a near-identical title,
and merged into the stored call: it fills the facts the call lacks (the call's own source keeps
the last word on the rest, so two sources never undo each other run after run), the call keeps
its id, and the source is recorded as one more page the call was seen on.

An amendment ("Sprememba") names the notice it amends. Its facts (new deadlines, budget, …)
update that call with a history row of kind "amendment"; later re-reads of the original notice
do not undo them. An amendment whose call is not stored is kept as a call of its own.

A crawl's feed is loaded through `load_feed`, inside the run's one transaction, streamed in
chunks under the store's load lock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db import lock_for_load
from fundscout.db.models import Call, CallHistory, CallSource
from fundscout.fields import AMENDABLE_FIELDS, TRACKED_FIELDS
from fundscout.load.read import iter_jsonl, validated_chunks
from fundscout.load.upsert import BATCH_SIZE, LoadReport, load_records
from fundscout.records import CallRecord

TITLE_SIMILARITY = 92  # rapidfuzz token_sort_ratio on folded titles; 100 = same words


def fold_title(title: str) -> str:
    """Lower case, no diacritics, no punctuation: `Javni razpis – »Zeleni«` -> `javni razpis zeleni`."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


class CallIndex:
    """The stored calls, looked up by id, by a page already seen, by notice number and by title."""

    def __init__(self, session: Session):
        rows = session.execute(select(Call.id, Call.title, Call.notice_number)).all()
        self.ids = {r.id for r in rows}
        self.by_notice = {r.notice_number: r.id for r in rows if r.notice_number}
        self.numbers = {r.id: r.notice_number for r in rows}
        self.folded = {r.id: fold_title(r.title) for r in rows}
        self.by_page: dict[tuple[str, str], str] = {}
        self.sources: dict[str, set[str]] = {}
        for seen in session.execute(select(CallSource.call_id, CallSource.source, CallSource.url)):
            self.by_page[(seen.source, seen.url)] = seen.call_id
            self.sources.setdefault(seen.call_id, set()).add(seen.source)

    def match(self, record: BaseModel) -> str | None:
        """Id of the stored call this record describes, or None for a new call."""
        if record.id in self.ids:
            return record.id
        if (record.source, record.url) in self.by_page:
            return self.by_page[(record.source, record.url)]
        if record.notice_number and record.notice_number in self.by_notice:
            return self.by_notice[record.notice_number]
        # A source lists a call once, so only calls it has not listed yet can be this one.
        candidates = {
            cid: folded
            for cid, folded in self.folded.items()
            if record.source not in self.sources.get(cid, ())
            and not _numbers_differ(self.numbers[cid], record.notice_number)
        }
        best = process.extractOne(
            fold_title(record.title), candidates, scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_SIMILARITY
        )
        return best[2] if best else None


def _numbers_differ(a: str | None, b: str | None) -> bool:
    return bool(a and b and a != b)


def _stored_values(call: Call) -> dict[str, Any]:
    return {name: getattr(call, name) for name in CallRecord.model_fields if name != "evidence"}


def _merge(base: dict[str, Any], update: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """`base` with each of `fields` taken from `update` where the update has a value."""
    merged = dict(base)
    for name in fields:
        if update.get(name) not in (None, [], ""):
            merged[name] = update[name]
    return merged


def _chunks(ids: list[str], size: int = BATCH_SIZE) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _amended_fields(session: Session, call_ids: list[str]) -> dict[str, set[str]]:
    """{call id: fields an amendment has set}: a re-read original notice must not undo them."""
    out: dict[str, set[str]] = {}
    for chunk in _chunks(call_ids):
        rows = session.scalars(
            select(CallHistory).where(CallHistory.call_id.in_(chunk), CallHistory.kind == "amendment")
        )
        for row in rows:
            out.setdefault(row.call_id, set()).update(row.diff)
    return out


def _resolve(session: Session, index: CallIndex, records: Sequence[BaseModel], taken: set[str]) -> list[BaseModel]:
    """Records re-keyed onto the stored calls they describe, merged with the stored facts.

    `taken` holds the ids the run has already loaded: two records of one run for one call, the
    first wins (it is updated with the ids resolved here)."""
    targets = {r.id: index.match(r) for r in records}
    wanted = sorted({t for t in targets.values() if t})
    stored = {c.id: c for chunk in _chunks(wanted) for c in session.scalars(select(Call).where(Call.id.in_(chunk)))}
    amended = _amended_fields(session, list(stored))
    resolved: list[BaseModel] = []
    for record in records:
        target = targets[record.id]
        values = record.model_dump()
        if target == record.id:  # the call's own source: its facts win, but it erases none
            values = _merge(_stored_values(stored[target]), values, TRACKED_FIELDS)
        elif target is not None:  # the same call from another source: it only fills gaps
            base = _stored_values(stored[target])
            values = _merge(base, values, [f for f in TRACKED_FIELDS if base[f] in (None, [], "")])
            values.update(id=target, url=record.url, source=record.source, evidence=record.evidence)
        for name in amended.get(target or "", ()):
            values[name] = getattr(stored[target], name)
        if values["id"] not in taken:
            taken.add(values["id"])
            resolved.append(CallRecord.model_validate(values))
    return resolved


def _apply_amendments(
    session: Session, amendments: Sequence[tuple[BaseModel, str]]
) -> tuple[list[BaseModel], list[BaseModel]]:
    """(updated calls, amendments kept as calls of their own because their call is unknown)."""
    numbers = sorted({number for _, number in amendments})
    by_notice = {
        c.notice_number: c
        for chunk in _chunks(numbers)
        for c in session.scalars(select(Call).where(Call.notice_number.in_(chunk)))
    }
    updated: dict[str, BaseModel] = {}
    orphans = []
    for record, number in amendments:
        call = by_notice.get(number)
        if call is None:
            orphans.append(record)
            continue
        base = updated[call.id].model_dump() if call.id in updated else _stored_values(call)
        values = _merge(base, record.model_dump(), AMENDABLE_FIELDS)
        values.update(
            url=record.url,
            source=record.source,
            evidence={k: v for k, v in record.evidence.items() if k in AMENDABLE_FIELDS},
        )
        updated[call.id] = CallRecord.model_validate(values)
    return list(updated.values()), orphans


def load_run_chunks(
    session: Session, chunks: Iterable[Sequence[BaseModel]], amends: dict[str, str], *, run_id: int | None = None
) -> LoadReport:
    """Load a run's validated records, chunk by chunk: merge across sources, then apply amendments.

    `amends` maps a record id to the notice number (`Ob-NNNN/YY`) of the call it amends; an
    entry must be there by the time its record's chunk arrives. The caller holds the load lock.
    Every chunk is matched against the store as it was when the run began, as one batch would be.
    """
    index = CallIndex(session)
    taken: set[str] = set()
    amendments: list[tuple[BaseModel, str]] = []
    report = LoadReport()
    for chunk in chunks:
        amendments += [(r, amends[r.id]) for r in chunk if amends.get(r.id)]
        plain = [r for r in chunk if not amends.get(r.id)]
        report.add(load_records(session, _resolve(session, index, plain, taken), run_id=run_id))
    updated, orphans = _apply_amendments(session, amendments)
    # load_records names a change by the record's type; these amend whatever their type
    report.add(load_records(session, updated, run_id=run_id, kind="amendment"))
    report.add(load_records(session, _resolve(session, CallIndex(session), orphans, set()), run_id=run_id))
    return report


def load_run(
    session: Session, records: Sequence[BaseModel], amends: dict[str, str], *, run_id: int | None = None
) -> LoadReport:
    """Load a run's validated records (all in hand) under the load lock; see `load_run_chunks`."""
    lock_for_load(session)
    return load_run_chunks(session, [records], amends, run_id=run_id)


def load_feed(session: Session, path: Path, *, run_id: int | None = None) -> LoadReport:
    """Validate and load a crawl's whole feed (JSONL; a row may name the notice it `amends`).

    The feed is streamed in chunks inside the caller's transaction, under the load lock; any
    bad row raises InputError at the end, and the caller's rollback leaves nothing loaded.
    StoreBusy when another load holds the store too long.
    """
    lock_for_load(session)
    amends: dict[str, str] = {}

    def rows() -> Iterator[tuple[int, Any]]:
        for number, row in iter_jsonl(path):
            if isinstance(row, dict) and "amends" in row:
                amends[row.get("id")] = row.pop("amends")
            yield number, row

    return load_run_chunks(session, validated_chunks(rows(), str(path), BATCH_SIZE), amends, run_id=run_id)
