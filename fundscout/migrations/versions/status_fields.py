"""a call's opening day and the status its source shows

Revision ID: status_1
Revises: digests_1
"""

import sqlalchemy as sa
from alembic import op

revision = "status_1"
down_revision = "digests_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(
            sa.Column(
                "opens_on",
                sa.Date(),
                nullable=True,
                comment="Day an announced call opens for applications (a later day makes it forthcoming).",
            )
        )
        batch.add_column(
            sa.Column(
                "source_status",
                sa.String(length=40),
                nullable=True,
                comment="Status the source itself shows, if any (a 'zaprt' marker closes the call; see fundscout/status.py).",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("source_status")
        batch.drop_column("opens_on")
