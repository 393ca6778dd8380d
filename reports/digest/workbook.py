"""The weekly Excel workbook of one firm.

Sheets: new this week, changed since last week, closing within 30 days, all open matches, legend.
Each data sheet is an Excel table with a frozen header, real dates and numbers, the title as a
hyperlink to the source, days left coloured by urgency and a status column with a dropdown that
the firm fills in and sends back (``fundscout feedback``).

Speed (thousands of firms a week): openpyxl's public API makes the frame once per language —
stylesheet, theme, sheets with widths, bold header row, frozen header, table, dropdown, hyperlink
and document properties — and the frame's sheet, table, relationships and custom-properties
parts are parsed once with lxml into element trees (cached, with the unchanged parts zipped once).
Per firm the trees are copied and filled through lxml's element API only: <row> elements get
cells copied from cached cell elements (one per distinct text or number and style, so a value
recurring across sheets and firms is cleaned and built once), and the <dimension>, table and
autoFilter ranges, data-validation range, <hyperlinks> with their relationships and the token
property are set on the elements found by namespace-qualified tag; lxml serialises and escapes.
Building cells one by one through openpyxl costs about 30 µs a cell; a copied lxml cell about 3 µs.
Every string cell is written with the string type (inline, never a formula) after `safe.clean_text`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
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
_BOLD = Font(bold=True)
# Cell styles by name; openpyxl registers them in the frame's stylesheet and gives their ids.
_STYLE_SPECS: dict[str, dict[str, Any]] = {
    "text": {"alignment": _TOP},
    "wrap": {"alignment": _WRAP},
    "bold": {"alignment": _TOP, "font": _BOLD},
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
_TABLE_REL = "rIdTable"

# Namespace-qualified tags and attributes the builder looks for or makes.
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_SHEET_DATA = f"{{{_MAIN_NS}}}sheetData"
_DIMENSION = f"{{{_MAIN_NS}}}dimension"
_ROW_TAG = f"{{{_MAIN_NS}}}row"
_CELL_TAG = f"{{{_MAIN_NS}}}c"
_INLINE_TAG = f"{{{_MAIN_NS}}}is"
_TEXT_TAG = f"{{{_MAIN_NS}}}t"
_VALUE_TAG = f"{{{_MAIN_NS}}}v"
_HYPERLINKS = f"{{{_MAIN_NS}}}hyperlinks"
_HYPERLINK = f"{{{_MAIN_NS}}}hyperlink"
_VALIDATIONS = f"{{{_MAIN_NS}}}dataValidations"
_VALIDATION = f"{{{_MAIN_NS}}}dataValidation"
_TABLE_PARTS = f"{{{_MAIN_NS}}}tableParts"
_TABLE_PART_TAG = f"{{{_MAIN_NS}}}tablePart"
_AUTO_FILTER = f"{{{_MAIN_NS}}}autoFilter"
_RELATIONSHIP = f"{{{_PKG_REL_NS}}}Relationship"
_PROPERTY = f"{{{_CUSTOM_NS}}}property"
_LPWSTR = f"{{{_VT_NS}}}lpwstr"
_R_ID = f"{{{_REL_NS}}}id"
_SPACE = f"{{{_XML_NS}}}space"
_HYPERLINK_TYPE = f"{_REL_NS}/hyperlink"
_TABLE_TYPE = f"{_REL_NS}/table"


@dataclass
class _SheetFrame:
    """One sheet of the frame as element trees: the sheet (header rows only) and its parts."""

    sheet: etree._Element  # <worksheet> without hyperlinks; sheetData holds the header or legend rows
    rels: etree._Element | None = None  # <Relationships> with the table's relationship only
    table: etree._Element | None = None  # <table>
    link: etree._Element | None = None  # an openpyxl-made <hyperlink>, copied per link
    link_rel: etree._Element | None = None  # an openpyxl-made hyperlink <Relationship>, copied per URL


@dataclass
class _Frame:
    """An openpyxl-made workbook with empty sheets, parsed into element trees rows are added to."""

    package: bytes  # a zip of the parts every firm's workbook shares, compressed once; appended to
    sheets: list[_SheetFrame]  # data sheets, then the legend
    custom: etree._Element  # docProps/custom.xml with the token placeholder
    styles: dict[str, str]  # style name -> cell style id (as the attribute's text)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=_PARSER)


_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _only(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        raise LookupError(f"the frame has no {tag} in {parent.tag}")
    return found


def _set_text(cell: etree._Element, text: str) -> None:
    """Put `text` into an openpyxl-made inline-string cell, in place of its <is>."""
    inline = _only(cell, _INLINE_TAG)
    inline.clear()
    _text(inline, text)


def _legend_frame(legend: Any, lang: str) -> None:
    """The legend's fixed rows written by openpyxl; the firm's own rows get a placeholder value."""
    legend.column_dimensions["A"].width = 26
    legend.column_dimensions["B"].width = 90
    rows = [
        (word("legend_term", lang), word("legend_meaning", lang)),
        *((term, _PLACEHOLDER_TOKEN) for term in _legend_firm_terms(lang)),
        *_legend_rows(lang),
    ]
    for number, (term, meaning) in enumerate(rows, start=1):
        for column, text, spec in ((1, term, _STYLE_SPECS["bold"]), (2, meaning, _STYLE_SPECS["wrap"])):
            cell = legend.cell(row=number, column=column, value=clean_text(text, TEXT_LIMIT, lang))
            for attr, value in spec.items():
                setattr(cell, attr, value)


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
    _legend_frame(legend, lang)

    choices = ",".join(status_label(code, lang) for code in STATUSES)
    for ws, (key, columns) in zip(sheets, SHEETS):
        ws.freeze_panes = "B2"
        for number, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
            header = ws.cell(row=1, column=number, value=column.label(lang))
            header.font, header.alignment = _BOLD, _TOP
        ws.cell(row=2, column=1).hyperlink = _PLACEHOLDER_URL  # so openpyxl makes a link to copy
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

    frames = [_data_sheet_frame(parts, index) for index in range(1, len(SHEETS) + 1)]
    frames.append(_SheetFrame(_parse(parts.pop(_SHEET_PART.format(len(SHEETS) + 1)))))
    custom = _parse(parts.pop("docProps/custom.xml"))
    shared = io.BytesIO()
    with zipfile.ZipFile(shared, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return _Frame(shared.getvalue(), frames, custom, {name: str(number) for name, number in styles.items()})


def _data_sheet_frame(parts: dict[str, bytes], index: int) -> _SheetFrame:
    """A data sheet's trees: the placeholder row and link taken out, the table relationship named."""
    sheet = _parse(parts.pop(_SHEET_PART.format(index)))
    data = _only(sheet, _SHEET_DATA)
    for row in data.findall(_ROW_TAG):
        if row.get("r") != "1":
            data.remove(row)
    links = _only(sheet, _HYPERLINKS)
    link = _only(links, _HYPERLINK)
    sheet.remove(links)
    _only(_only(sheet, _TABLE_PARTS), _TABLE_PART_TAG).set(_R_ID, _TABLE_REL)

    rels = _parse(parts.pop(_RELS_PART.format(index)))
    link_rel = None
    for rel in rels.findall(_RELATIONSHIP):
        if rel.get("Type") == _HYPERLINK_TYPE:
            link_rel = rel
            rels.remove(rel)
        elif rel.get("Type") == _TABLE_TYPE:
            rel.set("Id", _TABLE_REL)
    if link_rel is None:
        raise LookupError("the frame has no hyperlink relationship")
    table = _parse(parts.pop(_TABLE_PART.format(index)))
    return _SheetFrame(sheet, rels, table, link, link_rel)


