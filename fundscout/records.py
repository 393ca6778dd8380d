"""Validation of call and firm records, built from the field dictionary (fundscout/fields.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Strict, ValidationError, create_model
from pydantic import Field as PydField

from fundscout.fields import CALL_FIELDS, FIELDS_BY_NAME, FIRM_FIELDS, LEGAL_FORMS, TRACKED_FIELDS, Field
from fundscout.reference import find_municipality, nace_divisions

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Accept a date or an ISO `YYYY-MM-DD` string only: `1. 12. 2026` or a number is an error."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"not a real date: {value!r}") from exc
    raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")


# C0 and C1 control characters other than tab, line feed and carriage return. A page break (FF),
# vertical tab or NEL in scraped text becomes a line break; the others carry nothing and break
# the XML of a workbook, so they are dropped. NUL is refused: no text has one, a damaged file does.
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = "\x0b\x0c\x85"
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _clean(value: Any) -> Any:
    """Free text with control characters cleaned the one way, whichever store it goes to."""
    # isprintable() is False for every control character and scans faster than the pattern does;
    # text with line breaks (also not printable) takes the pattern.
    if not isinstance(value, str) or value.isprintable() or not _ANY_CONTROL.search(value):
        return value
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\u0000): the file is damaged or not text")
    return _CONTROL.sub(lambda m: "\n" if m.group() in _LINE_BREAKS else "", value)


def _strip_text(value: Any) -> Any:
    if isinstance(value, str):
        value = _clean(value).strip()
        return value or None
    return value


_TOKEN_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _token(value: Any) -> Any:
    """An id, code, number or URL: a control character in one is an error, not something to drop."""
    if isinstance(value, str):
        value = value.strip()
        bad = _TOKEN_CONTROL.search(value)
        if bad:
            raise ValueError(f"contains the control character U+{ord(bad.group()):04X}")
        return value or None
    return value


def _number(value: Any) -> Any:
    """JSON `true`/`false` is not a number (Python would read it as 1 or 0), nor is Infinity or NaN."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {json.dumps(value)}")
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value  # pydantic names it: not a number
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Text = Annotated[str, BeforeValidator(_strip_text)]
Token = Annotated[str, BeforeValidator(_token)]
Snippet = Annotated[str, BeforeValidator(_clean)]

# A call record nests three levels (record -> evidence -> snippet); anything much deeper is not one.
MAX_DEPTH = 8


def _annotation(field: Field) -> tuple[Any, Any]:
    """Python type and pydantic default/constraints for one dictionary field."""
    optional = not field.required
    # Constraints come before the BeforeValidator, on the plain type: so pydantic-core checks them
    # itself, instead of a Python check per value wrapped around the validator.
    if field.kind in ("key", "str"):
        typ: Any = (
            Annotated[str, PydField(pattern=f"^(?:{field.pattern})$"), BeforeValidator(_token)]
            if field.pattern
            else Token
        )
    elif field.kind == "url":
        typ = Annotated[str, PydField(pattern=r"^https?://\S+$", max_length=2000), BeforeValidator(_token)]
    elif field.kind == "text":
        typ = Annotated[str, PydField(min_length=1), BeforeValidator(_strip_text)]
    elif field.kind == "date":
        typ = IsoDate
    elif field.kind == "bool":
        typ = Annotated[bool, Strict()]  # true or false, not 1, "yes" or "on"
    elif field.kind == "float":
        typ = Annotated[
            float, PydField(ge=field.minimum, le=field.maximum, allow_inf_nan=False), BeforeValidator(_number)
        ]
    elif field.kind == "code":
        typ = Literal[tuple(field.values)]  # type: ignore[misc]
    elif field.kind == "codes":
        return list[Literal[tuple(field.values)]], PydField(default_factory=list)  # type: ignore[misc]
    elif field.kind == "dates":
        return list[IsoDate], PydField(default_factory=list)
    else:  # pragma: no cover - the dictionary only uses the kinds above
        raise AssertionError(field.kind)
    return (typ | None, None) if optional else (typ, ...)


class _RecordBase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


CallRecord: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "CallRecord",
    __base__=_RecordBase,
    __doc__="A call in the normalised schema. Unknown fields are refused.",
    # Snippet of source text each fact was read from: {field name: snippet}.
    evidence=(dict[str, Snippet], PydField(default_factory=dict)),
    **{f.name: _annotation(f) for f in CALL_FIELDS},
)


@dataclass(frozen=True)
class RecordError:
    """One problem with one input row, phrased for the operator."""

    source: str  # file name or other label of the input
    row: int | None  # 1-based row (line) number in the input; None for the file as a whole
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}: row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


def errors_from_validation(exc: ValidationError, source: str, row: int) -> list[RecordError]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field = loc[0] if loc else None
        if err["type"] == "extra_forbidden":
            message = "unknown column; allowed columns are the fields of the field dictionary"
        elif err["type"] == "missing":
            message = "required value is missing"
        else:
            message = err["msg"].removeprefix("Value error, ")
            if "input" in err and err["type"] != "missing":
                message += f" (got {err['input']!r:.80})"
        out.append(RecordError(source, row, field, message))
    return out


