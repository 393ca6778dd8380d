"""Firm profiles: the firm CSV of DESIGN.md, validated row by row, and the domains of a firm.

A bad row is reported by row and field and skipped; the good rows still load. The municipality
must be one of the 212 Slovenian municipalities and every SKD code must belong to a known
division (data/reference/). A firm's domains come from its SKD codes plus its declared interests.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from fundscout.records import RecordError, errors_from_validation

CSV_COLUMNS = ("firm_id", "name", "legal_form", "size_class", "municipality", "nace_codes",
               "description", "interests", "email")

# Slovenian legal forms (AJPES) and the applicant type each one counts as.
LEGAL_FORMS: dict[str, str] = {
    "d.o.o.": "enterprise", "d.d.": "enterprise", "s.p.": "enterprise", "k.d.": "enterprise",
    "d.n.o.": "enterprise", "zadruga": "enterprise", "občina": "municipality",
    "javni zavod": "public_institute", "zavod": "ngo", "društvo": "association",
    "ustanova": "ngo", "raziskovalna organizacija": "research_org", "fizična oseba": "natural_person",
}
SIZE_CLASSES = ("micro", "small", "medium", "large")
_NACE = re.compile(r"\d{2}(?:\.\d{1,3})?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _legal_form(value: str) -> str:
    if not value.strip():
        raise ValueError(f"legal form is missing; expected one of {', '.join(LEGAL_FORMS)}")
    normalised = re.sub(r"\s+", "", value.lower())
    for form in LEGAL_FORMS:
        if re.sub(r"\s+", "", form) == normalised:
            return form
    raise ValueError(f"unknown legal form {value!r}; expected one of {', '.join(LEGAL_FORMS)}")


def _nace_codes(codes: list[str]) -> list[str]:
    from matching.taxonomy import nace_divisions

    for code in codes:
        if not _NACE.fullmatch(code):
            raise ValueError(f"{code!r} is not an SKD 2008 code like 62.010")
        if code[:2] not in nace_divisions():
            raise ValueError(f"{code!r} is not an SKD 2008 code: there is no division {code[:2]}")
    return codes


def _municipality(value: str) -> str:
    from matching.taxonomy import find_municipality

    found = find_municipality(value)
    if found is None:
        raise ValueError(f"unknown municipality {value!r}; expected one of the 212 Slovenian "
                         "municipalities (data/reference/municipalities.csv)")
    return found.name


def _email(value: str | None) -> str | None:
    if value and not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value or None


class FirmProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    firm_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")]
    name: Annotated[str, Field(min_length=1)]
    legal_form: Annotated[str, AfterValidator(_legal_form)]
    size_class: Annotated[str, Field(pattern="^(micro|small|medium|large)$")]
    municipality: Annotated[str, Field(min_length=1), AfterValidator(_municipality)]
    nace_codes: Annotated[list[str], BeforeValidator(_split), AfterValidator(_nace_codes)]
    description: str = ""
    interests: Annotated[list[str], BeforeValidator(_split)] = []
    email: Annotated[str | None, AfterValidator(_email)] = None

    @property
    def applicant_type(self) -> str:
        return LEGAL_FORMS[self.legal_form]


def nace_domains_of(nace_codes: list[str]) -> list[str]:
    from matching.taxonomy import nace_domains

    return sorted({d for code in nace_codes for d in nace_domains(code)})


def interest_domains(description: str, interests: list[str]) -> list[str]:
    """Domains the firm declares: its interests read like a title, its description like a body."""
    from matching.classify import PROFILE_MIN_SCORE, classify_text

    return sorted(label.domain for label in
                  classify_text("; ".join(interests), description, min_score=PROFILE_MIN_SCORE))


def firm_domains(firm: FirmProfile) -> list[str]:
    """Domains of a firm: suggested by its SKD codes plus those of its declared interests."""
    return sorted(set(nace_domains_of(firm.nace_codes)) | set(interest_domains(firm.description, firm.interests)))


@dataclass
class FirmFile:
    firms: list[FirmProfile]
    errors: list[RecordError]


def read_firms_csv(path: Path) -> FirmFile:
    """Parse and validate a firm CSV. Problems with the file itself raise InputError."""
    from fundscout.load import InputError

    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([RecordError(name, 0, None, "not UTF-8; save the file as UTF-8")]) from exc
    except OSError as exc:
        raise InputError([RecordError(name, 0, None, f"cannot read file: {exc.strerror}")]) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if not header:
        raise InputError([RecordError(name, 0, None, "file is empty: expected a header row "
                                      f"{','.join(CSV_COLUMNS)}")])
    unknown = [c for c in header if c not in CSV_COLUMNS]
    missing = [c for c in CSV_COLUMNS if c not in header and c not in ("description", "interests", "email")]
    if unknown or missing:
        problems = [RecordError(name, 1, c, "unknown column") for c in unknown]
        problems += [RecordError(name, 1, c, "required column is missing") for c in missing]
        raise InputError(problems)
    firms, errors, seen = [], [], set()
    for row in reader:
        number = reader.line_num
        try:
            firm = FirmProfile.model_validate({k: v for k, v in row.items() if k is not None})
        except ValidationError as exc:
            errors.extend(errors_from_validation(exc, name, number))
            continue
        if firm.firm_id in seen:
            errors.append(RecordError(name, number, "firm_id", f"duplicate firm_id {firm.firm_id!r}"))
            continue
        seen.add(firm.firm_id)
        firms.append(firm)
    if not firms and not errors:
        raise InputError([RecordError(name, 0, None, "file has a header but no firms")])
    return FirmFile(firms, errors)
