"""firm self-service and the business register: matična številka, consent, double opt-in, pause

Revision ID: firms_1
Revises: digests_2
"""

import sqlalchemy as sa
from alembic import op

revision = "firms_1"
down_revision = "digests_2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("firms") as batch:
        batch.add_column(sa.Column("registry_number", sa.String(10), nullable=True))
        batch.add_column(sa.Column("address", sa.Text(), nullable=True))
        batch.add_column(sa.Column("lang", sa.String(2), nullable=False, server_default="sl"))
        batch.add_column(sa.Column("consent_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint("uq_firms_registry_number", ["registry_number"])


def downgrade() -> None:
    with op.batch_alter_table("firms") as batch:
        batch.drop_constraint("uq_firms_registry_number", type_="unique")
        for column in (
            "unsubscribed_at",
            "paused",
            "confirmed_at",
            "consent_at",
            "consent_text",
            "lang",
            "address",
            "registry_number",
        ):
            batch.drop_column(column)
