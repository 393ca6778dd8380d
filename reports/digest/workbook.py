"""The weekly Excel workbook of one firm, legible on screen and on paper.

Sheets: new this week, changed since last week, closing within 30 days, all open matches, legend.
Each data sheet is an Excel table with a frozen, wrapped header row, real dates (`31. 3. 2027`)
and numbers in Slovenian formats, the title as a hyperlink to the source, days left coloured by
urgency, the call's status and deadline in words (`fundscout.status` via `content`), and a column
with a dropdown the firm fills in and sends back (``fundscout feedback``). Rows are as tall as
their wrapped text; every sheet prints landscape, fitted to the page width, with the header row
repeated and a title naming the firm and the week.

Speed (thousands of firms a week): openpyxl's public API makes the frame once per language —
stylesheet, theme, sheets with widths, header row, freeze pane, table, dropdown, hyperlink, print
set-up and document properties — and each frame sheet is kept as its child elements, serialized
once by lxml. Per firm a worksheet part is those pieces joined around its rows, with the few
elements that differ per firm (dimension, dropdown range, hyperlinks, print title) made with lxml
and serialized in their place. A cell is an lxml element serialized once per distinct value and
style and cached (lxml escapes its text); a row is its cells' bytes in column order, built once
per call and workbook and used by every sheet that lists the call. Cells carry no `r` reference
(optional in SpreadsheetML: cells follow each other, an empty one is a styled blank), so one row
serves all sheets. No XML is ever parsed or edited as text. Every string cell is written with the
string type (inline, never a formula) after `safe.clean_text`. openpyxl reads the result in the
tests and in `fundscout feedback`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo

from fundscout.fields import APPLICANT_TYPES, DOMAINS, FIELDS_BY_NAME, vocabulary_label
from reports.digest.content import (
    WORDS,
    Amount,
    Digest,
    DigestCall,
    DigestChange,
    format_date,
    status_text,
    typed_value,
    word,
)
from reports.digest.safe import clean_text, safe_url

__all__ = [
    "CALL_COLUMNS",
    "CHANGE_COLUMNS",
    "CLOSING_DAYS",
    "STATUSES",
    "TOKEN_PROPERTY",
    "Digest",
    "DigestCall",
    "DigestChange",
    "build_workbook",
    "status_code",
    "status_label",
    "word",
]

# The statuses a firm can pick in the dropdown, code -> (Slovenian, English).
STATUSES: dict[str, tuple[str, str]] = {
    "interested": ("zanima nas", "interested"),
    "not_relevant": ("ni relevantno", "not relevant"),
    "applying": ("prijavljamo se", "we are applying"),
}
CLOSING_DAYS = 30
# Custom document property carrying the signed (firm, week) the workbook was made for.
TOKEN_PROPERTY = "fundscout_digest"

# Per-column text limits: cells stay readable (and the sheets print on a few pages); a cut is marked.
TITLE_LIMIT = 500
TEXT_LIMIT = 1_000
SUMMARY_LIMIT = 400

# Deflate level of the package: 1 is several times faster than the default and barely larger.
COMPRESSION = 1
# Urgency bands of "days left": (up to N days, fill colour, font colour).
URGENCY = ((7, "FFC7CE", "9C0006"), (14, "FFEB9C", "9C5700"), (CLOSING_DAYS, "FFF2CC", "7F6000"))

# Arial 10 everywhere: installed with every office suite (Liberation Sans has the same metrics),
# so the row heights estimated here fit wherever the workbook is opened or printed.
FONT = "Arial"
FONT_SIZE = 10
LINE_POINTS = 12.75  # one line of Arial 10
ROW_PADDING = 3.0
MAX_ROW_POINTS = 409.0  # Excel's tallest row
# Characters of Arial 10 text per unit of column width (a unit is one digit's width), kept low
# so the estimate errs on the tall side: a row a little too tall is fine, a cut one is not.
CHARS_PER_WIDTH = 1.1

# Slovenian amounts group thousands with a dot (`1.500.000 €`) whatever the reader's own locale:
# the dots are literal, picked by the size of the value; the cell stays a number.
_SL_MONEY = '[>=1000000]#"."###"."##0" €";[>=1000]#"."##0" €";0" €"'
_NUMBER_FORMATS = {
    "sl": {"date": "d. m. yyyy", "money": _SL_MONEY, "number": "General"},
    "en": {"date": "d mmm yyyy", "money": '"€"#,##0', "number": "General"},
}


def status_label(code: str, lang: str) -> str:
    return vocabulary_label(STATUSES, code, lang)


def status_code(label: object) -> str | None:
    """The status code for a label in either language (as the firm picked it), else None."""
    text = str(label or "").strip().lower()
    for code, labels in STATUSES.items():
        if text in (labels[0], labels[1], code):
            return code
    return None


# --- columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    lang: str
    as_of: dt.date


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, str]
    width: float
    kind: str  # title, text, date, days, money, score, status, value
    get: Callable[[Any, _Context], Any]
    limit: int = TEXT_LIMIT

    def label(self, lang: str) -> str:
        return self.labels[0] if lang == "sl" else self.labels[1]


def _field(name: str, kind: str, get: Callable[[Any, _Context], Any], limit: int = TEXT_LIMIT) -> Column:
    """A column of a dictionary field: label and width from `fundscout.fields`."""
    f = FIELDS_BY_NAME[name]
    return Column(name, (f.label_sl, f.label_en), f.excel_width, kind, get, limit)


def _own(key: str, width: float, kind: str, get: Callable[[Any, _Context], Any]) -> Column:
    """A column of the digest's own (not a call field): label from `content.WORDS`."""
    return Column(key, WORDS[key], width, kind, get)


