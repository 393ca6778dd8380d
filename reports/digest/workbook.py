"""The weekly Excel workbook of one firm.

Sheets: new this week, changed since last week, closing within 30 days, all open matches, legend.
Each data sheet is an Excel table with a frozen header, real dates and numbers, the title as a
hyperlink to the source, days left coloured by urgency and a status column with a dropdown that
the firm fills in and sends back (``fundscout feedback``).

Speed (thousands of firms a week): openpyxl makes the frame once per language — stylesheet,
theme, sheets with widths, frozen header, table, dropdown, document properties — and each
firm's workbook splices only its rows, hyperlinks and table ranges into that frame as XML.
Building cells one by one through openpyxl costs about 20 µs a cell, ten times this way.
Every string cell is written with the string type (never as a formula) after `safe.clean_text`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from fundscout.fields import APPLICANT_TYPES, DOMAINS, FIELDS_BY_NAME, Field, vocabulary_label
from reports.digest.safe import clean_text, safe_url

# The statuses a firm can pick in the dropdown, code -> (Slovenian, English).
STATUSES: dict[str, tuple[str, str]] = {
    "interested": ("zanima nas", "interested"),
    "not_relevant": ("ni relevantno", "not relevant"),
    "applying": ("prijavljamo se", "we are applying"),
}
CLOSING_DAYS = 30
# Custom document property carrying the signed (firm, week) the workbook was made for.
TOKEN_PROPERTY = "fundscout_digest"

# Per-column text limits: cells stay readable; a cut is marked.
TITLE_LIMIT = 500
TEXT_LIMIT = 1_000

# Deflate level of the package: 1 is several times faster than the default and barely larger.
COMPRESSION = 1
# Urgency bands of "days left": (up to N days, fill colour, font colour).
URGENCY = ((7, "FFC7CE", "9C0006"), (14, "FFEB9C", "9C5700"), (CLOSING_DAYS, "FFF2CC", "7F6000"))


# Labels of the digest's own (non-dictionary) columns and words.
WORDS: dict[str, tuple[str, str]] = {
    "next_deadline": ("Naslednji rok", "Next deadline"),
    "days_left": ("Dni do roka", "Days left"),
    "score": ("Ujemanje (0–100)", "Match (0–100)"),
    "relevance": ("Zakaj ustreza", "Why it fits"),
    "eligible": ("Upravičenost", "Eligibility"),
    "eligibility": ("Pogoji za prijavo", "Conditions to apply"),
    "status": ("Vaš odziv", "Your response"),
    "field": ("Kaj se je spremenilo", "What changed"),
    "old": ("Prej", "Before"),
    "new": ("Zdaj", "Now"),
    "changed_on": ("Spremenjeno", "Changed on"),
    "change_kind": ("Vrsta spremembe", "Kind of change"),
    "update": ("posodobitev", "update"),
    "amendment": ("sprememba razpisa", "amendment"),
    "yes": ("da", "yes"),
    "no": ("ne", "no"),
    "unknown": ("ni znano", "unknown"),
    "until_funds_spent": ("do porabe sredstev", "until funds are spent"),
    "sheet_new": ("Novo ta teden", "New this week"),
    "sheet_changed": ("Spremenjeno", "Changed"),
    "sheet_closing": ("Rok v 30 dneh", "Closing in 30 days"),
    "sheet_open": ("Vsi odprti", "All open"),
    "sheet_legend": ("Legenda", "Legend"),
    "legend_term": ("Pojem", "Term"),
    "legend_meaning": ("Pomen", "Meaning"),
}


def word(key: str, lang: str) -> str:
    sl, en = WORDS[key]
    return sl if lang == "sl" else en


def status_label(code: str, lang: str) -> str:
    return vocabulary_label(STATUSES, code, lang)


def status_code(label: object) -> str | None:
    """The status code for a label in either language (as the firm picked it), else None."""
    text = str(label or "").strip().lower()
    for code, labels in STATUSES.items():
        if text in (labels[0], labels[1], code):
            return code
    return None


@dataclass
class DigestCall:
    """One call in a firm's digest, with the firm's match."""

    call_id: str
    title: str
    url: str | None
    publisher: str | None
    next_deadline: dt.date | None
    until_funds_spent: bool | None
    budget_eur: float | None
    domains: list[str]
    applicant_types: list[str]
    summary: str | None
    score: float
    eligible: bool | None
    eligibility_reasons: list[str]
    relevance_reasons: list[str]
    status: str | None = None  # the firm's earlier response, shown so it can be changed

    def days_left(self, as_of: dt.date) -> int | None:
        return None if self.next_deadline is None else (self.next_deadline - as_of).days


@dataclass
class DigestChange:
    """One changed fact of a matched call: old and new value side by side."""

    call: DigestCall
    field: str
    old: Any
    new: Any
    changed_on: dt.date
    kind: str  # "update" or "amendment"


@dataclass
class Digest:
    firm_id: str
    firm_name: str
    week: str
    as_of: dt.date
    new: list[DigestCall] = field(default_factory=list)
    changed: list[DigestChange] = field(default_factory=list)
    closing: list[DigestCall] = field(default_factory=list)
    open: list[DigestCall] = field(default_factory=list)


# --- columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, str]
    width: float
    kind: str  # title, wrap, text, date, days, money, score, status, value
    get: Callable[[Any, _Context], Any]

    def label(self, lang: str) -> str:
        return self.labels[0] if lang == "sl" else self.labels[1]


def _field_labels(name: str) -> tuple[str, str]:
    f: Field = FIELDS_BY_NAME[name]
    return (f.label_sl, f.label_en)


@dataclass(frozen=True)
class _Context:
    lang: str
    as_of: dt.date


def _join_labels(values: dict[str, tuple[str, str]], codes: Sequence[str], lang: str) -> str:
    return "; ".join(vocabulary_label(values, c, lang) for c in codes if c in values)


def _eligible_word(call: DigestCall, ctx: _Context) -> str:
    key = {True: "yes", False: "no", None: "unknown"}[call.eligible]
    return word(key, ctx.lang)


def _deadline(call: DigestCall, ctx: _Context) -> Any:
    if call.next_deadline is not None:
        return call.next_deadline
    return word("until_funds_spent", ctx.lang) if call.until_funds_spent else None


CALL_COLUMNS: tuple[Column, ...] = (
    Column("title", _field_labels("title"), 60, "title", lambda c, x: c.title),
    Column("publisher", _field_labels("publisher"), 28, "wrap", lambda c, x: c.publisher),
    Column("next_deadline", WORDS["next_deadline"], 14, "date", _deadline),
    Column("days_left", WORDS["days_left"], 11, "days", lambda c, x: c.days_left(x.as_of)),
    Column("budget_eur", _field_labels("budget_eur"), 16, "money", lambda c, x: c.budget_eur),
    Column("score", WORDS["score"], 11, "score", lambda c, x: c.score),
    Column("relevance", WORDS["relevance"], 45, "wrap", lambda c, x: "\n".join(c.relevance_reasons)),
    Column("eligible", WORDS["eligible"], 13, "text", _eligible_word),
    Column("eligibility", WORDS["eligibility"], 45, "wrap", lambda c, x: "\n".join(c.eligibility_reasons)),
    Column("domains", _field_labels("domains"), 26, "wrap", lambda c, x: _join_labels(DOMAINS, c.domains, x.lang)),
    Column(
        "applicant_types",
        _field_labels("applicant_types"),
        26,
        "wrap",
        lambda c, x: _join_labels(APPLICANT_TYPES, c.applicant_types, x.lang),
    ),
    Column("summary", _field_labels("summary"), 60, "wrap", lambda c, x: c.summary),
    Column("status", WORDS["status"], 18, "status", lambda c, x: status_label(c.status, x.lang) if c.status else None),
    Column("id", _field_labels("id"), 30, "text", lambda c, x: c.call_id),
)


def _call_column(key: str, via: Callable[[Any], DigestCall]) -> Column:
    col = next(c for c in CALL_COLUMNS if c.key == key)
    return Column(col.key, col.labels, col.width, col.kind, lambda r, x: col.get(via(r), x))


def _change_field(change: DigestChange, ctx: _Context) -> str:
    f = FIELDS_BY_NAME.get(change.field)
    return f.label(ctx.lang) if f else change.field


def _change_value(value: Any, name: str, ctx: _Context) -> Any:
    """A history value as a typed cell value: dates as dates, amounts as numbers, codes as labels."""
    f = FIELDS_BY_NAME.get(name)
    if value is None:
        return None
    if f is None:
        return value if isinstance(value, (str, int, float)) else json.dumps(value, ensure_ascii=False)
    try:
        return _typed_change_value(value, f, ctx)
    except (TypeError, ValueError):  # a history value of an unexpected shape is shown as it is
        return json.dumps(value, ensure_ascii=False)


def _typed_change_value(value: Any, f: Field, ctx: _Context) -> Any:
    if f.kind == "date":
        return _as_date(value)
    if f.kind == "dates":
        return ", ".join(_format_date(_as_date(v), ctx.lang) for v in value)
    if f.kind == "float":
        return float(value)
    if f.kind == "bool":
        return word("yes" if value else "no", ctx.lang)
    if f.kind == "code" and f.values and value in f.values:
        return vocabulary_label(f.values, value, ctx.lang)
    if f.kind == "codes" and f.values:
        return _join_labels(f.values, value, ctx.lang)
    return value if isinstance(value, str) else str(value)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _format_date(value: dt.date, lang: str) -> str:
    return value.strftime("%d. %m. %Y" if lang == "sl" else "%Y-%m-%d")


CHANGE_COLUMNS: tuple[Column, ...] = (
    _call_column("title", lambda r: r.call),
    Column("field", WORDS["field"], 22, "text", _change_field),
    Column("old", WORDS["old"], 24, "value", lambda r, x: _change_value(r.old, r.field, x)),
    Column("new", WORDS["new"], 24, "value", lambda r, x: _change_value(r.new, r.field, x)),
    Column("changed_on", WORDS["changed_on"], 13, "date", lambda r, x: r.changed_on),
    Column(
        "change_kind",
        WORDS["change_kind"],
        18,
        "text",
        lambda r, x: word(r.kind, x.lang) if r.kind in WORDS else r.kind,
    ),
    _call_column("next_deadline", lambda r: r.call),
    _call_column("days_left", lambda r: r.call),
    _call_column("score", lambda r: r.call),
    _call_column("eligible", lambda r: r.call),
    _call_column("status", lambda r: r.call),
    _call_column("id", lambda r: r.call),
)

SHEETS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    ("new", CALL_COLUMNS),
    ("changed", CHANGE_COLUMNS),
    ("closing", CALL_COLUMNS),
    ("open", CALL_COLUMNS),
)


# --- the frame: everything but the rows, made once per language by openpyxl ------------------------

_DATE_FORMATS = {"sl": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
_TOP = Alignment(vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")
# Cell styles by name; openpyxl registers them in the frame's stylesheet and gives their ids.
_STYLE_SPECS: dict[str, dict[str, Any]] = {
    "text": {"alignment": _TOP},
    "wrap": {"alignment": _WRAP},
    "bold": {"alignment": _TOP, "font": Font(bold=True)},
    "title": {"alignment": _WRAP, "font": Font(color="0563C1", underline="single")},
    "date": {"alignment": _TOP, "number_format": "DATE"},
    "money": {"alignment": _TOP, "number_format": '#,##0" €"'},
    "score": {"alignment": _TOP, "number_format": "0"},
    "number": {"alignment": _TOP, "number_format": "#,##0.##"},
    "status": {"alignment": _TOP, "fill": PatternFill("solid", fgColor="EAF1FB")},
    "days": {"alignment": _TOP, "number_format": "0"},
    **{
        f"days_{limit}": {
            "alignment": _TOP,
            "number_format": "0",
            "fill": PatternFill("solid", fgColor=bg),
            "font": Font(color=fg, bold=limit <= 7),
        }
        for limit, bg, fg in URGENCY
    },
}
_PLACEHOLDER_URL = "https://placeholder.invalid/"
_PLACEHOLDER_TOKEN = "FUNDSCOUT-TOKEN-PLACEHOLDER"
_SHEET_PART = "xl/worksheets/sheet{}.xml"
_RELS_PART = "xl/worksheets/_rels/sheet{}.xml.rels"
_TABLE_PART = "xl/tables/table{}.xml"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class _Frame:
    """An openpyxl-made workbook with empty sheets, cut into the pieces rows are spliced into."""

    parts: dict[str, bytes]  # parts copied unchanged
    sheets: list[tuple[str, str, str]]  # per sheet: XML before rows, between rows and links, after
    tables: list[str]  # per data sheet: table XML with "{ref}" where the range goes
    custom: str  # docProps/custom.xml with the token placeholder
    styles: dict[str, int]


def _cut(xml: str, start: str, end: str) -> tuple[str, str]:
    """The text before `start` and after the first `end` that follows it."""
    head, rest = xml.split(start, 1)
    return head, rest.split(end, 1)[1]


@functools.cache
def _frame(lang: str) -> _Frame:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [wb.create_sheet(word(f"sheet_{key}", lang)) for key, _ in SHEETS]
    legend = wb.create_sheet(word("sheet_legend", lang))
    styles = {}
    scratch = legend.cell(row=1, column=1)
    for name, spec in _STYLE_SPECS.items():
        scratch.style = "Normal"
        for attr, value in spec.items():
            setattr(scratch, attr, _DATE_FORMATS[lang] if value == "DATE" else value)
        styles[name] = scratch.style_id
    del legend._cells[(1, 1)]
    legend.column_dimensions["A"].width = 26
    legend.column_dimensions["B"].width = 90

    choices = ",".join(status_label(code, lang) for code in STATUSES)
    for ws, (key, columns) in zip(sheets, SHEETS):
        ws.freeze_panes = "B2"
        for number, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
            ws.cell(row=1, column=number, value=column.label(lang))
        ws.cell(row=2, column=1).hyperlink = _PLACEHOLDER_URL
        last = get_column_letter(len(columns))
        table = Table(displayName=f"t_{key}", ref=f"A1:{last}2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
        status_col = get_column_letter(next(i for i, c in enumerate(columns, 1) if c.kind == "status"))
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True)
        validation.add(f"{status_col}2")
        ws.add_data_validation(validation)
    wb.custom_doc_props.append(StringProperty(name=TOKEN_PROPERTY, value=_PLACEHOLDER_TOKEN))
    wb.properties.creator = "FundScout"
    wb.properties.title = "FundScout"

    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}

    cut_sheets = []
    for index in range(1, len(SHEETS) + 2):
        xml = parts.pop(_SHEET_PART.format(index)).decode()
        xml = re.sub(r'<dimension ref="[^"]*"/>', "", xml)
        head, tail = _cut(xml, "<sheetData>", "</sheetData>")
        tail = re.sub(r"<hyperlinks>.*?</hyperlinks>", "\x00", tail)
        tail = re.sub(r'(<dataValidation [^>]*sqref=")[^"]*', "\\1\x01", tail)
        tail = re.sub(r'(<tablePart [^>]*r:id=")[^"]*', "\\1rIdTable", tail)
        middle, _, after = tail.partition("\x00")
        cut_sheets.append((head + "<sheetData>", "</sheetData>" + middle, after))
        parts.pop(_RELS_PART.format(index), None)
    tables = []
    for index in range(1, len(SHEETS) + 1):
        xml = parts.pop(_TABLE_PART.format(index)).decode()
        tables.append(re.sub(r'ref="[^"]*"', 'ref="{ref}"', xml))
    custom = parts.pop("docProps/custom.xml").decode()
    return _Frame(parts, cut_sheets, tables, custom, styles)


# --- rows --------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LETTERS = [get_column_letter(i) for i in range(1, 40)]


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=16_384)
def _cell_text(value: str, limit: int, lang: str) -> str:
    """Cleaned, cut and escaped; cached because a call appears in several sheets and workbooks."""
    return _xml_text(clean_text(value, limit, lang))


def _string(ref: str, style: int, text: str) -> str:
    # Always the string type: a title like "=HYPERLINK(...)" stays text, never a formula.
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _number(ref: str, style: int, number: float) -> str:
    return f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>'


def _days_style(days: int) -> str:
    for limit, _, _ in URGENCY:
        if days <= limit:
            return f"days_{limit}"
    return "days"


_STRING_STYLES = {"title": "title", "wrap": "wrap", "value": "wrap", "status": "status"}


@dataclass(frozen=True)
class _ColumnWriter:
    """A column's cell writer with its styles looked up once per sheet."""

    column: Column
    letter: str
    string_style: int
    limit: int
    styles: dict[str, int]
    lang: str

    @classmethod
    def of(cls, column: Column, letter: str, styles: dict[str, int], lang: str) -> _ColumnWriter:
        return cls(
            column,
            letter,
            styles[_STRING_STYLES.get(column.kind, "text")],
            TITLE_LIMIT if column.kind == "title" else TEXT_LIMIT,
            styles,
            lang,
        )

    def cell(self, number: int | str, value: Any) -> str:
        if value is None or value == "":
            return ""
        ref = f"{self.letter}{number}"
        if isinstance(value, str):
            return _string(ref, self.string_style, _cell_text(value, self.limit, self.lang))
        if isinstance(value, bool):
            return _string(ref, self.styles["text"], word("yes" if value else "no", self.lang))
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            return _number(ref, self.styles["date"], (day - _EXCEL_EPOCH).days)
        kind = self.column.kind
        if kind == "days":
            return _number(ref, self.styles[_days_style(int(value))], int(value))
        style = kind if kind in ("money", "score") else "number"
        return _number(ref, self.styles[style], round(float(value), 2))


