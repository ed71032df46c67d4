"""Members' search text starts with a space (a word prefix is one LIKE pattern); the search index's
pending list is back to its default size.

A one- or two-letter search matches the start of a word. With every word after a space, that is
`LIKE '% jo%'` alone, where it was `LIKE 'jo%' OR LIKE '% jo%'`: one trigram index scan instead of two
identical ones, and one pattern to test per row while the page is found.

The search index's pending list goes back to PostgreSQL's default size (4 MB; 0004 had made it
256 kB): the minute job `tidy-search-index` now merges what check-ins leave there, and at 256 kB a
bulk action on 10,000 members spent a second merging it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE members SET search_text = substr(' ' || search_text, 1, 400) WHERE search_text NOT LIKE ' %'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX members_search_trgm_idx RESET (gin_pending_list_limit)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX members_search_trgm_idx SET (gin_pending_list_limit = 256)")
    op.execute("UPDATE members SET search_text = substr(search_text, 2) WHERE search_text LIKE ' %'")
