"""Members remember their latest visit, so the directory can sort by it without scanning visits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("last_visit_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("members_last_visit_at_idx", "members", ["last_visit_at"], unique=False)
    # Existing databases: fill it from the visits already recorded.
    op.execute(
        "UPDATE members SET last_visit_at = "
        "(SELECT max(check_in_time) FROM check_ins WHERE check_ins.member_id = members.id)"
    )


def downgrade() -> None:
    op.drop_index("members_last_visit_at_idx", table_name="members")
    # In place, not in batch mode: batch mode rebuilds the table on SQLite, and dropping the old
    # `members` with foreign keys on deletes every member's visits and plans (ON DELETE CASCADE).
    # SQLite has dropped columns itself since 3.35.
    op.drop_column("members", "last_visit_at")