def _join_labels(values: dict[str, tuple[str, str]], codes: Sequence[str], lang: str) -> str:
    return "; ".join(vocabulary_label(values, c, lang) for c in codes if c in values)


def _eligible_word(call: DigestCall, ctx: _Context) -> str:
    return word({True: "yes", False: "no", None: "unknown"}[call.eligible], ctx.lang)


def _applicants(call: DigestCall, ctx: _Context) -> str:
    """Who may apply, as the source states it; "ni podatka" when it does not say."""
    return _join_labels(APPLICANT_TYPES, call.applicant_types, ctx.lang) or word("not_stated", ctx.lang)


CALL_COLUMNS: tuple[Column, ...] = (
    _field("title", "title", lambda c, x: c.title, TITLE_LIMIT),
    _field("publisher", "text", lambda c, x: c.publisher),
    Column(
        "next_deadline",
        WORDS["next_deadline"],
        FIELDS_BY_NAME["deadlines"].excel_width,
        "date",
        lambda c, x: c.next_deadline,
    ),
    _own("days_left", 8, "days", lambda c, x: c.days_left(x.as_of)),
    _own("call_status", 22, "text", lambda c, x: status_text(c, x.lang)),
    _field("budget_eur", "money", lambda c, x: c.budget_eur),
    _own("score", 9, "score", lambda c, x: c.score),
    _own("relevance", 28, "text", lambda c, x: "\n".join(c.relevance_reasons)),
    _own("eligible", 10, "text", _eligible_word),
    _own("eligibility", 28, "text", lambda c, x: "\n".join(c.eligibility_reasons)),
    _field("domains", "text", lambda c, x: _join_labels(DOMAINS, c.domains, x.lang)),
    _field("applicant_types", "text", _applicants),
    _field("summary", "text", lambda c, x: c.summary, SUMMARY_LIMIT),
    _own("status", 14, "status", lambda c, x: status_label(c.status, x.lang) if c.status else None),
    _field("id", "text", lambda c, x: c.call_id),
)


def _call_column(key: str, via: Callable[[Any], DigestCall]) -> Column:
    col = next(c for c in CALL_COLUMNS if c.key == key)
    return Column(col.key, col.labels, col.width, col.kind, lambda r, x: col.get(via(r), x), col.limit)


