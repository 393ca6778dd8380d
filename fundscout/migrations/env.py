"""Alembic environment: runs migrations against the URL given by fundscout.db.upgrade."""

from alembic import context

from fundscout.db.engine import engine_for
from fundscout.db.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with engine_for(url).connect() as connection:
        # render_as_batch lets ALTER TABLE work on SQLite as well as PostgreSQL.
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
