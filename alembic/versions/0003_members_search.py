"""Indexes for the members directory: each sort with its tie-breaking id, and latest visit first.

The directory orders by (name | membership end | last visit, id) and reads one page; with the id in
the index that page comes straight off it, in either direction, also deep into the list. "Latest
visit first" keeps never-visited members last, which a backward scan of the ascending index cannot
do, so PostgreSQL gets a descending index for it (SQLite sorts its smaller tables).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("members_full_name_id_idx", "members", ["full_name", "id"], unique=False)
    op.create_index("members_membership_end_id_idx", "members", ["membership_end", "id"], unique=False)
    op.create_index("members_last_visit_at_id_idx", "members", ["last_visit_at", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "members_last_visit_at_desc_idx",
            "members",
            [sa.text("last_visit_at DESC NULLS LAST"), sa.text("id DESC")],
            unique=False,
        )
    # The single-column indexes are prefixes of the new ones: they would only cost writes.
    op.drop_index("members_full_name_idx", table_name="members")
    op.drop_index("members_membership_end_idx", table_name="members")
    op.drop_index("members_last_visit_at_idx", table_name="members")


def downgrade() -> None:
    op.create_index("members_last_visit_at_idx", "members", ["last_visit_at"], unique=False)
    op.create_index("members_membership_end_idx", "members", ["membership_end"], unique=False)
    op.create_index("members_full_name_idx", "members", ["full_name"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("members_last_visit_at_desc_idx", table_name="members")
    op.drop_index("members_last_visit_at_id_idx", table_name="members")
    op.drop_index("members_membership_end_id_idx", table_name="members")
    op.drop_index("members_full_name_id_idx", table_name="members")
