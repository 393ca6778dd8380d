"""The migrations, the models and the field dictionary describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from fundscout.db import engine_for, upgrade
from fundscout.db.models import Base
from fundscout.fields import CALL_FIELDS


def test_migrations_match_the_models(db_url):
    with engine_for(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_call_columns_come_from_the_field_dictionary(db_url):
    columns = {c["name"] for c in inspect(engine_for(db_url)).get_columns("calls")}
    assert {f.name for f in CALL_FIELDS} <= columns


def test_upgrade_is_repeatable(db_url):
    upgrade(db_url)  # already at head: nothing to do, nothing breaks
    assert "calls" in inspect(engine_for(db_url)).get_table_names()
