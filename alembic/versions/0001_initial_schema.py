"""Initial schema: users, sessions, gym settings, members, check-ins, workout plans, AI usage.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ENUM_NAMES = ("role", "membership_tier", "member_status")

DEFAULT_OPENING_HOURS = {
    **{day: ["05:30", "23:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": ["07:00", "21:00"],
    "sun": ["07:00", "21:00"],
}


def upgrade() -> None:
    is_pg = op.get_bind().dialect.name == "postgresql"
    if is_pg:
        # Trigram search for partial member lookups; pg_trgm is a trusted extension (PG 13+).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "ai_usage_logs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("tokens_used", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ai_usage_logs_created_at_idx", "ai_usage_logs", ["created_at"], unique=False)
    op.create_index("ai_usage_logs_user_id_idx", "ai_usage_logs", ["user_id"], unique=False)
    op.create_table(
        "gym_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("max_capacity", sa.Integer(), server_default="100", nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("auto_checkout_hours", sa.Integer(), server_default="4", nullable=False),
        sa.Column("opening_hours", JSON_DOC, nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "auto_checkout_hours >= 1 AND auto_checkout_hours <= 24",
            name="gym_settings_auto_checkout_range",
        ),
        sa.CheckConstraint("id = 1", name="gym_settings_single_row"),
        sa.CheckConstraint("max_capacity > 0", name="gym_settings_capacity_positive"),
        sa.PrimaryKeyConstraint("id"),
    )
    gym_settings = sa.table(
        "gym_settings",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("opening_hours", JSON_DOC),
    )
    op.bulk_insert(
        gym_settings,
        [{"id": 1, "name": "THRUST Gym", "opening_hours": DEFAULT_OPENING_HOURS}],
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=100), nullable=False),
        sa.Column(
            "role",
            sa.Enum("ADMIN", "TRAINER", "MEMBER", name="role", create_constraint=True),
            server_default="MEMBER",
            nullable=False,
        ),
        sa.Column("full_name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("last_login_at", TIMESTAMP, nullable=True),
        sa.Column("password_changed_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("current_token_id", sa.Uuid(), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("last_used_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("auth_sessions_user_id_idx", "auth_sessions", ["user_id"], unique=False)
    op.create_table(
        "members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column(
            "membership_tier",
            sa.Enum(
                "BASIC",
                "PREMIUM",
                "VIP",
                name="membership_tier",
                create_constraint=True,
            ),
            server_default="BASIC",
            nullable=False,
        ),
        sa.Column("membership_start", sa.Date(), nullable=False),
        sa.Column("membership_end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "ACTIVE",
                "INACTIVE",
                "FROZEN",
                name="member_status",
                create_constraint=True,
            ),
            server_default="ACTIVE",
            nullable=False,
        ),
        sa.Column("assigned_trainer_id", sa.Uuid(), nullable=True),
        sa.Column("search_text", sa.String(length=400), server_default="", nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("membership_end >= membership_start", name="members_end_after_start"),
        sa.ForeignKeyConstraint(["assigned_trainer_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_index(
        "members_assigned_trainer_id_idx",
        "members",
        ["assigned_trainer_id"],
        unique=False,
    )
    if is_pg:
        op.create_index(
            "members_expiring_idx",
            "members",
            ["membership_end"],
            unique=False,
            postgresql_where=sa.text("status = 'ACTIVE'"),
        )
    op.create_index("members_full_name_idx", "members", ["full_name"], unique=False)
    op.create_index("members_membership_end_idx", "members", ["membership_end"], unique=False)
    if is_pg:
        op.create_index(
            "members_search_idx",
            "members",
            [sa.literal_column("to_tsvector('english', full_name || ' ' || COALESCE(phone, ''))")],
            unique=False,
            postgresql_using="gin",
        )
    if is_pg:
        op.create_index(
            "members_search_trgm_idx",
            "members",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    op.create_index("members_status_idx", "members", ["status"], unique=False)
    if is_pg:
        op.create_index(
            "members_trainer_status_idx",
            "members",
            ["assigned_trainer_id", "status"],
            unique=False,
        )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("check_in_time", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("check_out_time", TIMESTAMP, nullable=True),
        sa.Column(
            "auto_checked_out",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column("checked_in_by", sa.Uuid(), nullable=True),
        sa.Column("override_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "check_out_time IS NULL OR check_out_time >= check_in_time",
            name="check_ins_out_after_in",
        ),
        sa.ForeignKeyConstraint(["checked_in_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "check_ins_active_idx",
        "check_ins",
        ["check_in_time"],
        unique=False,
        postgresql_where=sa.text("check_out_time IS NULL"),
        sqlite_where=sa.text("check_out_time IS NULL"),
    )
    op.create_index("check_ins_check_in_time_idx", "check_ins", ["check_in_time"], unique=False)
    op.create_index("check_ins_check_out_time_idx", "check_ins", ["check_out_time"], unique=False)
    op.create_index("check_ins_checked_in_by_idx", "check_ins", ["checked_in_by"], unique=False)
    op.create_index("check_ins_member_id_idx", "check_ins", ["member_id"], unique=False)
    op.create_index(
        "check_ins_one_open_per_member",
        "check_ins",
        ["member_id"],
        unique=True,
        postgresql_where=sa.text("check_out_time IS NULL"),
        sqlite_where=sa.text("check_out_time IS NULL"),
    )
    op.create_table(
        "workout_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "is_ai_generated",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column("plan_data", JSON_DOC, nullable=False),
        sa.Column("input_params", JSON_DOC, nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("workout_plans_created_by_idx", "workout_plans", ["created_by"], unique=False)
    op.create_index("workout_plans_is_active_idx", "workout_plans", ["is_active"], unique=False)
    op.create_index("workout_plans_member_id_idx", "workout_plans", ["member_id"], unique=False)
    op.create_table(
        "workout_progress",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("week_number", sa.Integer(), nullable=False),
        sa.Column("day_number", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
        sa.Column("exercise_data", JSON_DOC, nullable=True),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["workout_plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "week_number", "day_number", name="workout_progress_plan_day_key"),
    )
    op.create_index("workout_progress_plan_id_idx", "workout_progress", ["plan_id"], unique=False)


def downgrade() -> None:
    is_pg = op.get_bind().dialect.name == "postgresql"
    op.drop_index("workout_progress_plan_id_idx", table_name="workout_progress")
    op.drop_table("workout_progress")
    op.drop_index("workout_plans_member_id_idx", table_name="workout_plans")
    op.drop_index("workout_plans_is_active_idx", table_name="workout_plans")
    op.drop_index("workout_plans_created_by_idx", table_name="workout_plans")
    op.drop_table("workout_plans")
    op.drop_index(
        "check_ins_one_open_per_member",
        table_name="check_ins",
        postgresql_where=sa.text("check_out_time IS NULL"),
        sqlite_where=sa.text("check_out_time IS NULL"),
    )
    op.drop_index("check_ins_checked_in_by_idx", table_name="check_ins")
    op.drop_index("check_ins_member_id_idx", table_name="check_ins")
    op.drop_index("check_ins_check_out_time_idx", table_name="check_ins")
    op.drop_index("check_ins_check_in_time_idx", table_name="check_ins")
    op.drop_index(
        "check_ins_active_idx",
        table_name="check_ins",
        postgresql_where=sa.text("check_out_time IS NULL"),
        sqlite_where=sa.text("check_out_time IS NULL"),
    )
    op.drop_table("check_ins")
    if is_pg:
        op.drop_index("members_trainer_status_idx", table_name="members")
    op.drop_index("members_status_idx", table_name="members")
    if is_pg:
        op.drop_index(
            "members_search_trgm_idx",
            table_name="members",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    if is_pg:
        op.drop_index("members_search_idx", table_name="members", postgresql_using="gin")
    op.drop_index("members_membership_end_idx", table_name="members")
    op.drop_index("members_full_name_idx", table_name="members")
    if is_pg:
        op.drop_index(
            "members_expiring_idx",
            table_name="members",
            postgresql_where=sa.text("status = 'ACTIVE'"),
        )
    op.drop_index("members_assigned_trainer_id_idx", table_name="members")
    op.drop_table("members")
    op.drop_index("auth_sessions_user_id_idx", table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_table("users")
    op.drop_table("gym_settings")
    op.drop_index("ai_usage_logs_user_id_idx", table_name="ai_usage_logs")
    op.drop_index("ai_usage_logs_created_at_idx", table_name="ai_usage_logs")
    op.drop_table("ai_usage_logs")
    if is_pg:
        for name in ENUM_NAMES:
            op.execute(f"DROP TYPE IF EXISTS {name}")