def _url_of(row: Any) -> str | None:
    return safe_url((row.call if isinstance(row, DigestChange) else row).url)


# Stands for the row number in a cached row; a control character, so never in cleaned text.
_ROW = "\x02"


def _sheet_rows(
    columns: Sequence[Column],
    rows: Sequence[Any],
    ctx: _Context,
    styles: dict[str, int],
    made: dict[tuple[int, int], str],
) -> tuple[list[str], dict[str, str]]:
    """Row XML (header first) and {title cell: URL} of one data sheet.

    `made` keeps each row's XML with a row-number placeholder: a call listed in several sheets
    of the workbook (new, closing, all open) is turned into XML once.
    """
    lang = ctx.lang
    writers = [_ColumnWriter.of(c, letter, styles, lang) for c, letter in zip(columns, _LETTERS)]
    header = "".join(_string(f"{w.letter}1", styles["bold"], _xml_text(w.column.label(lang))) for w in writers)
    out = [f'<row r="1">{header}</row>']
    links: dict[str, str] = {}
    title = next((w for w in writers if w.column.kind == "title"), None)
    for number, row in enumerate(rows, start=2):
        key = (id(columns), id(row))
        if key not in made:
            cells = "".join([w.cell(_ROW, w.column.get(row, ctx)) for w in writers])
            made[key] = f'<row r="{_ROW}">{cells}</row>'
        out.append(made[key].replace(_ROW, str(number)))
        if title is not None and (url := _url_of(row)):
            links[f"{title.letter}{number}"] = url
    return out, links


