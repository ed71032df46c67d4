"""Indexes for the members directory's filters: tier, and status with the last visit; a bounded GIN
pending list for the search index.

A tier filter had no index (the count read the whole table). Inactive and frozen members stopped
coming, so "status X, latest visit first" walked past nearly every active member on the plain
last-visit index; with status leading, the page is read straight off the index, in either direction
(PostgreSQL also gets the descending variant that keeps never-visited members last).

Every check-in updates a member's last visit, which adds the row's trigrams to the search index's
pending list; every search scans that whole list until it is merged (by default at 4 MB, or by
vacuum). Measured: 400 kB of pending entries made a search 10 ms slower. At 256 kB the list is merged
by the writer more often, which costs a 10,000-member bulk action about half a second more.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("members_membership_tier_idx", "members", ["membership_tier"], unique=False)
    op.create_index(
        "members_status_last_visit_at_idx", "members", ["status", "last_visit_at", "id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "members_status_last_visit_at_desc_idx",
            "members",
            ["status", sa.text("last_visit_at DESC NULLS LAST"), sa.text("id DESC")],
            unique=False,
        )
        op.execute("ALTER INDEX members_search_trgm_idx SET (gin_pending_list_limit = 256)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX members_search_trgm_idx RESET (gin_pending_list_limit)")
        op.drop_index("members_status_last_visit_at_desc_idx", table_name="members")
    op.drop_index("members_status_last_visit_at_idx", table_name="members")
    op.drop_index("members_membership_tier_idx", table_name="members")
