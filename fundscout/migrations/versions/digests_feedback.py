"""firm feedback from the weekly digests

Revision ID: digests_1
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "digests_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "firm_feedback",
        sa.Column("firm_id", sa.String(length=60), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_firm_feedback_call_id_calls")),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.firm_id"], name=op.f("fk_firm_feedback_firm_id_firms")),
        sa.PrimaryKeyConstraint("firm_id", "call_id", name=op.f("pk_firm_feedback")),
    )


def downgrade() -> None:
    op.drop_table("firm_feedback")
