"""Workout plans get a version (two trainers editing one plan never overwrite each other silently), a
start date, at most one active plan per member (a partial unique index), and a table of plan templates
(plans not tied to a member, assigned to many).

A member with several active plans before this revision keeps the newest one active (by creation, then
id); the others are deactivated, not deleted. Undoing it drops the templates and the new columns and
keeps every plan and its progress.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: SQLite adds (and drops) these columns in place. Batch mode's
    # copy would DROP workout_plans, and with foreign keys on that deletes every plan's progress.
    op.add_column("workout_plans", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("workout_plans", sa.Column("starts_on", sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE workout_plans SET is_active = FALSE
        WHERE is_active AND EXISTS (
            SELECT 1 FROM workout_plans AS newer
            WHERE newer.member_id = workout_plans.member_id AND newer.is_active
              AND (newer.created_at > workout_plans.created_at
                   OR (newer.created_at = workout_plans.created_at AND newer.id > workout_plans.id))
        )
        """
    )
    op.create_index(
        "workout_plans_one_active_per_member",
        "workout_plans",
        ["member_id"],
        unique=True,
        postgresql_where=sa.text("is_active"),
        sqlite_where=sa.text("is_active"),
    )
    op.create_table(
        "workout_plan_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("plan_data", JSON_DOC, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("workout_plan_templates_created_by_idx", "workout_plan_templates", ["created_by"])


def downgrade() -> None:
    op.drop_index("workout_plan_templates_created_by_idx", table_name="workout_plan_templates")
    op.drop_table("workout_plan_templates")
    op.drop_index("workout_plans_one_active_per_member", table_name="workout_plans")
    op.drop_column("workout_plans", "starts_on")
    op.drop_column("workout_plans", "version")
