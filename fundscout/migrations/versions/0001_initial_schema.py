"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 22:41:35.689577
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column(
            "id",
            sa.String(length=200),
            nullable=False,
            comment="Stable key of the call, e.g. `ul-2023-118-ob-3476-23`.",
        ),
        sa.Column("url", sa.Text(), nullable=False, comment="URL of the page the call was read from."),
        sa.Column(
            "source", sa.String(length=200), nullable=False, comment="Code of the source (spider name or `import`)."
        ),
        sa.Column("title", sa.Text(), nullable=False, comment="Title of the call as published."),
        sa.Column("publisher", sa.Text(), nullable=True, comment="Body that publishes the call."),
        sa.Column(
            "notice_number",
            sa.String(length=200),
            nullable=True,
            comment="Uradni list notice number, e.g. `Ob-3476/23`.",
        ),
        sa.Column(
            "gazette_issue", sa.String(length=200), nullable=True, comment="Issue of Uradni list RS, e.g. `118/2023`."
        ),
        sa.Column("published_on", sa.Date(), nullable=True, comment="Date of publication."),
        sa.Column("call_type", sa.String(length=40), nullable=True, comment="Kind of notice."),
        sa.Column(
            "programme_period",
            sa.String(length=40),
            nullable=True,
            comment="Cohesion-policy period, or `national` when there is no EU co-financing.",
        ),
        sa.Column(
            "programme",
            sa.Text(),
            nullable=True,
            comment="Programme the call belongs to, e.g. `Interreg Slovenija–Avstrija 2021–2027`.",
        ),
        sa.Column(
            "eu_funded",
            sa.Boolean(),
            nullable=True,
            comment="Whether EU money co-finances the call (state-aid rules alone do not count).",
        ),
        sa.Column("funds", sa.JSON(), nullable=False, comment="EU funds that co-finance the call."),
        sa.Column("deadlines", sa.JSON(), nullable=False, comment="All submission deadlines (cut-off dates)."),
        sa.Column(
            "until_funds_spent",
            sa.Boolean(),
            nullable=True,
            comment='The call stays open until its money is used up ("do porabe sredstev").',
        ),
        sa.Column("budget_eur", sa.Float(), nullable=True, comment="Total money available in euro."),
        sa.Column(
            "cofinancing_rate",
            sa.Float(),
            nullable=True,
            comment="Highest share of eligible costs the call pays, in percent.",
        ),
        sa.Column("applicant_types", sa.JSON(), nullable=False, comment="Who may apply."),
        sa.Column(
            "cohesion_regions",
            sa.JSON(),
            nullable=False,
            comment="Cohesion regions the call is limited to (empty: no limit).",
        ),
        sa.Column("summary", sa.Text(), nullable=True, comment="Short description of the call."),
        sa.Column("domains", sa.JSON(), nullable=False, comment="Smart-city domains of the call (may be empty)."),
        sa.Column(
            "withdrawn", sa.Boolean(), nullable=True, comment="Set by hand or by a source when a call is withdrawn."
        ),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_table(
        "firms",
        sa.Column("firm_id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("legal_form", sa.String(length=40), nullable=False),
        sa.Column("size_class", sa.String(length=20), nullable=False),
        sa.Column("municipality", sa.String(length=80), nullable=False),
        sa.Column("nace_codes", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("firm_id", name=op.f("pk_firms")),
    )
    op.create_table(
        "scrape_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finish_reason", sa.String(length=60), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("loaded_count", sa.Integer(), nullable=False),
        sa.Column("changed_count", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scrape_runs")),
    )
    with op.batch_alter_table("scrape_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scrape_runs_source"), ["source"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("call_hash", sa.String(length=64), nullable=False),
        sa.Column("needs_rereview", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_briefs_call_id_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
        sa.UniqueConstraint("call_id", "lang", name=op.f("uq_briefs_call_id")),
    )
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_briefs_call_id"), ["call_id"], unique=False)

    op.create_table(
        "call_domains",
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_domains_call_id_calls")),
        sa.PrimaryKeyConstraint("call_id", "domain", name=op.f("pk_call_domains")),
    )
    op.create_table(
        "call_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_history_call_id_calls")),
        sa.ForeignKeyConstraint(["run_id"], ["scrape_runs.id"], name=op.f("fk_call_history_run_id_scrape_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_history")),
    )
    with op.batch_alter_table("call_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_history_call_id"), ["call_id"], unique=False)

    op.create_table(
        "call_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_sources_call_id_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_sources")),
        sa.UniqueConstraint("call_id", "source", "url", name=op.f("uq_call_sources_call_id")),
    )
    with op.batch_alter_table("call_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_sources_call_id"), ["call_id"], unique=False)

    op.create_table(
        "digest_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.String(length=60), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("workbook_path", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.firm_id"], name=op.f("fk_digest_outbox_firm_id_firms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_outbox")),
        sa.UniqueConstraint("firm_id", "week", name=op.f("uq_digest_outbox_firm_id")),
    )
    op.create_table(
        "matches",
        sa.Column("firm_id", sa.String(length=60), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_matches_call_id_calls")),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.firm_id"], name=op.f("fk_matches_firm_id_firms")),
        sa.PrimaryKeyConstraint("firm_id", "call_id", name=op.f("pk_matches")),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brief_id"], ["briefs.id"], name=op.f("fk_comments_brief_id_briefs")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_comments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_brief_id"), ["brief_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brief_id"], ["briefs.id"], name=op.f("fk_reviews_brief_id_briefs")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_brief_id"), ["brief_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_brief_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_brief_id"))

    op.drop_table("comments")
    op.drop_table("matches")
    op.drop_table("digest_outbox")
    with op.batch_alter_table("call_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_sources_call_id"))

    op.drop_table("call_sources")
    with op.batch_alter_table("call_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_history_call_id"))

    op.drop_table("call_history")
    op.drop_table("call_domains")
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_briefs_call_id"))

    op.drop_table("briefs")
    op.drop_table("audit_log")
    op.drop_table("users")
    with op.batch_alter_table("scrape_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scrape_runs_source"))

    op.drop_table("scrape_runs")
    op.drop_table("firms")
    op.drop_table("calls")