# --- rows --------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LETTERS = [get_column_letter(i) for i in range(1, 40)]


_NSMAP = {None: _MAIN_NS}


def _copy(element: etree._Element) -> etree._Element:
    """A copy of the element and everything in it (lxml's copy is deep; no memo needed)."""
    return element.__copy__()


@functools.lru_cache(maxsize=65_536)
def _string(value: str, limit: int, lang: str, style: str) -> etree._Element:
    """A string cell (without its reference), cleaned and cut; lxml escapes the text.

    Cached, and copied per use: the same text recurs across sheets and workbooks. Always the
    string type, so a title like "=HYPERLINK(...)" stays text, never a formula.
    """
    cell = etree.Element(_CELL_TAG, {"r": "", "s": style, "t": "inlineStr"}, nsmap=_NSMAP)
    _text(etree.SubElement(cell, _INLINE_TAG), clean_text(value, limit, lang))
    return cell


def _text(inline: etree._Element, text: str) -> None:
    """The <t> of an inline string; whitespace at the ends is kept (xml:space only where needed)."""
    t = etree.SubElement(inline, _TEXT_TAG)
    t.text = text
    if text != text.strip():
        t.set(_SPACE, "preserve")


@functools.lru_cache(maxsize=65_536)
def _number(number: float, style: str) -> etree._Element:
    """A number cell (without its reference), cached like string cells."""
    cell = etree.Element(_CELL_TAG, {"r": "", "s": style}, nsmap=_NSMAP)
    etree.SubElement(cell, _VALUE_TAG).text = repr(number)
    return cell


