"""The workbook, built from a real store and reloaded with openpyxl: structure, types, escaping."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from fundscout.db import session_scope
from fundscout.db.models import Firm
from fundscout.fields import FIELDS_BY_NAME
from reports.digest import run_weekly
from reports.digest.safe import CUT_MARKERS, clean_text, safe_url
from reports.digest.workbook import SUMMARY_LIMIT
from tests.digests.conftest import CALLS, LONG_SUMMARY, TODAY, WEEK, WITH_DIGEST

SHEETS_SL = ["Novo ta teden", "Spremenjeno", "Rok v 30 dneh", "Vsi odprti", "Legenda"]


def _build(url: str, tmp_path: Path, lang: str = "sl") -> dict[str, openpyxl.Workbook]:
    report = run_weekly(url, WEEK, out_dir=tmp_path, send=False, smtp_url=None, lang=lang, today=TODAY)
    return {p.stem.split("-")[0]: openpyxl.load_workbook(p) for p in report.workbooks}


def _rows(ws) -> list[dict[str, object]]:
    header = [c.value for c in ws[1]]
    return [
        dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)
    ]


def _cells_by_id(ws) -> dict[str, dict[str, openpyxl.cell.Cell]]:
    header = [c.value for c in ws[1]]
    return {
        row[header.index("Oznaka")].value: dict(zip(header, row))
        for row in ws.iter_rows(min_row=2)
        if row[header.index("Oznaka")].value
    }


def test_one_workbook_per_firm_with_matches_with_all_sheets(seeded: str, tmp_path: Path) -> None:
    books = _build(seeded, tmp_path)
    assert sorted(books) == sorted(WITH_DIGEST)  # not unsubscribed, not without e-mail; F5 gets a note
    wb = books["F1"]
    assert wb.sheetnames == SHEETS_SL
    for ws in wb.worksheets[:4]:
        assert ws.freeze_panes == "B2"
        (table,) = ws.tables.values()
        assert table.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{max(ws.max_row, 2)}"
        assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
        (validation,) = ws.data_validations.dataValidation
        assert validation.formula1 == '"zanima nas,ni relevantno,prijavljamo se"'
        status_col = [c.value for c in ws[1]].index("Vaš odziv") + 1
        letter = openpyxl.utils.get_column_letter(status_col)
        assert str(validation.sqref) == f"{letter}2:{letter}{max(ws.max_row, 2)}"


def test_widths_from_the_field_dictionary_headers_wrap_rows_fit_and_print_setup(seeded: str, tmp_path: Path) -> None:
    wb = _build(seeded, tmp_path)["F1"]
    ws = wb["Vsi odprti"]
    header = [c.value for c in ws[1]]
    for name in ("title", "publisher", "budget_eur", "applicant_types", "domains", "summary", "id"):
        letter = openpyxl.utils.get_column_letter(header.index(FIELDS_BY_NAME[name].label_sl) + 1)
        assert ws.column_dimensions[letter].width == FIELDS_BY_NAME[name].excel_width, name
    # headers wrap and their row is tall enough for the longest label in its column
    assert all(c.alignment.wrap_text for c in ws[1])
    assert ws.row_dimensions[1].height >= 2 * 12
    # a row holding a long (cut) summary is taller than a row of one-line cells
    cells = _cells_by_id(ws)
    tall = ws.row_dimensions[cells["c-formula"]["Naslov"].row].height
    short = ws.row_dimensions[cells["c-funds"]["Naslov"].row].height
    assert tall > 3 * short and all(
        c.alignment.wrap_text for c in ws[cells["c-formula"]["Naslov"].row] if c.data_type == "s"
    )
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
        assert "Savski kod d.o.o." in sheet.oddHeader.center.text and "48. teden" in sheet.oddHeader.center.text


def test_sheets_hold_the_right_calls(seeded: str, tmp_path: Path) -> None:
    wb = _build(seeded, tmp_path)["F1"]
    ids = {ws.title: [r["Oznaka"] for r in _rows(ws)] for ws in wb.worksheets[:4]}
    # open or announced, eligible (or unknown), score >= 30; best first. Closed by date, by a
    # first-come call's last day and by the source's own marker are never listed.
    assert ids["Vsi odprti"] == [
        "c-formula",
        "c-plus",
        "c-script",
        "c-minus",
        "c-funds-dated",
        "c-forthcoming",
        "c-multi",
        "c-funds",
    ]
    assert ids["Novo ta teden"] == ["c-formula", "c-plus"]
    assert ids["Rok v 30 dneh"] == ["c-formula", "c-multi", "c-plus", "c-funds-dated", "c-script"]  # by deadline
    assert set(ids["Spremenjeno"]) == {"c-script"}
    changes = {r["Kaj se je spremenilo"]: (r["Prej"], r["Zdaj"]) for r in _rows(wb["Spremenjeno"])}
    assert changes["Sredstva (EUR)"] == (1000000, 2000000)
    assert changes["Objavljeno"] == (dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 2))
    assert changes["Roki"] == ("5. 12. 2026", "20. 12. 2026")
    assert {r["Vrsta spremembe"] for r in _rows(wb["Spremenjeno"])} == {"sprememba razpisa"}
    # "Prej/Zdaj" in their own type: money as money, dates as dates
    by_field = {r[1].value: r for r in wb["Spremenjeno"].iter_rows(min_row=2)}
    old, new = by_field["Sredstva (EUR)"][2], by_field["Sredstva (EUR)"][3]
    assert old.data_type == new.data_type == "n" and old.number_format == new.number_format
    assert '#"."##0" €"' in new.number_format
    assert by_field["Objavljeno"][2].is_date and by_field["Objavljeno"][2].number_format == "d. m. yyyy"


def test_real_dates_numbers_links_and_urgency(seeded: str, tmp_path: Path) -> None:
    ws = _build(seeded, tmp_path)["F1"]["Vsi odprti"]
    cells = _cells_by_id(ws)
    formula = cells["c-formula"]
    assert formula["Naslednji rok"].value == dt.datetime(2026, 11, 30)
    assert formula["Naslednji rok"].is_date and formula["Naslednji rok"].number_format == "d. m. yyyy"
    assert formula["Dni do roka"].value == 5 and formula["Dni do roka"].data_type == "n"
    assert formula["Sredstva (EUR)"].value == 250000 and formula["Sredstva (EUR)"].data_type == "n"
    assert formula["Sredstva (EUR)"].number_format.startswith("[>=1000000]")  # 250.000 € in any locale
    assert formula["Ujemanje (0–100)"].value == 91
    assert formula["Naslov"].hyperlink.target == "https://www.example.si/razpisi/c-formula"
    assert formula["Upravičenost"].value == "da"
    assert formula["Zakaj ustreza"].value == "Dejavnost ustreza razpisu c-formula."
    # urgency colours: 5 days red, 12 orange, 25 yellow, 90 none
    fills = {cid: cells[cid]["Dni do roka"].fill.fgColor.rgb for cid in ("c-formula", "c-plus", "c-script")}
    assert fills == {"c-formula": "00FFC7CE", "c-plus": "00FFEB9C", "c-script": "00FFF2CC"}
    assert cells["c-minus"]["Dni do roka"].fill.fill_type is None
    assert cells["c-script"]["Upravičenost"].value == "ni znano"
    assert cells["c-funds"]["Naslednji rok"].value is None
    assert cells["c-funds"]["Stanje in rok"].value == "odprt; rok do porabe sredstev"
    assert cells["c-funds"]["Dni do roka"].value is None


def test_status_rule_in_the_workbook(seeded: str, tmp_path: Path) -> None:
    ws = _build(seeded, tmp_path)["F1"]["Vsi odprti"]
    cells = _cells_by_id(ws)
    status = {cid: row["Stanje in rok"].value for cid, row in cells.items()}
    assert status["c-funds-dated"] == "odprt; rok do porabe sredstev, najpozneje 15. 12. 2026"
    assert status["c-forthcoming"] == "napovedan, odpre se 5. 12. 2026; rok 24. 1. 2027"
    assert status["c-multi"] == "odprt; rok 3. 12. 2026, preostali roki: 3"  # one of four cut-offs is past
    assert status["c-formula"] == "odprt; rok 30. 11. 2026"
    assert cells["c-multi"]["Naslednji rok"].value == dt.datetime(2026, 12, 3)
    # applicants as the source states them; "ni podatka" where it does not say
    assert cells["c-multi"]["Upravičeni prijavitelji"].value == "ni podatka"
    assert cells["c-formula"]["Upravičeni prijavitelji"].value == "mikro, mala in srednja podjetja (MSP)"


def test_scraped_text_stays_text(seeded: str, tmp_path: Path) -> None:
    ws = _build(seeded, tmp_path)["F1"]["Vsi odprti"]
    cells = _cells_by_id(ws)
    for call_id in ("c-formula", "c-plus", "c-minus", "c-script"):
        title = cells[call_id]["Naslov"]
        assert title.data_type == "s", call_id  # never "f": no formula from a title
        assert title.value == CALLS[call_id]["title"]
    # no <f> element anywhere in the sheet XML
    with zipfile.ZipFile(tmp_path / "digests" / f"F1-{WEEK}.xlsx") as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/s")]
    assert all("<f>" not in xml and "<f " not in xml for xml in sheets)
    assert any("&lt;script&gt;" in xml for xml in sheets)
    # control character removed, javascript: URL not linked
    assert cells["c-script"]["Razpisovalec"].value == "Ministrstvo za digitalno preobrazbo"
    assert cells["c-script"]["Naslov"].hyperlink is None
    # 40,000 characters are cut, visibly
    summary = cells["c-formula"]["Povzetek"].value
    assert len(LONG_SUMMARY) > 40_000 and len(summary) == SUMMARY_LIMIT
    assert summary.endswith(CUT_MARKERS["sl"])


def test_english_workbook(seeded: str, tmp_path: Path) -> None:
    wb = _build(seeded, tmp_path, lang="en")["F1"]
    assert wb.sheetnames == ["New this week", "Changed", "Closing in 30 days", "All open", "Legend"]
    header = [c.value for c in wb["All open"][1]]
    assert header[:3] == ["Title", "Publisher", "Next deadline"] and "Your response" in header
    assert wb["All open"].data_validations.dataValidation[0].formula1 == '"interested,not relevant,we are applying"'
    legend = {r[0]: r[1] for r in wb["Legend"].iter_rows(values_only=True)}
    assert legend["Week"] == "week 48 (23 Nov–29 Nov 2026)" and legend["Firm"] == "Savski kod d.o.o. (F1)"
    assert wb["All open"]["C2"].number_format == "d mmm yyyy"


def test_legend_calls_the_reader_what_it_is(seeded: str, tmp_path: Path) -> None:
    with session_scope(seeded) as session:
        session.get(Firm, "F2").legal_form = "občina"
    books = _build(seeded, tmp_path)
    firm = {r[0]: r[1] for r in books["F1"]["Legenda"].iter_rows(values_only=True)}
    town = {r[0]: r[1] for r in books["F2"]["Legenda"].iter_rows(values_only=True)}
    assert firm["Podjetje"] == "Savski kod d.o.o. (F1)" and "Občina" not in firm
    assert town["Občina"] == "Gorenjski tok d.o.o. (F2)" and "Podjetje" not in town
    assert "vaša občina" in town["Upravičenost"] and "vaše podjetje" in firm["Upravičenost"]
    assert town["Teden"] == "48. teden (23. 11.–29. 11. 2026)"


def test_empty_sheet_is_still_a_valid_table(seeded: str, tmp_path: Path) -> None:
    wb = _build(seeded, tmp_path)["F2"]
    ws = wb["Spremenjeno"]
    assert _rows(ws) == [] and ws.tables["t_changed"].ref.endswith("2")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a\x00b\x0bc\x1fd\x7fe\x9f", "abcde"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        (None, ""),
    ],
)
def test_clean_text(text: str | None, expected: str) -> None:
    assert clean_text(text) == expected


def test_clean_text_cuts_with_marker() -> None:
    assert clean_text("x" * 50, 20, "en") == "x" * (20 - len(" … [truncated]")) + " … [truncated]"
    assert clean_text("x" * 20, 20) == "x" * 20


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.gov.si/razpis", True),
        ("http://example.org/a?b=1", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("https://", False),
        ("https://a b.si/", False),
        ("https://x.si/\x00", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok
