"""The workbook, built from a real store and reloaded with openpyxl: structure, types, escaping."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reports.digest import run_weekly
from reports.digest.safe import CUT_MARKERS, clean_text, safe_url
from reports.digest.workbook import TEXT_LIMIT
from tests.digests.conftest import CALLS, LONG_SUMMARY, RECEIVING, TODAY, WEEK

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


def test_one_workbook_per_receiving_firm_with_all_sheets(seeded: str, tmp_path: Path) -> None:
    books = _build(seeded, tmp_path)
    assert sorted(books) == sorted(RECEIVING)  # not unsubscribed, not without e-mail, not weak-only
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
        assert ws.column_dimensions["A"].width == 60


def test_sheets_hold_the_right_calls(seeded: str, tmp_path: Path) -> None:
    wb = _build(seeded, tmp_path)["F1"]
    ids = {ws.title: [r["Oznaka"] for r in _rows(ws)] for ws in wb.worksheets[:4]}
    # open, eligible (or unknown), score >= 30; best first
    assert ids["Vsi odprti"] == ["c-formula", "c-plus", "c-script", "c-minus", "c-funds"]
    assert ids["Novo ta teden"] == ["c-formula", "c-plus"]
    assert ids["Rok v 30 dneh"] == ["c-formula", "c-plus", "c-script"]  # by deadline
    assert set(ids["Spremenjeno"]) == {"c-script"}
    changes = {r["Kaj se je spremenilo"]: (r["Prej"], r["Zdaj"]) for r in _rows(wb["Spremenjeno"])}
    assert changes["Sredstva (EUR)"] == (1000000, 2000000)
    assert changes["Objavljeno"] == (dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 2))
    assert changes["Roki"] == ("05. 12. 2026", "20. 12. 2026")
    assert {r["Vrsta spremembe"] for r in _rows(wb["Spremenjeno"])} == {"sprememba razpisa"}


def test_real_dates_numbers_links_and_urgency(seeded: str, tmp_path: Path) -> None:
    ws = _build(seeded, tmp_path)["F1"]["Vsi odprti"]
    cells = _cells_by_id(ws)
    formula = cells["c-formula"]
    assert formula["Naslednji rok"].value == dt.datetime(2026, 11, 30)
    assert formula["Naslednji rok"].is_date and formula["Naslednji rok"].number_format == "dd.mm.yyyy"
    assert formula["Dni do roka"].value == 5 and formula["Dni do roka"].data_type == "n"
    assert formula["Sredstva (EUR)"].value == 250000 and formula["Sredstva (EUR)"].data_type == "n"
    assert formula["Ujemanje (0–100)"].value == 91
    assert formula["Naslov"].hyperlink.target == "https://www.example.si/razpisi/c-formula"
    assert formula["Upravičenost"].value == "da"
    assert formula["Zakaj ustreza"].value == "Dejavnost ustreza razpisu c-formula."
    # urgency colours: 5 days red, 12 orange, 25 yellow, 90 none
    fills = {cid: cells[cid]["Dni do roka"].fill.fgColor.rgb for cid in ("c-formula", "c-plus", "c-script")}
    assert fills == {"c-formula": "00FFC7CE", "c-plus": "00FFEB9C", "c-script": "00FFF2CC"}
    assert cells["c-minus"]["Dni do roka"].fill.fill_type is None
    assert cells["c-script"]["Upravičenost"].value == "ni znano"
    assert cells["c-funds"]["Naslednji rok"].value == "do porabe sredstev"
    assert cells["c-funds"]["Dni do roka"].value is None


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
    assert len(LONG_SUMMARY) > 40_000 and len(summary) == TEXT_LIMIT
    assert summary.endswith(CUT_MARKERS["sl"])


def test_english_workbook(seeded: str, tmp_path: Path) -> None:
    wb = _build(seeded, tmp_path, lang="en")["F1"]
    assert wb.sheetnames == ["New this week", "Changed", "Closing in 30 days", "All open", "Legend"]
    header = [c.value for c in wb["All open"][1]]
    assert header[:3] == ["Title", "Publisher", "Next deadline"] and "Your response" in header
    assert wb["All open"].data_validations.dataValidation[0].formula1 == '"interested,not relevant,we are applying"'
    legend = {r[0]: r[1] for r in wb["Legend"].iter_rows(values_only=True)}
    assert legend["Week"] == WEEK and legend["Firm"] == "Savski kod d.o.o. (F1)"


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