def _hyperlinks(links: dict[str, str]) -> tuple[str, str]:
    """The sheet's <hyperlinks> element and its relationships (one per distinct URL)."""
    ids: dict[str, str] = {}
    elements = []
    for ref, url in links.items():
        rel = ids.setdefault(url, f"rId{len(ids) + 1}")
        elements.append(f'<hyperlink ref="{ref}" r:id="{rel}"/>')
    rels = "".join(
        f'<Relationship Id="{rel}" Type="{_REL_NS}/hyperlink" Target="{_xml_attr(url)}" TargetMode="External"/>'
        for url, rel in ids.items()
    )
    links_xml = f'<hyperlinks xmlns:r="{_REL_NS}">{"".join(elements)}</hyperlinks>' if elements else ""
    return links_xml, rels


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


# Legend text of the dictionary fields shown in the workbook, (Slovenian, English).
_FIELD_HELP = {
    "title": (
        "Naslov razpisa, kot je objavljen; klik odpre vir.",
        "Title of the call as published; click to open the source.",
    ),
    "budget_eur": ("Skupna razpisana sredstva v evrih.", "Total money available, in euro."),
    "domains": ("Področja pametnega mesta, ki jih razpis pokriva.", "Smart-city domains the call covers."),
    "applicant_types": ("Kdo se lahko prijavi.", "Who may apply."),
    "summary": ("Kratek opis razpisa.", "Short description of the call."),
    "id": ("Oznaka razpisa v FundScoutu; ne spreminjajte je.", "The call's FundScout ID; do not change it."),
}


