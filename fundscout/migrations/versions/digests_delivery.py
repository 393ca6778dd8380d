"""digest delivery: message files in the outbox, suppression by address, a firm's quiet-week mail

Revision ID: digests_2
Revises: review_1
"""

import sqlalchemy as sa
from alembic import op

revision = "digests_2"
down_revision = "review_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_outbox") as batch:
        batch.add_column(sa.Column("message_path", sa.Text(), nullable=True))
        batch.add_column(sa.Column("recipient", sa.String(length=320), nullable=True))
    # "deferred" (a 4xx or an unreachable server) is now "pending" with its last error
    op.execute("UPDATE digest_outbox SET status = 'pending' WHERE status = 'deferred'")
    with op.batch_alter_table("firms") as batch:
        batch.add_column(sa.Column("quiet_week", sa.String(length=10), server_default="digest", nullable=False))
    op.create_table(
        "email_suppressions",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("firm_id", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_email_suppressions")),
    )
    # firms unsubscribed before suppression by address existed keep their address suppressed
    op.execute(
        "INSERT INTO email_suppressions (address, firm_id, created_at) "
        "SELECT lower(email), min(firm_id), min(updated_at) FROM firms "
        "WHERE subscribed = false AND email IS NOT NULL AND email <> '' GROUP BY lower(email)"
    )


def downgrade() -> None:
    op.drop_table("email_suppressions")
    with op.batch_alter_table("firms") as batch:
        batch.drop_column("quiet_week")
    with op.batch_alter_table("digest_outbox") as batch:
        batch.drop_column("recipient")
        batch.drop_column("message_path")
