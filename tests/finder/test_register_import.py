"""`fundscout import-firms` on the business register's export: keyed by matična številka, a refresh
never duplicates a firm, never subscribes one, and keeps what the firm said itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fundscout.cli import app
from fundscout.db import session_scope
from fundscout.db.models import Firm
from tests.finder.firm_helpers import valid_number

runner = CliRunner()
A, B, C = valid_number("100001"), valid_number("202020"), valid_number("987654")
HEADER = "Matična številka;Naziv;Naslov;Občina;Glavna dejavnost\n"


def _write(tmp_path: Path, body: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _import(path: Path):
    return runner.invoke(app, ["import-firms", str(path)])


def _firms(url: str) -> dict[str, Firm]:
    with session_scope(url) as session:
        return {f.registry_number: f for f in session.scalars(select(Firm))}


def test_register_rows_load_keyed_by_number_and_not_subscribed(fundscout_env: str, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"{A};Kolesa Kranj, d.o.o.;Koroška cesta 1, 4000 Kranj;Kranj;J62.010\n"
        f"{B}000;Mizarstvo Novak s.p.;Glavni trg 2;Škofja Loka;16.230\n",
    )
    result = _import(path)
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    firms = _firms(fundscout_env)
    kolesa = firms[f"{A}000"]
    assert kolesa.firm_id == f"ms{A}000" and kolesa.legal_form == "d.o.o." and kolesa.nace_codes == ["62.010"]
    assert kolesa.address == "Koroška cesta 1, 4000 Kranj" and kolesa.municipality == "Kranj"
    assert not kolesa.subscribed and kolesa.email is None and kolesa.size_class == "micro"
    assert firms[f"{B}000"].legal_form == "s.p." and firms[f"{B}000"].municipality == "Škofja Loka"


def test_refresh_updates_never_duplicates_and_never_resubscribes(fundscout_env: str, tmp_path: Path) -> None:
    _import(_write(tmp_path, f"{A};Kolesa Kranj, d.o.o.;Koroška cesta 1;Kranj;62.010\n"))
    with session_scope(fundscout_env) as session:  # the firm said more, then unsubscribed
        firm = session.scalar(select(Firm).where(Firm.registry_number == f"{A}000"))
        firm.email, firm.description, firm.nace_codes = (
            "info@kolesa.example.com",
            "Izposoja koles",
            ["62.010", "77.210"],
        )
        firm.subscribed = False
    again = _import(_write(tmp_path, f"{A}000;Kolesa Kranj in partnerji, d.o.o.;Koroška cesta 9;Kranj;49.310\n"))
    assert again.exit_code == 0 and "0 new, 1 updated" in again.output
    with session_scope(fundscout_env) as session:
        assert session.scalar(select(func.count()).select_from(Firm)) == 1
    firm = _firms(fundscout_env)[f"{A}000"]
    assert firm.name == "Kolesa Kranj in partnerji, d.o.o." and firm.address == "Koroška cesta 9"
    assert firm.nace_codes == ["49.310", "62.010", "77.210"]  # the main code first, the firm's own kept
    assert firm.email == "info@kolesa.example.com" and firm.description == "Izposoja koles"
    assert not firm.subscribed
    same = _import(_write(tmp_path, f"{A}000;Kolesa Kranj in partnerji, d.o.o.;Koroška cesta 9;Kranj;49.310\n"))
    assert "0 new, 0 updated, 1 unchanged" in same.output


def test_bad_rows_are_named_and_skipped(fundscout_env: str, tmp_path: Path) -> None:
    wrong = A[:6] + str((int(A[6]) + 1) % 10)
    path = _write(
        tmp_path,
        f"{wrong};Napačna številka d.o.o.;;Kranj;62.010\n"
        f"{B};Brez oblike;;Kranj;62.010\n"
        f"{C};Neznana občina d.o.o.;;Atlantida;00.100\n"
        f"{A};Dobra d.o.o.;;Kranj;62.010\n",
    )
    result = _import(path)
    assert result.exit_code == 2
    assert "row 2, field 'Matična številka'" in result.output and "check digit" in result.output
    assert "row 3, field 'oblika'" in result.output
    assert "row 4, field 'Občina'" in result.output and "row 4, field 'Glavna dejavnost'" in result.output
    assert set(_firms(fundscout_env)) == {f"{A}000"}


def test_a_file_that_is_neither_format_is_refused(fundscout_env: str, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("foo;bar\n1;2\n", encoding="utf-8")
    result = _import(path)
    assert result.exit_code == 2 and "unknown column" in result.output


@pytest.mark.parametrize("header", ["maticna_stevilka,naziv,obcina,skd\n", "MATIČNA ŠTEVILKA,Naziv,Občina,SKD\n"])
def test_header_spellings(fundscout_env: str, tmp_path: Path, header: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(header + f"{A},Kolesa d.o.o.,Kranj,62.010\n", encoding="utf-8")
    assert _import(path).exit_code == 0
    assert f"{A}000" in _firms(fundscout_env)
