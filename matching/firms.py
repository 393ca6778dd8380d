"""A firm's domains (its SKD codes plus its declared interests), and the firm import that stores them."""

from __future__ import annotations

from pathlib import Path

from fundscout.db import session_scope
from fundscout.load import FirmReport, load_firms, read_firms_csv
from fundscout.load.firms import is_register_export, load_register, read_register_csv
from fundscout.records import FirmRecord
from matching.classify import PROFILE_MIN_SCORE, classify_text
from matching.taxonomy import nace_domains


def nace_domains_of(nace_codes: list[str]) -> list[str]:
    return sorted({d for code in nace_codes for d in nace_domains(code)})


def interest_domains(description: str, interests: list[str]) -> list[str]:
    """Domains the firm declares: its interests read like a title, its description like a body."""
    return sorted(
        label.domain for label in classify_text("; ".join(interests), description, min_score=PROFILE_MIN_SCORE)
    )


def firm_domains(firm: FirmRecord) -> list[str]:
    """Domains of a firm: suggested by its SKD codes plus those of its declared interests."""
    return sorted(set(nace_domains_of(firm.nace_codes)) | set(interest_domains(firm.description, firm.interests)))


def import_firms_file(database_url: str, path: Path) -> FirmReport:
    """`fundscout import-firms`: load the good rows with their domains, report the bad ones.

    The file is the firm CSV, or the business register's export (told apart by its header)."""
    if is_register_export(path):
        rows, errors = read_register_csv(path)
        with session_scope(database_url) as session:
            report = load_register(session, rows, firm_domains)
        report.rejected = errors + report.rejected
        return report
    parsed = read_firms_csv(path)
    with session_scope(database_url) as session:
        report = load_firms(session, parsed.firms, firm_domains)
    report.rejected = parsed.errors
    return report
