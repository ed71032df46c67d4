"""The dashboard's visit-mix roll-up (visits per quarter hour by tier and length bin, written with the
occupancy roll-up) and the members' visit rhythms counted each night for the members at risk.

A member's visits by time get one index (member id, check-in time, then the check-out columns, so a
trainer's cards read the index alone) in place of the member id's.

The occupancy roll-up is emptied: the two roll-ups share one line (the end of the rolled-up past), so
the next run of the roll-up job sums up both from the first visit. Until then the charts read the
visits themselves (right, only slower).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The members' tier type exists since 0001: PostgreSQL must not create it again.
TIER = sa.Enum("BASIC", "PREMIUM", "VIP", name="membership_tier", create_constraint=True).with_variant(
    postgresql.ENUM("BASIC", "PREMIUM", "VIP", name="membership_tier", create_type=False), "postgresql"
)


def upgrade() -> None:
    op.create_table(
        "visit_mix_slots",
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tier", TIER, nullable=False),
        sa.Column("length_bin", sa.SmallInteger(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("slot_start", "tier", "length_bin"),
    )
    op.create_table(
        "visit_rhythms",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usual", sa.Integer(), nullable=False),
        sa.Column("recent", sa.Integer(), nullable=False),
        sa.Column("last_visit", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_index(
        "check_ins_member_id_check_in_time_idx",
        "check_ins",
        ["member_id", "check_in_time", "check_out_time", "auto_checked_out"],
    )
    op.drop_index("check_ins_member_id_idx", table_name="check_ins")
    op.execute("DELETE FROM occupancy_slots")


def downgrade() -> None:
    op.create_index("check_ins_member_id_idx", "check_ins", ["member_id"])
    op.drop_index("check_ins_member_id_check_in_time_idx", table_name="check_ins")
    op.drop_table("visit_rhythms")
    op.drop_table("visit_mix_slots")
