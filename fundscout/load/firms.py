"""The firm registry: the firm CSV read and validated row by row, then loaded by firm_id; or the
business register's export, loaded by matična številka.

A bad row is reported by row and field and skipped; the good rows still load.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundscout.db import lock_for_load
from fundscout.db.models import Firm, utcnow
from fundscout.fields import FIRM_COLUMNS, FIRM_FIELDS, LEGAL_FORMS, SIZE_CLASSES
from fundscout.load.read import InputError, unreadable
from fundscout.records import FirmRecord, RecordError, content_hash, errors_from_validation
from fundscout.reference import find_municipality, nace_divisions
from fundscout.registry import firm_id_of, registry_number


@dataclass
class FirmFile:
    firms: list[FirmRecord]
    errors: list[RecordError]


def read_firms_csv(path: Path) -> FirmFile:
    """Parse and validate a firm CSV. Problems with the file itself raise InputError.

    A row with more or fewer fields than the header is refused whole: an unquoted comma would
    otherwise shift a description into the interests."""
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([RecordError(name, None, None, "not UTF-8; save the file as UTF-8")]) from exc
    except OSError as exc:
        raise unreadable(name, exc) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError([RecordError(name, 1, None, f"not a CSV header row: {exc}")]) from exc
    if not header:
        raise InputError(
            [RecordError(name, None, None, f"file is empty: expected a header row {','.join(FIRM_COLUMNS)}")]
        )
    unknown = [c for c in header if c not in FIRM_COLUMNS]
    missing = [f.name for f in FIRM_FIELDS if f.required and f.name not in header]
    if unknown or missing:
        problems = [RecordError(name, 1, c, "unknown column") for c in unknown]
        problems += [RecordError(name, 1, c, "required column is missing") for c in missing]
        raise InputError(problems)
    firms, errors, seen = [], [], set()
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            errors.append(RecordError(name, reader.line_num, None, f"not a CSV row: {exc}"))
            continue
        if cells is None:
            break
        number = reader.line_num
        if not cells:  # a blank line
            continue
        if len(cells) != len(header):
            errors.append(
                RecordError(
                    name,
                    number,
                    None,
                    f"{len(cells)} fields where the header has {len(header)}; "
                    "put a value that contains a comma in double quotes",
                )
            )
            continue
        try:
            firm = FirmRecord.model_validate(dict(zip(header, cells, strict=True)))
        except ValidationError as exc:
            errors.extend(errors_from_validation(exc, name, number))
            continue
        if firm.firm_id in seen:
            errors.append(RecordError(name, number, "firm_id", f"duplicate firm_id {firm.firm_id!r}"))
            continue
        seen.add(firm.firm_id)
        firms.append(firm)
    if not firms and not errors:
        raise InputError([RecordError(name, None, None, "file has a header but no firms")])
    return FirmFile(firms, errors)


@dataclass
class FirmReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RecordError] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged firms; "
            f"{len(self.rejected)} rows rejected"
        )


def load_firms(
    session: Session, firms: Sequence[BaseModel], domains_of: Callable[[Any], list[str]], now: dt.datetime | None = None
) -> FirmReport:
    """Insert or refresh firms (FirmRecord) by firm_id, never duplicating one.

    `domains_of` gives a firm's domains; matching owns that rule (matching/firms.py).
    """
    lock_for_load(session)  # two imports of one registry: the second waits, never inserts a firm twice
    now = now or utcnow()
    report = FirmReport()
    for profile in firms:
        values = profile.model_dump()
        digest = content_hash(values)
        firm = session.get(Firm, profile.firm_id)
        if firm is None:
            session.add(
                Firm(
                    **values,
                    domains=domains_of(profile),
                    subscribed=True,
                    content_hash=digest,
                    created_at=now,
                    updated_at=now,
                )
            )
            report.created += 1
        elif firm.content_hash != digest:
            for key, value in values.items():
                setattr(firm, key, value)
            firm.domains = domains_of(profile)
            firm.content_hash, firm.updated_at = digest, now
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report


# --- the business register's export (AJPES): matična številka, name, address, municipality, main SKD ---

# Header names (accents, case and spacing ignored) of each column in the register's export.
REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "registry_number": ("maticna stevilka", "maticna_stevilka", "ms", "registration number"),
    "name": ("naziv", "ime", "firma", "name"),
    "address": ("naslov", "address"),
    "municipality": ("obcina", "municipality"),
    "main_nace": ("glavna dejavnost", "skd", "sifra dejavnosti", "glavna dejavnost skd", "main activity"),
    "legal_form": ("oblika", "pravnoorganizacijska oblika", "legal form"),
    "size_class": ("velikost", "size"),
}
REGISTER_REQUIRED = ("registry_number", "name", "municipality", "main_nace")
# The register's export has no size class: a firm new to the store gets the class of most firms in
# the register until it (on its profile page) or the operator says otherwise.
REGISTER_DEFAULT_SIZE = "micro"
SIZE_WORDS = {"mikro": "micro", "majhna": "small", "mala": "small", "srednja": "medium", "velika": "large"}
_SKD_IN_REGISTER = re.compile(r"[A-Ua-u]?\s*(\d{2}(?:\.\d{1,3})?)")


def _header_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("_", " ").replace(".", " ").split())


def register_columns(header: Sequence[str]) -> dict[str, str] | None:
    """Column of each register field when `header` is the register's export, else None."""
    keys = {_header_key(h): h for h in header if h}
    found = {}
    for field_name, names in REGISTER_COLUMNS.items():
        for name in names:
            if _header_key(name) in keys:
                found[field_name] = keys[_header_key(name)]
                break
    return found if all(f in found for f in REGISTER_REQUIRED) else None


