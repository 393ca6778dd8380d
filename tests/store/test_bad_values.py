"""Bad values in call and firm files: refused by file, row and field, nothing loaded, on both stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import Call, Firm
from tests.store.test_cli import FIRM_HEADER, GOOD_FIRM, count
from tests.store.test_load import call, write_jsonl

runner = CliRunner()


def import_calls(path):
    return runner.invoke(app, ["import-calls", str(path)])


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (json.dumps(call(budget_eur=True)), "budget_eur", "expected a number, got the boolean true"),
        (json.dumps(call(cofinancing_rate=False)), "cofinancing_rate", "got the boolean false"),
        (json.dumps(call(budget_eur=1)).replace(": 1,", ": Infinity,"), "budget_eur", "finite number"),
        (json.dumps(call(budget_eur=1)).replace(": 1,", ": -Infinity,"), "budget_eur", "finite number"),
        (json.dumps(call(budget_eur=1)).replace(": 1,", ": NaN,"), "budget_eur", "finite number"),
        (json.dumps(call(budget_eur=1)).replace(": 1,", ": 1e999,"), "budget_eur", "finite number"),
        (json.dumps(call(budget_eur="Infinity")), "budget_eur", "finite number"),
        (json.dumps(call(budget_eur="-inf")), "budget_eur", "finite number"),
        (json.dumps(call(eu_funded=1)), "eu_funded", "valid boolean"),
        (json.dumps(call(eu_funded="yes")), "eu_funded", "valid boolean"),
        (json.dumps(call(title="Javni razpis\u0000 za kolesa")), "title", "NUL character"),
        (json.dumps(call(evidence={"deadlines": "Rok\u0000"})), "evidence", "NUL character"),
        (json.dumps(call(url="https://www.uradni-list.si/a\u0001b")), "url", "control character U+0001"),
        (json.dumps(call(funds=[[[[[[[[[["ERDF"]]]]]]]]]])), "funds", "nested more than 8 levels"),
        (json.dumps(call(extra={"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}})), "extra", "nested"),
    ],
)
def test_bad_value_is_refused_by_row_and_field_and_nothing_loads(fundscout_env, tmp_path, line, field, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(call(id="good-first")) + "\n" + line + "\n", encoding="utf-8")
    result = import_calls(path)
    assert result.exit_code == 2, result.output
    assert f"error: {path}: row 2, field '{field}': " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert count(fundscout_env, Call) == 0


def test_nesting_deeper_than_python_reads_is_an_error_not_a_traceback(fundscout_env, tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps(call()) + "\n" + '{"funds": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    result = import_calls(path)
    assert result.exit_code == 2
    assert f"error: {path}: row 2: values nested more than 8 levels deep" in result.stderr
    assert "RecursionError" not in result.output + result.stderr
    assert count(fundscout_env, Call) == 0


def test_control_characters_in_free_text_are_cleaned_the_same_on_every_store(fundscout_env, tmp_path):
    summary = "Prva stran\u000cDruga stran\u0007 z zvoncem\u001b[0m in\u0085NEL"
    path = write_jsonl(tmp_path / "calls.jsonl", [call(summary=summary, title="\u0002Javni razpis\u007f za kolesa")])
    assert import_calls(path).exit_code == 0
    with session_scope(fundscout_env) as s:
        stored = s.get(Call, call()["id"])
        assert stored.summary == "Prva stran\nDruga stran z zvoncem[0m in\nNEL"
        assert stored.title == "Javni razpis za kolesa"


@pytest.mark.parametrize(("make", "message"), [("missing", "file not found"), ("folder", "is a folder")])
def test_missing_or_unreadable_call_file_is_reported_as_such(fundscout_env, tmp_path, make, message):
    path = tmp_path / "calls.jsonl"
    if make == "folder":
        path.mkdir()
    result = import_calls(path)
    assert result.exit_code == 2
    assert f"error: {path}: {message}" in result.stderr
    assert "row 0" not in result.stderr


def test_missing_firm_file_is_reported_as_such(fundscout_env, tmp_path):
    path = tmp_path / "firms.csv"
    result = runner.invoke(app, ["import-firms", str(path)])
    assert result.exit_code == 2
    assert f"error: {path}: file not found" in result.stderr and "row 0" not in result.stderr


@pytest.mark.parametrize(
    "bad_row",
    [
        # an unquoted comma in the description: 10 fields, the description would spill into interests
        "G2,Druga,d.o.o.,small,Kranj,62.010,Razvoj, svetovanje,e-uprava,g2@example.com\n",
        "G2,Druga,d.o.o.,small,Kranj,62.010,Razvoj\n",  # 7 fields
    ],
)
def test_firm_row_with_more_or_fewer_fields_than_the_header_is_refused(fundscout_env, tmp_path, bad_row):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + GOOD_FIRM + bad_row, encoding="utf-8")
    result = runner.invoke(app, ["import-firms", str(path)])
    assert result.exit_code == 2
    fields = bad_row.count(",") + 1
    assert f"error: {path}: row 3: {fields} fields where the header has 9" in result.stderr
    with session_scope(fundscout_env) as s:
        assert s.scalars(select(Firm.firm_id)).all() == ["G1"]


@pytest.mark.parametrize(
    ("cell", "field", "message"),
    [
        ("Razvoj\u0000 rešitev", "description", "NUL character"),
        ("Kranj\u0001", "municipality", "control character U+0001"),
    ],
)
def test_firm_control_characters(fundscout_env, tmp_path, cell, field, message):
    row = GOOD_FIRM.replace("G1", "G2").replace('"Razvija e-storitve."' if field == "description" else "Kranj", cell)
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + GOOD_FIRM + row, encoding="utf-8")
    result = runner.invoke(app, ["import-firms", str(path)])
    assert result.exit_code == 2
    assert f"error: {path}: row 3, field '{field}': " in result.stderr and message in result.stderr
    assert count(fundscout_env, Firm) == 1


def test_firm_text_is_cleaned_of_control_characters(fundscout_env, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + GOOD_FIRM.replace("Razvija e-storitve.", "Razvija\u0007 e-storitve."), "utf-8")
    assert runner.invoke(app, ["import-firms", str(path)]).exit_code == 0
    with session_scope(fundscout_env) as s:
        assert s.get(Firm, "G1").description == "Razvija e-storitve."