def _legend_rows(digest: Digest, lang: str) -> list[tuple[str, str]]:
    sl = lang == "sl"
    rows = [
        (("Podjetje" if sl else "Firm"), f"{digest.firm_name} ({digest.firm_id})"),
        (("Teden" if sl else "Week"), digest.week),
        (("Stanje na dan" if sl else "As of"), _format_date(digest.as_of, lang)),
        (
            word("sheet_new", lang),
            "Razpisi, ki smo jih prvič videli ta teden." if sl else "Calls first seen this week.",
        ),
        (
            word("sheet_changed", lang),
            "Spremembe razpisov od prejšnjega tedna: prejšnja in nova vrednost."
            if sl
            else "Changes to calls since last week: old and new value.",
        ),
        (
            word("sheet_closing", lang),
            "Odprti razpisi, ki se zaprejo v 30 dneh." if sl else "Open calls that close within 30 days.",
        ),
        (
            word("sheet_open", lang),
            "Vsi odprti razpisi, ki vam ustrezajo in na katere se lahko prijavite."
            if sl
            else "All open calls that fit you and that you may apply for.",
        ),
        (
            word("days_left", lang),
            "Rdeče: največ 7 dni, oranžno: največ 14 dni, rumeno: največ 30 dni."
            if sl
            else "Red: 7 days or fewer, orange: 14 or fewer, yellow: 30 or fewer.",
        ),
        (
            word("score", lang),
            "Kako dobro razpis ustreza dejavnosti in interesom podjetja."
            if sl
            else "How well the call fits the firm's activity and interests.",
        ),
        (
            word("eligible", lang),
            "Ali se podjetje glede na pogoje razpisa lahko prijavi."
            if sl
            else "Whether the firm may apply under the call's conditions.",
        ),
    ]
    statuses = "; ".join(status_label(code, lang) for code in STATUSES)
    rows.append(
        (
            word("status", lang),
            f"Izberite: {statuses}. Izpolnjeno datoteko nam pošljite nazaj — upoštevali jo bomo pri naslednjih izborih."
            if sl
            else f"Pick one of: {statuses}. Send the filled workbook back and we take it into account "
            "in future matches.",
        )
    )
    for name, (help_sl, help_en) in _FIELD_HELP.items():
        rows.append((FIELDS_BY_NAME[name].label(lang), help_sl if sl else help_en))
    return rows


