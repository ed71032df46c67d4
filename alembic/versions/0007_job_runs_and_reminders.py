"""Scheduled job runs (one per job and time slot), membership expiry reminders and their opt-outs.

`job_runs` records every run; its unique (job, slot) is what lets exactly one worker run a slot, and
what a restarted server reads to catch up a missed run. `membership_reminders` has one row per e-mail
stage of a membership period, claimed before the e-mail is sent. `reminder_opt_outs` lists members
who followed the unsubscribe link.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job", sa.String(60), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(300), nullable=True),
        sa.Column("error", sa.String(1000), nullable=True),
        sa.Column("triggered_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["triggered_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job", "slot", name="job_runs_job_slot_key"),
    )
    op.create_index("job_runs_job_started_at_idx", "job_runs", ["job", "started_at"])

    op.create_table(
        "membership_reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("membership_end", sa.Date(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("days_left", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "member_id", "membership_end", "stage", name="membership_reminders_member_end_stage_key"
        ),
    )
    op.create_index("membership_reminders_claimed_at_idx", "membership_reminders", ["claimed_at"])

    op.create_table(
        "reminder_opt_outs",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )


def downgrade() -> None:
    op.drop_table("reminder_opt_outs")
    op.drop_index("membership_reminders_claimed_at_idx", table_name="membership_reminders")
    op.drop_table("membership_reminders")
    op.drop_index("job_runs_job_started_at_idx", table_name="job_runs")
    op.drop_table("job_runs")