def validate_record(data: Any, source: str, row: int) -> tuple[BaseModel | None, list[RecordError]]:
    if not isinstance(data, dict):
        return None, [RecordError(source, row, None, f"expected a JSON object, got {type(data).__name__}")]
    try:
        return CallRecord.model_validate(data), []
    except ValidationError as exc:
        # A valid record is three levels deep at most, so only a refused one needs this check; it
        # names the field and keeps a deep value out of the messages (its repr could recurse).
        too_deep = [
            RecordError(source, row, name, f"values nested more than {MAX_DEPTH} levels deep; a call record has 3")
            for name, value in data.items()
            if nesting_depth(value) > MAX_DEPTH
        ]
        return None, too_deep or errors_from_validation(exc, source, row)


def nesting_depth(value: Any) -> int:
    """Levels of lists and objects in a JSON value (a scalar is 1), counted level by level without
    recursion, and no further than one level past MAX_DEPTH."""
    depth, level = 1, [value]
    while depth <= MAX_DEPTH:
        level = [
            child
            for item in level
            if isinstance(item, (list, dict))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return depth
        depth += 1
    return depth


def _iso_dates(values: list[dt.date]) -> list[str]:
    return sorted(d.isoformat() for d in values)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# How each tracked fact becomes JSON-ready, worked out once: None where the value already is.
_TRACKED_AS = tuple(
    (name, {"dates": _iso_dates, "codes": sorted, "date": _iso}.get(FIELDS_BY_NAME[name].kind))
    for name in TRACKED_FIELDS
)


def facts(record: BaseModel) -> dict[str, Any]:
    """The tracked facts of a record as JSON-ready values (dates as ISO strings, lists sorted)."""
    given = record.__dict__  # the validated values, read without a getattr per field
    return {name: given[name] if convert is None else convert(given[name]) for name, convert in _TRACKED_AS}


# json.dumps with arguments builds an encoder per call; this one is built once.
_canonical_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def content_hash(fact_values: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical_json(fact_values).encode("utf-8")).hexdigest()


# --- firm records (fields.FIRM_FIELDS) ------------------------------------------------------------

_NACE = re.compile(r"\d{2}(?:\.\d{1,3})?")
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in _clean(value).split(";") if part.strip()]
    return value


def _legal_form(value: Any) -> Any:
    """The canonical spelling of a legal form: case and spacing do not matter (`D.O.O.`, `d. o. o.`)."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError(f"legal form is missing; expected one of {', '.join(LEGAL_FORMS)}")
    folded = re.sub(r"\s+", "", value.lower())
    for form in LEGAL_FORMS:
        if re.sub(r"\s+", "", form) == folded:
            return form
    raise ValueError(f"unknown legal form {value!r}; expected one of {', '.join(LEGAL_FORMS)}")


def _nace_codes(codes: list[str]) -> list[str]:
    for code in codes:
        if not _NACE.fullmatch(code):
            raise ValueError(f"{code!r} is not an SKD 2008 code like 62.010")
        if code[:2] not in nace_divisions():
            raise ValueError(f"{code!r} is not an SKD 2008 code: there is no division {code[:2]}")
    return codes


def _municipality(value: str) -> str:
    found = find_municipality(value)
    if found is None:
        raise ValueError(
            f"unknown municipality {value!r}; expected one of the 212 Slovenian "
            "municipalities (data/reference/municipalities.csv)"
        )
    return found.name


def _email(value: str | None) -> str | None:
    if value and not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value or None


# Checks a firm field needs beyond its kind: reference data and spelling tolerance.
_FIRM_CHECKS: dict[str, list[Any]] = {
    "legal_form": [BeforeValidator(_legal_form)],
    "municipality": [AfterValidator(_municipality)],
    "nace_codes": [AfterValidator(_nace_codes)],
}


def _firm_annotation(field: Field) -> tuple[Any, Any]:
    checks = _FIRM_CHECKS.get(field.name, [])
    if field.kind == "list":
        typ: Any = (
            Annotated[list[str], BeforeValidator(_split), *checks]
            if checks
            else Annotated[list[str], BeforeValidator(_split)]
        )
        return typ, (... if field.required else PydField(default_factory=list))
    if field.kind == "email":
        return Annotated[str | None, AfterValidator(_email)], None
    if field.kind == "code":
        typ = Literal[tuple(field.values)]  # type: ignore[misc]
    elif field.kind == "key":
        typ = Annotated[str, PydField(pattern=f"^(?:{field.pattern})$")]
    elif field.kind == "text":
        typ = Annotated[str, BeforeValidator(_clean), PydField(min_length=1 if field.required else 0)]
    else:
        typ = Annotated[str, BeforeValidator(_token), PydField(min_length=1)] if field.required else Token
    if checks:
        typ = Annotated[typ, *checks]
    return (typ, ...) if field.required else (typ, "")


class _FirmBase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @property
    def applicant_type(self) -> str:
        return LEGAL_FORMS[self.legal_form]  # type: ignore[attr-defined]


FirmRecord: type[_FirmBase] = create_model(  # type: ignore[call-overload]
    "FirmRecord",
    __base__=_FirmBase,
    __doc__="A firm of the firm registry (the firm CSV, fields.FIRM_FIELDS). Unknown fields are refused.",
    **{f.name: _firm_annotation(f) for f in FIRM_FIELDS},
)
