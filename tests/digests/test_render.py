"""The workbook as the firm sees it: rendered by LibreOffice to PDF, read back with pypdf.

LibreOffice (Debian's libreoffice-calc-nogui) applies the print set-up, row heights and number
formats the way an office suite does; a text cut off by a short row or a narrow column is missing
from the PDF's text.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pypdf
import pytest

from reports.digest import run_weekly
from reports.digest.content import Digest, DigestCall, DigestChange
from reports.digest.workbook import build_workbook
from tests.digests.conftest import TODAY, WEEK

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def render_pdf(xlsx: Path, out_dir: Path) -> Path:
    """The workbook printed to PDF by LibreOffice, with a profile of its own (tests run in parallel)."""
    if not Path(SOFFICE).exists():
        pytest.fail(
            f"{SOFFICE} is missing: apt-get install -y libreoffice-calc-nogui (make test does it when run as root)"
        )
    profile = out_dir / "libreoffice-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return out_dir / f"{xlsx.stem}.pdf"


def _squeezed(text: str) -> str:
    """Text without white space: a wrapped cell breaks its lines where the PDF does."""
    return re.sub(r"\s+", "", text)


def _text_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [
        cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "s" and cell.value
    ]


def test_a_rendered_digest_prints_on_a_few_pages_with_every_text_whole(seeded: str, tmp_path: Path) -> None:
    report = run_weekly(seeded, WEEK, out_dir=tmp_path, send=False, smtp_url=None, today=TODAY)
    (path,) = [p for p in report.workbooks if p.name.startswith("F1-")]
    pdf = pypdf.PdfReader(render_pdf(path, tmp_path))
    pages = [page.extract_text() for page in pdf.pages]
    assert 5 <= len(pages) <= 6  # one page per sheet (five sheets), not dozens
    text = _squeezed("".join(pages))
    missing = [value for value in _text_cells(path) if _squeezed(value) not in text]
    assert missing == []
    # numbers as the firm reads them: Slovenian dates and amounts
    assert "30.11.2026" in text and "250.000€" in text and "1.500.000€" in text
    for page in pages:  # the print title on every page
        assert "Savski kod d.o.o. · 48. teden (23. 11.–29. 11. 2026)" in page


def _big_digest(calls: int) -> Digest:
    as_of = dt.date(2026, 11, 25)
    rows = [
        DigestCall(
            call_id=f"ul-2026-{i}",
            title=f"Javni razpis številka {i} za sofinanciranje razvoja digitalnih storitev v občinah",
            url=f"https://www.uradni-list.si/glasilo/{i}",
            publisher="Ministrstvo za gospodarstvo, turizem in šport",
            next_deadline=as_of + dt.timedelta(days=i),
            until_funds_spent=False,
            budget_eur=25_000.0 * (i + 1),
            domains=["e_governance", "health"],
            applicant_types=["sme", "municipality"],
            summary="Sofinanciranje naložb v razvoj novih storitev in izdelkov ter digitalno preobrazbo. " * 3,
            score=100 - i,
            eligible=True,
            eligibility_reasons=["razpis je namenjen MSP; vi ste malo podjetje"],
            relevance_reasons=["skupno področje: e-upravljanje", "ujemanje: odprti podatki"],
            deadlines_left=1,
            last_deadline=as_of + dt.timedelta(days=i),
        )
        for i in range(calls)
    ]
    changes = [DigestChange(rows[0], "deadlines", ["2026-12-01"], ["2026-12-15"], as_of, "amendment")]
    return Digest(
        "F1",
        "Savski kod d.o.o.",
        WEEK,
        as_of,
        monday=dt.date(2026, 11, 23),
        new=rows[:10],
        changed=changes,
        closing=rows[:30],
        open=rows,
    )


def test_a_long_digest_repeats_its_header_row_and_stays_short(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(build_workbook(_big_digest(60)))
    pdf = pypdf.PdfReader(render_pdf(path, tmp_path))
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) <= 14  # 100 rows over five sheets, fitted to the page width
    open_pages = [p for p in pages if "· Vsi odprti" in p]
    assert len(open_pages) >= 2
    for page in open_pages:  # the header row is printed again on every page of a sheet
        assert "Naslov" in page and "Stanje in rok" in page and "Vaš odziv" in page
    text = _squeezed("".join(pages))
    assert [v for v in _text_cells(path) if _squeezed(v) not in text] == []
