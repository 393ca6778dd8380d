"""Shared fixtures. `db_url` runs a test once on SQLite and once on PostgreSQL.

PostgreSQL runs when FUNDSCOUT_TEST_DATABASE_URL is set (CI sets it). When it is set but the
server is unreachable the tests fail; they never skip silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fundscout.db import engine_for, upgrade
from fundscout.db.models import Base

PG_ADMIN_URL = os.environ.get("FUNDSCOUT_TEST_DATABASE_URL")
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head."""
    if not PG_ADMIN_URL:
        pytest.skip("FUNDSCOUT_TEST_DATABASE_URL is not set; PostgreSQL tests run in CI")
    name = f"fundscout_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # an unreachable server raises here: the test fails
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_tables(url: str) -> None:
    with engine_for(url).begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty store at the newest schema, on each backend in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        upgrade(url)
        yield url
        engine_for(url).dispose()
    else:
        url = request.getfixturevalue("postgres_url")
        _empty_tables(url)
        yield url
        _empty_tables(url)


@pytest.fixture
def fundscout_env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the configuration (and so the CLI) at a temporary home and the test store."""
    monkeypatch.setenv("FUNDSCOUT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FUNDSCOUT_DATABASE_URL", db_url)
    return db_url
