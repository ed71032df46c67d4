"""Members' search text starts with a space, so a word prefix is one LIKE pattern.

A one- or two-letter search matches the start of a word. With every word after a space, that is
`LIKE '% jo%'` alone, where it was `LIKE 'jo%' OR LIKE '% jo%'`: one trigram index scan instead of two
identical ones, and one pattern to test per row while the page is found.

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


def downgrade() -> None:
    op.execute("UPDATE members SET search_text = substr(search_text, 2) WHERE search_text LIKE ' %'")
