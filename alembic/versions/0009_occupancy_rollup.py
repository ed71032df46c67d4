"""The dashboard's occupancy roll-up (one row per quarter hour of the past) and the gym's switch for the
public "how busy is it now" page.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "occupancy_slots",
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_ins", sa.Integer(), nullable=False),
        sa.Column("person_seconds", sa.Float(), nullable=False),
        sa.Column("peak", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slot_start"),
    )
    # Plain ALTER TABLE on both engines (see 0008: batch mode would rebuild the table).
    op.add_column(
        "gym_settings", sa.Column("public_occupancy", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("gym_settings", "public_occupancy")
    op.drop_table("occupancy_slots")
