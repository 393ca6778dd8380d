"""`fundscout export`: every table in every format round-trips through pandas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fundscout.cli import app
from reports.tables import LIST_SEPARATOR
from tests.finder.seed import CALLS, HOSTILE_TITLE, seed_calls, seed_firm_with_matches

runner = CliRunner()


@pytest.fixture
def store(fundscout_env: str) -> str:
    seed_calls(fundscout_env)
    seed_firm_with_matches(fundscout_env)
    return fundscout_env


def _export(tmp_path: Path, *args: str) -> tuple[Path, str]:
    table, fmt = args[0], args[2]
    out = tmp_path / f"{table}.{fmt}"
    result = runner.invoke(app, ["export", *args, "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    return pd.read_parquet(path)


def _items(value: object) -> list[str]:
    if isinstance(value, str):
        return [v for v in value.split(LIST_SEPARATOR) if v]
    return list(value)  # parquet keeps the list


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_calls_round_trip_with_their_facts_lists_and_status(store: str, tmp_path: Path, fmt: str) -> None:
    path, output = _export(tmp_path, "calls", "--format", fmt)
    assert output.startswith(f"{len(CALLS)} calls")
    frame = _read(path).set_index("id")
    assert set(frame.index) == set(CALLS)
    for call_id, spec in CALLS.items():
        row = frame.loc[call_id]
        assert row["title"] == spec["title"]
        assert _items(row["deadlines"]) == spec["deadlines"]
        assert _items(row["funds"]) == spec["funds"]
        assert _items(row["applicant_types"]) == spec["applicant_types"]
    status = frame["status"].to_dict()
    assert status["old-closed"] == "closed" and status["energy-forth"] == "forthcoming" and status["mob-open"] == "open"
    budget = frame.loc["mob-open", "budget_eur"]
    assert float(budget) == CALLS["mob-open"]["budget_eur"]


def test_parquet_keeps_types(store: str, tmp_path: Path) -> None:
    path, _ = _export(tmp_path, "calls", "--format", "parquet")
    frame = pd.read_parquet(path).set_index("id")
    assert frame["budget_eur"].dtype == "float64"
    assert str(frame["updated_at"].dtype).endswith("UTC]")
    assert list(frame.loc["hostile", "deadlines"]) == CALLS["hostile"]["deadlines"]


def test_xlsx_keeps_formula_like_text_as_text(store: str, tmp_path: Path) -> None:
    path, _ = _export(tmp_path, "calls", "--format", "xlsx")
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE_TITLE]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_matches_and_firms_round_trip(store: str, tmp_path: Path, fmt: str) -> None:
    path, _ = _export(tmp_path, "matches", "--format", fmt)
    matches = _read(path)
    assert sorted(matches["call_id"]) == ["hostile", "mob-open", "old-closed"]
    row = matches[matches["call_id"] == "mob-open"].iloc[0]
    assert float(row["score"]) == 82.0 and row["firm_name"] == "Savski kod d.o.o."
    assert _items(row["relevance_reasons"]) == ["Tema ustreza (mob-open)."]
    path, _ = _export(tmp_path, "firms", "--format", fmt)
    firms = _read(path)
    assert list(firms["firm_id"]) == ["F1"] and _items(firms.iloc[0]["nace_codes"]) == ["62.010"]


def test_where_chooses_rows_with_a_pandas_expression(store: str, tmp_path: Path) -> None:
    path, output = _export(
        tmp_path, "calls", "--format", "csv", "--where", "status == 'open' and funds.str.contains('ERDF')"
    )
    assert output.startswith("1 calls")
    assert list(_read(path)["id"]) == ["mob-open"]


def test_bad_where_and_format_are_named(store: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "calls", "--where", "nosuch > 1", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--where 'nosuch > 1'" in result.output and "columns are id" in result.output
    assert not (tmp_path / "x.csv").exists()
    result = runner.invoke(app, ["export", "calls", "--format", "ods", "--output", str(tmp_path / "x.ods")])
    assert result.exit_code == 2 and "unknown format 'ods'" in result.output
    result = runner.invoke(app, ["export", "users", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "unknown table 'users'" in result.output