def _days_style(days: int) -> str:
    for limit, _, _ in URGENCY:
        if days <= limit:
            return f"days_{limit}"
    return "days"


_STRING_STYLES = {"title": "title", "wrap": "wrap", "value": "wrap", "status": "status"}


@dataclass(frozen=True)
class _ColumnWriter:
    """A column's cell maker with its style ids (as attribute text) looked up once per sheet."""

    column: Column
    letter: str
    string_style: str
    limit: int
    styles: dict[str, str]
    lang: str

    @classmethod
    def of(cls, column: Column, letter: str, styles: dict[str, str], lang: str) -> _ColumnWriter:
        return cls(
            column,
            letter,
            styles[_STRING_STYLES.get(column.kind, "text")],
            TITLE_LIMIT if column.kind == "title" else TEXT_LIMIT,
            styles,
            lang,
        )

    def cell(self, value: Any) -> etree._Element | None:
        """The value's cached cell template (copy it before use); None for an empty value."""
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return _string(value, self.limit, self.lang, self.string_style)
        if isinstance(value, bool):
            return _string(word("yes" if value else "no", self.lang), self.limit, self.lang, self.styles["text"])
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            return _number((day - _EXCEL_EPOCH).days, self.styles["date"])
        kind = self.column.kind
        if kind == "days":
            return _number(int(value), self.styles[_days_style(int(value))])
        return _number(round(float(value), 2), self.styles[kind if kind in ("money", "score") else "number"])


def _url_of(row: Any) -> str | None:
    return safe_url((row.call if isinstance(row, DigestChange) else row).url)


def _fill_rows(
    data: etree._Element,
    columns: Sequence[Column],
    rows: Sequence[Any],
    ctx: _Context,
    styles: dict[str, str],
    made: dict[tuple[int, int], list[tuple[str, etree._Element]]],
) -> dict[str, str]:
    """Append a data sheet's rows to its <sheetData>; return {title cell: URL}.

    `made` keeps each row's cell templates by column letter: a call listed in several sheets of
    the workbook (new, closing, all open) has its values looked up once.
    """
    lang = ctx.lang
    writers = [_ColumnWriter.of(c, letter, styles, lang) for c, letter in zip(columns, _LETTERS)]
    links: dict[str, str] = {}
    title = next((w.letter for w in writers if w.column.kind == "title"), None)
    for number, row in enumerate(rows, start=2):
        n = str(number)
        key = (id(columns), id(row))
        cells = made.get(key)
        if cells is None:
            cells = made[key] = [
                (w.letter, template) for w in writers if (template := w.cell(w.column.get(row, ctx))) is not None
            ]
        append = etree.SubElement(data, _ROW_TAG, r=n).append
        for letter, template in cells:
            cell = _copy(template)
            cell.set("r", letter + n)
            append(cell)
        if title is not None and (url := _url_of(row)):
            links[title + n] = url
    return links


def _link_parts(sheet: _SheetFrame, rels: etree._Element, links: dict[str, str]) -> etree._Element | None:
    """The sheet's <hyperlinks> (None without links); one relationship per distinct URL is added
    to `rels`. Both copy openpyxl's own placeholder link."""
    if not links:
        return None
    assert sheet.link is not None and sheet.link_rel is not None
    element = etree.Element(_HYPERLINKS, nsmap={None: _MAIN_NS, "r": _REL_NS})
    ids: dict[str, str] = {}
    for ref, url in links.items():
        rel = ids.get(url)
        if rel is None:
            rel = ids[url] = f"rId{len(ids) + 1}"
            relationship = _copy(sheet.link_rel)
            relationship.set("Target", url)
            relationship.set("Id", rel)
            rels.append(relationship)
        link = _copy(sheet.link)
        link.set("ref", ref)
        link.set(_R_ID, rel)
        element.append(link)
    return element


@functools.lru_cache(maxsize=1_024)
def _table_xml(lang: str, index: int, ref: str) -> bytes:
    """A data sheet's table part for a range (ranges recur across firms, so cached)."""
    table = _copy(_frame(lang).sheets[index].table)
    assert table is not None
    table.set("ref", ref)
    _only(table, _AUTO_FILTER).set("ref", ref)
    return _xml(table)


