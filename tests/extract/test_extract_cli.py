"""`fundscout extract`: JSONL in, one row per notice out; bad input is named and nothing is written."""

import json
from pathlib import Path

from typer.testing import CliRunner

from fundscout.cli import EXIT_BAD_INPUT, app
from fundscout.fields import EXTRACT_FIELDS

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
runner = CliRunner()


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_extract_writes_one_row_per_notice(tmp_path):
    names = sorted(p.name for p in NOTICES.glob("*.txt"))
    rows = [
        {"id": n.removesuffix(".txt"), "url": f"https://example.org/{n}", "text": (NOTICES / n).read_text("utf-8")}
        for n in names
    ]
    src, out = tmp_path / "n.jsonl", tmp_path / "out" / "o.jsonl"
    write_rows(src, rows)
    result = runner.invoke(app, ["extract", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [g["id"] for g in got] == [r["id"] for r in rows]
    for row in got:
        assert set(EXTRACT_FIELDS) <= set(row) and isinstance(row["evidence"], dict)
    by_id = {g["id"]: g for g in got}
    assert by_id["ul_erdf_2021_2027"]["notice_number"] == "Ob-2207/25"
    assert by_id["ul_municipal_national"]["eu_funded"] is False
    assert by_id["ul_amendment"]["deadlines"] == ["2024-12-02"]
    assert f"{len(rows)} notices" in result.output


def run_bad(tmp_path, content: bytes):
    src, out = tmp_path / "bad.jsonl", tmp_path / "o.jsonl"
    src.write_bytes(content)
    result = runner.invoke(app, ["extract", "--input", str(src), "--output", str(out)])
    return result, out


def test_missing_text_is_named_with_its_row(tmp_path):
    good = json.dumps({"id": "a", "url": "u", "text": "Javni razpis"}).encode()
    result, out = run_bad(tmp_path, good + b"\n" + json.dumps({"id": "b", "url": "u"}).encode() + b"\n")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "bad.jsonl: row 2, field 'text'" in result.output
    assert not out.exists()


def test_bad_json_and_non_utf8(tmp_path):
    result, out = run_bad(tmp_path, b'{"id": "a", "text": "x"}\n{"id": "b", "text": \n')
    assert result.exit_code == EXIT_BAD_INPUT and "row 2" in result.output and "not valid JSON" in result.output
    result, out = run_bad(tmp_path, b'{"id": "a", "text": "Ob\xe8ina"}\n')
    assert result.exit_code == EXIT_BAD_INPUT and "row 1" in result.output and "UTF-8" in result.output
    assert not out.exists()


def test_row_that_is_not_an_object(tmp_path):
    result, _ = run_bad(tmp_path, b'["id", "text"]\n')
    assert result.exit_code == EXIT_BAD_INPUT and "row 1" in result.output and "JSON object" in result.output
