"""The AI planner's records: how a generated plan was made (`workout_plans.generation`), whether it waits
for a trainer's approval before its member sees it, and the gym's two AI settings (approval required,
a monthly budget for model costs).

Plain ALTER TABLE on both engines (see 0012: batch mode's table copy would cascade-delete progress).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("workout_plans", sa.Column("generation", JSON_DOC, nullable=True))
    op.add_column(
        "workout_plans",
        sa.Column("awaiting_approval", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "gym_settings",
        sa.Column("ai_requires_approval", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("gym_settings", sa.Column("ai_monthly_budget_usd", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("gym_settings", "ai_monthly_budget_usd")
    op.drop_column("gym_settings", "ai_requires_approval")
    op.drop_column("workout_plans", "awaiting_approval")
    op.drop_column("workout_plans", "generation")