def _change_field(change: DigestChange, ctx: _Context) -> str:
    f = FIELDS_BY_NAME.get(change.field)
    return f.label(ctx.lang) if f else change.field


def _change_value(value: Any, name: str, ctx: _Context) -> Any:
    return typed_value(value, name, ctx.lang)


CHANGE_COLUMNS: tuple[Column, ...] = (
    _call_column("title", lambda r: r.call),
    _own("field", 18, "text", _change_field),
    _own("old", 20, "value", lambda r, x: _change_value(r.old, r.field, x)),
    _own("new", 20, "value", lambda r, x: _change_value(r.new, r.field, x)),
    _own("changed_on", 12, "date", lambda r, x: r.changed_on),
    _own("change_kind", 14, "text", lambda r, x: word(r.kind, x.lang) if r.kind in WORDS else r.kind),
    _call_column("next_deadline", lambda r: r.call),
    _call_column("call_status", lambda r: r.call),
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
LEGEND_WIDTHS = (28, 100)


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` units wide (an estimate that errs long)."""
    per_line = max(int(width * CHARS_PER_WIDTH) - 2, 4)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_points(lines: int) -> float:
    return min(lines * LINE_POINTS + ROW_PADDING, MAX_ROW_POINTS)


# --- the frame: everything but the rows, made once per language by openpyxl ------------------------

_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _font(**kw: Any) -> Font:
    return Font(name=FONT, size=FONT_SIZE, **kw)


# Cell styles by name; openpyxl registers them in the frame's stylesheet and gives their ids.
def _style_specs(lang: str) -> dict[str, dict[str, Any]]:
    formats = _NUMBER_FORMATS[lang]
    return {
        "text": {"alignment": _WRAP, "font": _font()},
        "header": {"alignment": _WRAP, "font": _font(bold=True)},
        "title": {"alignment": _WRAP, "font": _font(color="0563C1", underline="single")},
        "date": {"alignment": _TOP, "font": _font(), "number_format": formats["date"]},
        "money": {"alignment": _TOP, "font": _font(), "number_format": formats["money"]},
        "number": {"alignment": _TOP, "font": _font(), "number_format": formats["number"]},
        "score": {"alignment": _TOP, "font": _font(), "number_format": "0"},
        "status": {"alignment": _WRAP, "font": _font(), "fill": PatternFill("solid", fgColor="EAF1FB")},
        "days": {"alignment": _TOP, "font": _font(), "number_format": "0"},
        **{
            f"days_{limit}": {
                "alignment": _TOP,
                "number_format": "0",
                "fill": PatternFill("solid", fgColor=bg),
                "font": _font(color=fg, bold=limit <= 7),
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


def _tag(name: str, ns: str = _MAIN_NS) -> str:
    return f"{{{ns}}}{name}"


_SHEET_DATA, _DIMENSION, _ROW_TAG = _tag("sheetData"), _tag("dimension"), _tag("row")
_HYPERLINKS, _HYPERLINK = _tag("hyperlinks"), _tag("hyperlink")
_VALIDATIONS, _VALIDATION = _tag("dataValidations"), _tag("dataValidation")
_TABLE_PARTS, _TABLE_PART_TAG, _AUTO_FILTER = _tag("tableParts"), _tag("tablePart"), _tag("autoFilter")
_HEADER_FOOTER, _ODD_HEADER = _tag("headerFooter"), _tag("oddHeader")
_RELATIONSHIP = _tag("Relationship", _PKG_REL_NS)
_PROPERTY, _LPWSTR = _tag("property", _CUSTOM_NS), _tag("lpwstr", _VT_NS)
_R_ID = _tag("id", _REL_NS)
_SPACE = _tag("space", _XML_NS)
_HYPERLINK_TYPE = f"{_REL_NS}/hyperlink"
_TABLE_TYPE = f"{_REL_NS}/table"


@dataclass
class _SheetFrame:
    """One sheet of the frame as element trees: the sheet (header row only) and its parts."""

    sheet: etree._Element  # <worksheet> without hyperlinks; sheetData holds the header row (data sheets)
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


_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=_PARSER)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _only(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        raise LookupError(f"the frame has no {tag} in {parent.tag}")
    return found


def _print_setup(ws: Any) -> None:
    """Landscape A4, fitted to the page width (as many pages tall as needed), header row repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.gridLines = True
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = _PLACEHOLDER_TOKEN  # the print title, set per firm
    ws.oddFooter.center.text = "&P / &N"


@functools.cache
def _frame(lang: str) -> _Frame:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [wb.create_sheet(word(f"sheet_{key}", lang)) for key, _ in SHEETS]
    legend = wb.create_sheet(word("sheet_legend", lang))
    styles = {}
    scratch = legend.cell(row=1, column=1)
    for name, spec in _style_specs(lang).items():
        scratch.style = "Normal"
        for attr, value in spec.items():
            setattr(scratch, attr, value)
        styles[name] = scratch.style_id
    del legend._cells[(1, 1)]
    for letter, width in zip("AB", LEGEND_WIDTHS):
        legend.column_dimensions[letter].width = width
    _print_setup(legend)

    choices = ",".join(status_label(code, lang) for code in STATUSES)
    header_style = _style_specs(lang)["header"]
    for ws, (key, columns) in zip(sheets, SHEETS):
        ws.freeze_panes = "B2"
        for number, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
            header = ws.cell(row=1, column=number, value=column.label(lang))
            header.font, header.alignment = header_style["font"], header_style["alignment"]
        # headers wrap, and the header row is as tall as its longest label needs: never cut
        ws.row_dimensions[1].height = row_points(max(text_lines(c.label(lang), c.width) for c in columns))
        ws.cell(row=2, column=1).hyperlink = _PLACEHOLDER_URL  # so openpyxl makes a link to copy
        last = get_column_letter(len(columns))
        table = Table(displayName=f"t_{key}", ref=f"A1:{last}2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        status_col = get_column_letter(next(i for i, c in enumerate(columns, 1) if c.kind == "status"))
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True)
        validation.add(f"{status_col}2")
        ws.add_data_validation(validation)
        _print_setup(ws)
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


# --- cells and rows ----------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LETTERS = [get_column_letter(i) for i in range(1, 40)]


def _copy(element: etree._Element) -> etree._Element:
    """A copy of the element and everything in it (lxml's copy is deep; no memo needed)."""
    return element.__copy__()


@functools.lru_cache(maxsize=65_536)
def _string(value: str, limit: int, lang: str, style: str, width: float) -> tuple[bytes, int]:
    """A string cell, cleaned and cut, serialized by lxml (which escapes), and the lines it wraps to.

    Cached: the same text recurs across sheets and workbooks. Always the string type, so a title
    like "=HYPERLINK(...)" stays text, never a formula.
    """
    text = clean_text(value, limit, lang)
    cell = etree.Element("c", {"s": style, "t": "inlineStr"})
    t = etree.SubElement(etree.SubElement(cell, "is"), "t")
    t.text = text
    if text != text.strip():  # whitespace at the ends is kept
        t.set(_SPACE, "preserve")
    return etree.tostring(cell, encoding="UTF-8"), text_lines(text, width)


@functools.lru_cache(maxsize=65_536)
def _number(number: float, style: str) -> tuple[bytes, int]:
    """A number cell, cached like string cells (one line)."""
    cell = etree.Element("c", {"s": style})
    etree.SubElement(cell, "v").text = repr(number)
    return etree.tostring(cell), 1


@functools.lru_cache(maxsize=256)
def _blank(style: str) -> tuple[bytes, int]:
    """An empty cell with its column's style: it keeps the following cells in their columns."""
    return etree.tostring(etree.Element("c", {"s": style})), 1


def _days_style(days: int) -> str:
    for limit, _, _ in URGENCY:
        if days <= limit:
            return f"days_{limit}"
    return "days"


_STRING_STYLES = {"title": "title", "status": "status"}
_NUMBER_STYLES = {"money": "money", "score": "score", "date": "date", "days": "days"}


@dataclass(frozen=True)
class _ColumnWriter:
    """A column's cell maker with its style ids (as attribute text) looked up once per sheet."""

    column: Column
    string_style: str
    blank_style: str
    styles: dict[str, str]
    lang: str

    @classmethod
    def of(cls, column: Column, styles: dict[str, str], lang: str) -> _ColumnWriter:
        string_style = styles[_STRING_STYLES.get(column.kind, "text")]
        blank = styles[_NUMBER_STYLES[column.kind]] if column.kind in _NUMBER_STYLES else string_style
        return cls(column, string_style, blank, styles, lang)

    def cell(self, value: Any) -> tuple[bytes, int]:
        """The value's cell, serialized, and its line count."""
        if value is None or value == "":
            return _blank(self.blank_style)
        if isinstance(value, str):
            return _string(value, self.column.limit, self.lang, self.string_style, self.column.width)
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            return _number((day - _EXCEL_EPOCH).days, self.styles["date"])
        kind = self.column.kind
        if kind == "days":
            return _number(int(value), self.styles[_days_style(int(value))])
        if isinstance(value, Amount) or kind == "money":
            return _number(round(float(value), 2), self.styles["money"])
        return _number(round(float(value), 2), self.styles["score" if kind == "score" else "number"])


def _row(writers: Sequence[_ColumnWriter], row: Any, ctx: _Context) -> bytes:
    """A <row> of cells in column order, as tall as its longest wrapped cell (trailing blanks left out)."""
    cells = [w.cell(w.column.get(row, ctx)) for w in writers]
    while len(cells) > 1 and cells[-1][0] == _blank(writers[len(cells) - 1].blank_style)[0]:
        cells.pop()
    return _row_of(cells)


def _row_of(cells: Sequence[tuple[bytes, int]]) -> bytes:
    points = row_points(max(n for _, n in cells))
    return b'<row ht="%s" customHeight="1">%s</row>' % (str(points).encode(), b"".join(c for c, _ in cells))


def _url_of(row: Any) -> str | None:
    return safe_url((row.call if isinstance(row, DigestChange) else row).url)


@functools.lru_cache(maxsize=1_024)
def _table_xml(lang: str, index: int, ref: str) -> bytes:
    """A data sheet's table part for a range (ranges recur across firms, so cached)."""
    table = _copy(_frame(lang).sheets[index].table)
    assert table is not None
    table.set("ref", ref)
    _only(table, _AUTO_FILTER).set("ref", ref)
    return _xml(table)


def _link_parts(sheet: _SheetFrame, rels: etree._Element, links: dict[str, str]) -> etree._Element:
    """The sheet's <hyperlinks>; one relationship per distinct URL is added to `rels`. Both copy
    openpyxl's own placeholder link."""
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


def _print_title(digest: Digest, sheet_name: str, lang: str) -> str:
    """The page header: FundScout, the firm, the week, the sheet (`&` doubled: it starts a code)."""
    week = digest.week_label(lang)
    text = clean_text(f"FundScout · {digest.firm_name} · {week} · {sheet_name}", 200, lang, one_line=True)
    return '&C&"-,Bold"' + text.replace("&", "&&")


@functools.lru_cache(maxsize=64)
def _segments(lang: str, index: int) -> tuple[bytes | str, ...]:
    """A frame sheet as serialized pieces: each child element once (as lxml writes it), the tags
    the firm's workbook replaces as their names, and the sheet data open for its rows."""
    sheet = _frame(lang).sheets[index].sheet
    start = "<worksheet" + "".join(
        f' xmlns{":" + prefix if prefix else ""}="{uri}"' for prefix, uri in sheet.nsmap.items()
    )
    pieces: list[bytes | str] = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', start.encode() + b">"]
    for child in sheet:
        if child.tag == _SHEET_DATA:
            pieces.append(b"<sheetData>" + b"".join(etree.tostring(row) for row in child))
            pieces.append(_SHEET_DATA)  # the rows go here
            pieces.append(b"</sheetData>")
        elif child.tag in (_DIMENSION, _VALIDATIONS, _HEADER_FOOTER):
            pieces.append(child.tag)
        else:
            pieces.append(etree.tostring(child))
        if child.tag == _VALIDATIONS:
            pieces.append(_HYPERLINKS)  # <hyperlinks> follows <dataValidations> in a worksheet
    pieces.append(b"</worksheet>")
    return tuple(pieces)


def _sheet_xml(lang: str, index: int, rows: Sequence[bytes], fill: dict[str, etree._Element]) -> bytes:
    """The worksheet part: the frame's pieces, the rows, and the firm's own elements where named."""
    out = []
    for piece in _segments(lang, index):
        if isinstance(piece, bytes):
            out.append(piece)
        elif piece == _SHEET_DATA:
            out.extend(rows)
        elif (element := fill.get(piece)) is not None:
            out.append(etree.tostring(element))
    return b"".join(out)


def _headed(part: _SheetFrame, digest: Digest, sheet_name: str, lang: str) -> etree._Element:
    header_footer = _copy(_only(part.sheet, _HEADER_FOOTER))
    _only(header_footer, _ODD_HEADER).text = _print_title(digest, sheet_name, lang)
    return header_footer


def _data_sheet(
    frame: _Frame,
    index: int,
    columns: Sequence[Column],
    rows: Sequence[Any],
    ctx: _Context,
    digest: Digest,
    made: dict[tuple[int, int], tuple[bytes, str | None]],
) -> tuple[bytes, bytes, bytes]:
    """Sheet, relationships and table parts of one data sheet.

    `made` keeps each row element by (columns, row): a call listed in several sheets of the
    workbook (new, closing, all open) is built once.
    """
    part = frame.sheets[index]
    assert part.rels is not None
    writers = [_ColumnWriter.of(c, frame.styles, ctx.lang) for c in columns]
    elements, links = [], {}
    title = next((_LETTERS[i] for i, c in enumerate(columns) if c.kind == "title"), None)
    for number, row in enumerate(rows, start=2):
        key = (id(columns), id(row))
        made_row = made.get(key)
        if made_row is None:
            made_row = made[key] = (_row(writers, row, ctx), _url_of(row))
        element, url = made_row
        elements.append(element)
        if title is not None and url:
            links[f"{title}{number}"] = url
    last_row = max(len(rows) + 1, 2)  # a table needs a data row, even an empty one
    ref = f"A1:{_LETTERS[len(columns) - 1]}{last_row}"
    dimension = _copy(_only(part.sheet, _DIMENSION))
    dimension.set("ref", ref)
    status_col = _LETTERS[next(i for i, c in enumerate(columns) if c.kind == "status")]
    validations = _copy(_only(part.sheet, _VALIDATIONS))
    _only(validations, _VALIDATION).set("sqref", f"{status_col}2:{status_col}{last_row}")
    rels = _copy(part.rels)
    fill = {
        _DIMENSION: dimension,
        _VALIDATIONS: validations,
        _HEADER_FOOTER: _headed(part, digest, word(f"sheet_{SHEETS[index][0]}", ctx.lang), ctx.lang),
    }
    if links:
        fill[_HYPERLINKS] = _link_parts(part, rels, links)
    return _sheet_xml(ctx.lang, index, elements, fill), _xml(rels), _table_xml(ctx.lang, index, ref)


# --- the legend ----------------------------------------------------------------------------------

# What the reader is, by applicant type of its legal form: (term, "your …", "of your …"), sl and en.
_READERS: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "enterprise": (("Podjetje", "vaše podjetje", "vašega podjetja"), ("Firm", "your firm", "your firm's")),
    "municipality": (
        ("Občina", "vaša občina", "vaše občine"),
        ("Municipality", "your municipality", "your municipality's"),
    ),
    "public_institute": (("Zavod", "vaš zavod", "vašega zavoda"), ("Institute", "your institute", "your institute's")),
    "ngo": (
        ("Organizacija", "vaša organizacija", "vaše organizacije"),
        ("Organisation", "your organisation", "your organisation's"),
    ),
    "association": (
        ("Društvo", "vaše društvo", "vašega društva"),
        ("Association", "your association", "your association's"),
    ),
    "research_org": (
        ("Raziskovalna organizacija", "vaša organizacija", "vaše organizacije"),
        ("Research organisation", "your organisation", "your organisation's"),
    ),
    "natural_person": (("Prejemnik", "vi", "vaše"), ("Recipient", "you", "your")),
}


def reader_words(reader: str, lang: str) -> tuple[str, str, str]:
    """How the legend names the reader: the term, "your …" and "of your …"."""
    sl, en = _READERS.get(reader, _READERS["enterprise"])
    return sl if lang == "sl" else en


# Legend text of the dictionary fields shown in the workbook, (Slovenian, English).
_FIELD_HELP = {
    "title": (
        "Naslov razpisa, kot je objavljen; klik odpre vir.",
        "Title of the call as published; click to open the source.",
    ),
    "budget_eur": ("Skupna razpisana sredstva v evrih.", "Total money available, in euro."),
    "domains": ("Področja pametnega mesta, ki jih razpis pokriva.", "Smart-city domains the call covers."),
    "applicant_types": (
        "Kdo se lahko prijavi, kot navaja razpis; »ni podatka«, kjer razpis tega ne navaja.",
        "Who may apply, as the call states it; “not stated” where it does not say.",
    ),
    "summary": ("Kratek opis razpisa.", "Short description of the call."),
    "id": ("Oznaka razpisa v FundScoutu; ne spreminjajte je.", "The call's FundScout ID; do not change it."),
}


@functools.lru_cache(maxsize=64)
def _legend_rows(lang: str, reader: str) -> list[tuple[str, str]]:
    """The legend rows that are the same for every reader of a kind (after the reader's own rows)."""
    sl = lang == "sl"
    _, yours, of_yours = reader_words(reader, lang)
    statuses = "; ".join(status_label(code, lang) for code in STATUSES)
    rows = [
        (
            word("sheet_new", lang),
            "Razpisi, ki smo jih prvič videli ta teden." if sl else "Calls first seen this week.",
        ),
        (
            word("sheet_changed", lang),
            "Spremembe razpisov od prejšnjega tedna: prejšnja in nova vrednost, vsaka v svoji obliki."
            if sl
            else "Changes to calls since last week: the old and the new value, each in its own form.",
        ),
        (
            word("sheet_closing", lang),
            "Odprti razpisi, ki se zaprejo v 30 dneh." if sl else "Open calls that close within 30 days.",
        ),
        (
            word("sheet_open", lang),
            f"Vsi odprti in napovedani razpisi, ki ustrezajo dejavnosti {of_yours} in na katere se {yours} "
            "lahko prijavi."
            if sl
            else f"All open and announced calls that fit {yours} and that {yours} may apply for.",
        ),
        (
            word("call_status", lang),
            "odprt ali napovedan (»napovedan, odpre se D«) in rok: naslednji rok in koliko rokov še ostane, "
            "ali »do porabe sredstev, najpozneje D«, ko razpis velja do porabe sredstev."
            if sl
            else "open or announced (“forthcoming, opens on D”) and the deadline: the next cut-off date and how "
            "many remain, or “until funds are spent, at the latest D” for a first-come call.",
        ),
        (
            word("days_left", lang),
            "Rdeče: največ 7 dni, oranžno: največ 14 dni, rumeno: največ 30 dni."
            if sl
            else "Red: 7 days or fewer, orange: 14 or fewer, yellow: 30 or fewer.",
        ),
        (
            word("score", lang),
            f"Kako dobro razpis ustreza dejavnosti in interesom {of_yours}."
            if sl
            else f"How well the call fits {of_yours} activity and interests.",
        ),
        (
            word("eligible", lang),
            f"Ali se {yours} glede na pogoje razpisa lahko prijavi."
            if sl
            else f"Whether {yours} may apply under the call's conditions.",
        ),
        (
            word("status", lang),
            f"Izberite: {statuses}. Izpolnjeno datoteko nam pošljite nazaj — upoštevali jo bomo pri naslednjih izborih."
            if sl
            else f"Pick one of: {statuses}. Send the filled workbook back and we take it into account "
            "in future matches.",
        ),
    ]
    for name, (help_sl, help_en) in _FIELD_HELP.items():
        rows.append((FIELDS_BY_NAME[name].label(lang), help_sl if sl else help_en))
    return rows


def _legend_row(left: str, right: str, styles: tuple[str, str], lang: str) -> bytes:
    return _row_of(
        [
            _string(text, TEXT_LIMIT, lang, style, width)
            for text, style, width in zip((left, right), styles, LEGEND_WIDTHS)
        ]
    )


@functools.lru_cache(maxsize=64)
def _legend_fixed(lang: str, reader: str) -> list[bytes]:
    """The legend's rows after the reader's own ones, built once per language and kind of reader."""
    styles = _frame(lang).styles
    return [_legend_row(a, b, (styles["header"], styles["text"]), lang) for a, b in _legend_rows(lang, reader)]


def _legend_sheet(frame: _Frame, digest: Digest, lang: str) -> bytes:
    """The legend: who it is for, the week and the day, then what each sheet and column means."""
    term, _, _ = reader_words(digest.reader, lang)
    week = digest.week_label(lang)
    styles = frame.styles
    bold, text = styles["header"], styles["text"]
    rows = [
        _legend_row(word("legend_term", lang), word("legend_meaning", lang), (bold, bold), lang),
        _legend_row(term, f"{digest.firm_name} ({digest.firm_id})", (bold, text), lang),
        _legend_row(("Teden", "Week")[lang != "sl"], week, (bold, text), lang),
        _legend_row(("Stanje na dan", "As of")[lang != "sl"], format_date(digest.as_of, lang), (bold, text), lang),
        *_legend_fixed(lang, digest.reader),
    ]
    part = frame.sheets[-1]
    dimension = _copy(_only(part.sheet, _DIMENSION))
    dimension.set("ref", f"A1:B{len(rows)}")
    fill = {_DIMENSION: dimension, _HEADER_FOOTER: _headed(part, digest, word("sheet_legend", lang), lang)}
    return _sheet_xml(lang, len(SHEETS), rows, fill)


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
    made: dict[tuple[int, int], tuple[bytes, str | None]] = {}
    buffer = io.BytesIO(frame.package)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as package:
        for index, (key, columns) in enumerate(SHEETS):
            sheet, rels, table = _data_sheet(frame, index, columns, getattr(digest, key), ctx, digest, made)
            _add(package, _SHEET_PART.format(index + 1), sheet)
            _add(package, _TABLE_PART.format(index + 1), table)
            _add(package, _RELS_PART.format(index + 1), rels)
        _add(package, _SHEET_PART.format(len(SHEETS) + 1), _legend_sheet(frame, digest, lang))
        _add(package, "docProps/custom.xml", _custom_properties(frame, token))
    return buffer.getvalue()


# Parts smaller than this are stored: deflating a few hundred bytes costs more than it saves.
_STORE_BELOW = 2_048


def _add(package: zipfile.ZipFile, name: str, data: bytes) -> None:
    method = zipfile.ZIP_STORED if len(data) < _STORE_BELOW else zipfile.ZIP_DEFLATED
    package.writestr(name, data, compress_type=method, compresslevel=COMPRESSION)
