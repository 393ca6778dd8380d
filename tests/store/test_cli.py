"""`fundscout init / import-calls / import-firms` from the command line, good and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import Call, Firm
from tests.store.test_load import call, write_jsonl

runner = CliRunner()

FIRM_HEADER = "firm_id,name,legal_form,size_class,municipality,nace_codes,description,interests,email\n"
GOOD_FIRM = 'G1,Kamniti most d.o.o.,d.o.o.,small,Kranj,62.010;63.110,"Razvija e-storitve.",odprti podatki,info@most.example.com\n'


def count(url, model) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_init_creates_the_store(fundscout_env):
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert count(fundscout_env, Call) == 0


def test_import_calls_reports_counts(fundscout_env, tmp_path):
    path = write_jsonl(tmp_path / "calls.jsonl", [call()])
    result = runner.invoke(app, ["import-calls", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    assert count(fundscout_env, Call) == 1


@pytest.mark.parametrize(
    ("content", "row", "field"),
    [
        ([call(deadline="2027-01-01")], 1, "deadline"),  # unknown column
        ([call(), call(id="b", deadlines=["2027-02-30"])], 2, "deadlines"),  # malformed date
        ([call(budget_eur=-5.0)], 1, "budget_eur"),
        ([call(funds=["ESRR"])], 1, "funds"),  # not a code of the vocabulary
        ([call(title=None)], 1, "title"),
    ],
)
def test_bad_call_rows_exit_2_naming_file_row_and_field(fundscout_env, tmp_path, content, row, field):
    path = write_jsonl(tmp_path / "bad.jsonl", content)
    result = runner.invoke(app, ["import-calls", str(path)])
    assert result.exit_code == 2
    assert f"error: {path}: row {row}, field '{field}'" in result.stderr
    assert count(fundscout_env, Call) == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "file is empty"),
        (b"\n\n", "file is empty"),
        ('{"id": "\u010d"}\n'.encode("cp1250"), "not UTF-8"),
        (b'{"id": "x",\n', "not valid JSON"),
    ],
)
def test_unreadable_call_files_exit_2(fundscout_env, tmp_path, raw, message):
    path = tmp_path / "calls.jsonl"
    path.write_bytes(raw)
    result = runner.invoke(app, ["import-calls", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr and message in result.stderr


def test_import_firms_loads_good_rows_and_reports_bad_ones(fundscout_env, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(
        FIRM_HEADER
        + GOOD_FIRM
        + "G2,Brez oblike,,small,Kranj,62.010,,,\n"
        + "G3,Napačna koda,d.o.o.,small,Kranj,6201X,,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import-firms", str(path)])
    assert result.exit_code == 2
    assert f"{path}: row 3, field 'legal_form'" in result.stderr
    assert f"{path}: row 4, field 'nace_codes'" in result.stderr
    assert count(fundscout_env, Firm) == 1


def test_refreshing_firms_updates_and_never_duplicates(fundscout_env, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + GOOD_FIRM, encoding="utf-8")
    assert runner.invoke(app, ["import-firms", str(path)]).exit_code == 0
    path.write_text(FIRM_HEADER + GOOD_FIRM.replace("small", "medium"), encoding="utf-8")
    result = runner.invoke(app, ["import-firms", str(path)])
    assert result.exit_code == 0 and "1 updated" in result.output
    with session_scope(fundscout_env) as s:
        firms = s.scalars(select(Firm)).all()
    assert [(f.firm_id, f.size_class, f.nace_codes) for f in firms] == [("G1", "medium", ["62.010", "63.110"])]


def test_unknown_firm_column_exits_2(fundscout_env, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER.replace("email", "e_mail") + GOOD_FIRM, encoding="utf-8")
    result = runner.invoke(app, ["import-firms", str(path)])
    assert result.exit_code == 2
    assert f"{path}: row 1, field 'e_mail': unknown column" in result.stderr