def _data_sheet(
    frame: _Frame,
    index: int,
    columns: Sequence[Column],
    rows: Sequence[Any],
    ctx: _Context,
    styles: dict[str, str],
    made: dict[tuple[int, int], list[tuple[str, etree._Element]]],
) -> tuple[bytes, bytes, bytes]:
    """Sheet, relationships and table parts of one data sheet."""
    part = frame.sheets[index]
    assert part.rels is not None
    sheet = _copy(part.sheet)
    rels = _copy(part.rels)
    links = _fill_rows(_only(sheet, _SHEET_DATA), columns, rows, ctx, styles, made)
    last_row = max(len(rows) + 1, 2)  # a table needs a data row, even an empty one
    ref = f"A1:{_LETTERS[len(columns) - 1]}{last_row}"
    _only(sheet, _DIMENSION).set("ref", ref)
    status_col = _LETTERS[next(i for i, c in enumerate(columns) if c.kind == "status")]
    validations = _only(sheet, _VALIDATIONS)
    _only(validations, _VALIDATION).set("sqref", f"{status_col}2:{status_col}{last_row}")
    hyperlinks = _link_parts(part, rels, links)
    if hyperlinks is not None:
        validations.addnext(hyperlinks)  # <hyperlinks> follows <dataValidations> in a worksheet
    return _xml(sheet), _xml(rels), _table_xml(ctx.lang, index, ref)


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


def _legend_firm_terms(lang: str) -> tuple[str, str, str]:
    """Terms of the legend rows (2 to 4) that hold the firm's own values."""
    return ("Podjetje", "Teden", "Stanje na dan") if lang == "sl" else ("Firm", "Week", "As of")


def _legend_firm_values(digest: Digest, lang: str) -> tuple[str, str, str]:
    return (f"{digest.firm_name} ({digest.firm_id})", digest.week, _format_date(digest.as_of, lang))


def _legend_rows(lang: str) -> list[tuple[str, str]]:
    """The legend rows that are the same for every firm (after the firm's own rows)."""
    sl = lang == "sl"
    rows = [
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


def _legend_sheet(frame: _Frame, digest: Digest, lang: str) -> bytes:
    """The legend: the frame's rows, with the firm's name, week and date put into rows 2 to 4."""
    sheet = _copy(frame.sheets[-1].sheet)
    values = dict(zip(("B2", "B3", "B4"), _legend_firm_values(digest, lang)))
    rows = _only(sheet, _SHEET_DATA).findall(_ROW_TAG)
    for cell in (c for row in rows[1:4] for c in row.iter(_CELL_TAG)):
        if (text := values.get(cell.get("r", ""))) is not None:
            _set_text(cell, clean_text(text, TEXT_LIMIT, lang))
    _only(sheet, _DIMENSION).set("ref", f"A1:B{len(rows)}")
    return _xml(sheet)


def _custom_properties(frame: _Frame, token: str | None) -> bytes:
    """docProps/custom.xml with the token in the TOKEN_PROPERTY property."""
    custom = _copy(frame.custom)
    (value,) = (_only(p, _LPWSTR) for p in custom.iter(_PROPERTY) if p.get("name") == TOKEN_PROPERTY)
    value.text = token or ""
    return _xml(custom)


def build_workbook(digest: Digest, lang: str = "sl", *, token: str | None = None) -> bytes:
    """The .xlsx bytes of a firm's digest; `token` (signed firm and week) goes in a document property."""
    frame = _frame(lang)
    ctx = _Context(lang=lang, as_of=digest.as_of)
    styles = frame.styles
    made: dict[tuple[int, int], list[tuple[str, etree._Element]]] = {}
    buffer = io.BytesIO(frame.package)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as package:
        for index, (key, columns) in enumerate(SHEETS):
            sheet, rels, table = _data_sheet(frame, index, columns, getattr(digest, key), ctx, styles, made)
            package.writestr(_SHEET_PART.format(index + 1), sheet)
            package.writestr(_TABLE_PART.format(index + 1), table)
            package.writestr(_RELS_PART.format(index + 1), rels)
        package.writestr(_SHEET_PART.format(len(SHEETS) + 1), _legend_sheet(frame, digest, lang))
        package.writestr("docProps/custom.xml", _custom_properties(frame, token))
    return buffer.getvalue()
