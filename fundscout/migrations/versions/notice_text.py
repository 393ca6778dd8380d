"""the notice text a call was read from

Revision ID: text_1
Revises: status_1
"""

import sqlalchemy as sa
from alembic import op

revision = "text_1"
down_revision = "status_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True, comment="Plain text of the notice page as read."))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("text")