def _legend_xml(digest: Digest, lang: str, styles: dict[str, int]) -> str:
    rows = [(word("legend_term", lang), word("legend_meaning", lang)), *_legend_rows(digest, lang)]
    return "".join(
        f'<row r="{n}">{_string(f"A{n}", styles["bold"], _cell_text(term, TEXT_LIMIT, lang))}'
        f"{_string(f'B{n}', styles['wrap'], _cell_text(meaning, TEXT_LIMIT, lang))}</row>"
        for n, (term, meaning) in enumerate(rows, start=1)
    )


def build_workbook(digest: Digest, lang: str = "sl", *, token: str | None = None) -> bytes:
    """The .xlsx bytes of a firm's digest; `token` (signed firm and week) goes in a document property."""
    frame = _frame(lang)
    ctx = _Context(lang=lang, as_of=digest.as_of)
    made: dict[tuple[int, int], str] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as package:
        for name, data in frame.parts.items():
            package.writestr(name, data)
        for index, (key, columns) in enumerate(SHEETS, start=1):
            rows, links = _sheet_rows(columns, getattr(digest, key), ctx, frame.styles, made)
            last_row = max(len(rows), 2)  # a table needs a data row, even an empty one
            last_col = _LETTERS[len(columns) - 1]
            status_col = _LETTERS[next(i for i, c in enumerate(columns) if c.kind == "status")]
            head, middle, tail = frame.sheets[index - 1]
            links_xml, link_rels = _hyperlinks(links)
            middle = middle.replace("\x01", f"{status_col}2:{status_col}{last_row}")
            package.writestr(_SHEET_PART.format(index), head + "".join(rows) + middle + links_xml + tail)
            package.writestr(
                _TABLE_PART.format(index), frame.tables[index - 1].replace("{ref}", f"A1:{last_col}{last_row}")
            )
            package.writestr(
                _RELS_PART.format(index),
                (
                    f'<Relationships xmlns="{_PKG_REL_NS}">{link_rels}<Relationship Id="rIdTable" '
                    f'Type="{_REL_NS}/table" Target="/{_TABLE_PART.format(index)}"/></Relationships>'
                ),
            )
        head, middle, tail = frame.sheets[-1]
        package.writestr(
            _SHEET_PART.format(len(SHEETS) + 1), head + _legend_xml(digest, lang, frame.styles) + middle + tail
        )
        package.writestr("docProps/custom.xml", frame.custom.replace(_PLACEHOLDER_TOKEN, _xml_text(token or "")))
    return buffer.getvalue()
