"""Feedback: a firm fills the status column, sends the workbook back, later matches move."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.packaging.custom import StringProperty
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import FirmFeedback
from reports.digest import run_weekly
from reports.digest.feedback import feedback_adjustment
from reports.digest.workbook import TOKEN_PROPERTY
from tests.digests.conftest import TODAY, WEEK

runner = CliRunner()


def _open_calls(url: str, tmp_path: Path, week: str) -> dict[str, dict[str, object]]:
    report = run_weekly(url, week, out_dir=tmp_path / week, send=False, smtp_url=None, today=TODAY)
    (path,) = [p for p in report.workbooks if p.name.startswith("F1-")]
    ws = openpyxl.load_workbook(path)["Vsi odprti"]
    header = [c.value for c in ws[1]]
    return {row[header.index("Oznaka")]: dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True)}


def _fill(path: Path, answers: dict[tuple[str, str], str]) -> None:
    """What the firm does in Excel: pick responses in the status column, save."""
    wb = openpyxl.load_workbook(path)
    for (sheet, call_id), answer in answers.items():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[header.index("Oznaka")].value == call_id:
                row[header.index("Vaš odziv")].value = answer
    wb.save(path)


def test_feedback_lowers_and_raises_future_matches(seeded: str, fundscout_env: str, tmp_path: Path) -> None:
    before = _open_calls(seeded, tmp_path, WEEK)
    returned = tmp_path / WEEK / "digests" / f"F1-{WEEK}.xlsx"
    _fill(
        returned,
        {
            ("Vsi odprti", "c-plus"): "ni relevantno",
            ("Vsi odprti", "c-minus"): "zanima nas",
            ("Rok v 30 dneh", "c-formula"): "prijavljamo se",
            ("Vsi odprti", "c-script"): "zanima nas",
            ("Rok v 30 dneh", "c-script"): "ni relevantno",  # disagrees with the other sheet
            ("Vsi odprti", "c-funds"): "morda",  # not one of the choices
        },
    )
    result = runner.invoke(app, ["feedback", str(returned)])
    assert result.exit_code == 0, result.output
    assert "firm F1, week 2026-W48: 3 responses stored" in result.output
    assert "c-script: different responses" in result.output and "'morda'" in result.output

    with session_scope(seeded) as session:
        stored = {r.call_id: r.status for r in session.scalars(select(FirmFeedback))}
        assert stored == {"c-plus": "not_relevant", "c-minus": "interested", "c-formula": "applying"}
        assert feedback_adjustment(session, "F1", "c-plus") == -100
        assert feedback_adjustment(session, "F1", "c-funds") > 0  # same domain as c-minus
        assert feedback_adjustment(session, "F2", "c-plus") == 0  # another firm is not affected

    after = _open_calls(seeded, tmp_path, "2026-W49")
    assert "c-plus" not in after and "c-plus" in before
    assert after["c-minus"]["Ujemanje (0–100)"] > before["c-minus"]["Ujemanje (0–100)"]
    assert after["c-funds"]["Ujemanje (0–100)"] > before["c-funds"]["Ujemanje (0–100)"]
    assert after["c-formula"]["Ujemanje (0–100)"] == 100  # 91 + 15, capped
    assert after["c-formula"]["Vaš odziv"] == "prijavljamo se"  # shown again, can be changed

    # a later response replaces the earlier one
    returned = tmp_path / "2026-W49" / "digests" / "F1-2026-W49.xlsx"
    _fill(returned, {("Vsi odprti", "c-minus"): "ni relevantno"})
    assert runner.invoke(app, ["feedback", str(returned)]).exit_code == 0
    with session_scope(seeded) as session:
        assert session.get(FirmFeedback, ("F1", "c-minus")).status == "not_relevant"


def test_feedback_rejects_a_foreign_or_altered_workbook(seeded: str, fundscout_env: str, tmp_path: Path) -> None:
    run_weekly(seeded, WEEK, out_dir=tmp_path, send=False, smtp_url=None, today=TODAY)
    path = tmp_path / "digests" / f"F1-{WEEK}.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.custom_doc_props = type(wb.custom_doc_props)()
    wb.custom_doc_props.append(StringProperty(name=TOKEN_PROPERTY, value='["F2", "2026-W48"]'))
    wb.save(path)
    result = runner.invoke(app, ["feedback", str(path)])
    assert result.exit_code == 2 and "FundScout mark is not valid" in result.output

    renamed = tmp_path / "digests" / f"F2-{WEEK}.xlsx"
    wb = openpyxl.load_workbook(renamed)
    for ws in wb.worksheets[:4]:
        ws.cell(row=1, column=[c.value for c in ws[1]].index("Oznaka") + 1, value="ID razpisa")
    wb.save(renamed)
    result = runner.invoke(app, ["feedback", str(renamed)])
    assert result.exit_code == 2 and "no sheet has the columns 'Vaš odziv' and 'Oznaka'" in result.output

    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("just text")
    result = runner.invoke(app, ["feedback", str(not_excel)])
    assert result.exit_code == 2 and "not an Excel workbook" in result.output
    with session_scope(seeded) as session:
        assert session.scalars(select(FirmFeedback)).all() == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["digest", "--week", "2026-48"], "not an ISO week like 2026-W48"),
        (["digest", "--week", "2026-W54"], "does not exist"),
        (["digest", "--week", "2026-W48", "--send"], "FUNDSCOUT_SMTP_URL"),
        (["unsubscribe", "not-a-token"], "unsubscribe token is not valid"),
        (["unsubscribe", "--firm", "NOPE"], "'NOPE' is not in the store"),
    ],
)
def test_cli_errors_are_one_clear_line(fundscout_env: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output


def test_cli_digest_writes_files_and_unsubscribe_stops_them(seeded: str, fundscout_env: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["digest", "--week", WEEK, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "digests").iterdir()) == [f"F1-{WEEK}.xlsx", f"F2-{WEEK}.xlsx"]
    assert sorted(p.name for p in (out / "outbox").iterdir()) == [f"F1-{WEEK}.eml", f"F2-{WEEK}.eml", f"F5-{WEEK}.eml"]
    assert runner.invoke(app, ["unsubscribe", "--firm", "F2"]).exit_code == 0
    result = runner.invoke(app, ["digest", "--week", "2026-W49", "--out", str(out)])
    assert not (out / "digests" / "F2-2026-W49.xlsx").exists()
    assert (out / "digests" / "F1-2026-W49.xlsx").exists()