def is_register_export(path: Path) -> bool:
    """Whether the file's header is the register's export rather than the firm CSV."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            first = f.readline()
    except OSError:
        return False  # read_firms_csv reports the file
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter), [])
    return "firm_id" not in header and register_columns(header) is not None


def _legal_form_in_name(name: str) -> str | None:
    """The legal form a register name ends with (`Kolesa Kranj, d.o.o.`)."""
    folded = re.sub(r"\s+", "", name.casefold()).rstrip(",")
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if folded.endswith(re.sub(r"\s+", "", form)):
            return form
    return None


@dataclass
class RegisterRow:
    source: str  # file name and row, for a problem found when loading
    line: int
    registry_number: str
    name: str
    address: str | None
    municipality: str
    main_nace: str
    legal_form: str | None
    size_class: str | None


def read_register_csv(path: Path) -> tuple[list[RegisterRow], list[RecordError]]:
    """Parse the register's export (comma or semicolon separated, UTF-8). Bad rows are reported by
    row and field and skipped; problems with the file itself raise InputError."""
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([RecordError(name, 0, None, "not UTF-8; save the file as UTF-8")]) from exc
    except OSError as exc:
        raise InputError([RecordError(name, 0, None, f"cannot read file: {exc.strerror}")]) from exc
    first = text.splitlines()[0] if text else ""
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    columns = register_columns(reader.fieldnames or [])
    if columns is None:
        raise InputError([RecordError(name, 1, None, "not the business register's export: " + _register_hint())])
    rows, errors, seen = [], [], set()
    for row in reader:
        number, line = row.get(columns["registry_number"]) or "", reader.line_num
        problems: list[RecordError] = []

        def cell(field_name: str, row: dict[str, str] = row) -> str:
            column = columns.get(field_name)
            return " ".join((row.get(column) or "").split()) if column else ""

        try:
            number = registry_number(number)
        except ValueError as exc:
            problems.append(RecordError(name, line, columns["registry_number"], str(exc)))
        firm_name = cell("name")
        if not firm_name:
            problems.append(RecordError(name, line, columns["name"], "name is missing"))
        municipality = find_municipality(cell("municipality"))
        if municipality is None:
            problems.append(
                RecordError(name, line, columns["municipality"], f"unknown municipality {cell('municipality')!r}")
            )
        skd = _SKD_IN_REGISTER.fullmatch(cell("main_nace"))
        if not skd or skd[1][:2] not in nace_divisions():
            problems.append(
                RecordError(
                    name, line, columns["main_nace"], f"{cell('main_nace')!r} is not an SKD 2008 code like 62.010"
                )
            )
        form = cell("legal_form")
        legal_form = _legal_form_in_name(form) if form else _legal_form_in_name(firm_name)
        if form and legal_form is None:
            problems.append(RecordError(name, line, columns["legal_form"], f"unknown legal form {form!r}"))
        size = cell("size_class").casefold()
        size_class = SIZE_WORDS.get(size, size) or None
        if size_class and size_class not in SIZE_CLASSES:
            problems.append(RecordError(name, line, columns["size_class"], f"unknown size {size!r}"))
        if not problems and number in seen:
            problems.append(RecordError(name, line, columns["registry_number"], f"duplicate matična številka {number}"))
        if problems:
            errors.extend(problems)
            continue
        seen.add(number)
        rows.append(
            RegisterRow(
                name,
                line,
                number,
                firm_name,
                cell("address") or None,
                municipality.name,
                skd[1],
                legal_form,
                size_class,
            )
        )
    return rows, errors


def _register_hint() -> str:
    return (
        "expected columns "
        + ", ".join(REGISTER_COLUMNS[f][0] for f in REGISTER_REQUIRED)
        + " (and optionally naslov, oblika, velikost)"
    )


def load_register(
    session: Session,
    rows: Sequence[RegisterRow],
    domains_of: Callable[[Any], list[str]],
    now: dt.datetime | None = None,
) -> FirmReport:
    """Insert or refresh firms keyed by matična številka, never duplicating one.

    A refresh updates what the register knows (name, address, municipality, main SKD code first, the
    legal form when it tells) and keeps what the firm said itself (its other codes, description,
    interests, e-mail) and whether it receives digests: the register never subscribes anyone. A firm
    new to the store is not subscribed: only its own confirmed sign-up does that.
    """
    now = now or utcnow()
    report = FirmReport()
    for row in rows:
        firm = session.scalar(select(Firm).where(Firm.registry_number == row.registry_number))
        old = firm
        codes = [row.main_nace, *(c for c in (firm.nace_codes if firm else []) if c != row.main_nace)]
        values = {
            "firm_id": firm.firm_id if firm else firm_id_of(row.registry_number),
            "name": row.name,
            "legal_form": row.legal_form or (firm.legal_form if firm else None),
            "size_class": row.size_class or (firm.size_class if firm else REGISTER_DEFAULT_SIZE),
            "municipality": row.municipality,
            "nace_codes": codes,
            "description": firm.description if firm else "",
            "interests": list(firm.interests) if firm else [],
            "email": firm.email if firm else None,
        }
        if values["legal_form"] is None:
            report.rejected.append(
                RecordError(
                    row.source,
                    row.line,
                    "oblika",
                    "the name ends with no legal form (d.o.o., s.p., …); add a column oblika",
                )
            )
            continue
        record = FirmRecord.model_validate(values)
        digest = content_hash(record.model_dump())
        if old is None:
            session.add(
                Firm(
                    **record.model_dump(),
                    registry_number=row.registry_number,
                    address=row.address,
                    domains=domains_of(record),
                    subscribed=False,
                    content_hash=digest,
                    created_at=now,
                    updated_at=now,
                )
            )
            report.created += 1
        elif old.content_hash != digest or old.address != row.address:
            for key, value in record.model_dump().items():
                setattr(old, key, value)
            old.address, old.domains = row.address, domains_of(record)
            old.content_hash, old.updated_at = digest, now
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report
