"""Indexes for the members directory's lists: the status filter and the trainer (a trainer's own list,
or the filter) with each sort.

A filtered list sorted by another column walked that column's index and skipped every member the
filter left out ("frozen, by membership end" read 18,000 index entries for a page at 100,000 members);
with the filter leading, the page is read straight off one index, also deep into the list by cursor.
Every index of the table takes a new entry when a row's indexed column changes (check-ins update the
last visit; bulk actions the status). Measured on freezing 10,000 members by filter: 1.1 s before,
2.2 s with ten more indexes (the tier's too), 1.5 s with these six. So not the tier (a tenth of the
club or more: its walks are short), and status with the last visit 0004 made already.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILTERS = (("status", "status"), ("assigned_trainer_id", "trainer"))


def _indexes(postgres: bool) -> list[tuple[str, list[object]]]:
    made: list[tuple[str, list[object]]] = []
    for column, short in FILTERS:
        made.append((f"members_{short}_full_name_idx", [column, "full_name", "id"]))
        made.append((f"members_{short}_membership_end_idx", [column, "membership_end", "id"]))
        if column != "status":  # 0004 made status's
            made.append((f"members_{short}_last_visit_at_idx", [column, "last_visit_at", "id"]))
            if postgres:
                latest_first = [column, sa.text("last_visit_at DESC NULLS LAST"), sa.text("id DESC")]
                made.append((f"members_{short}_last_visit_at_desc_idx", latest_first))
    return made


def upgrade() -> None:
    for name, columns in _indexes(op.get_bind().dialect.name == "postgresql"):
        op.create_index(name, "members", columns, unique=False)


def downgrade() -> None:
    for name, _ in reversed(_indexes(op.get_bind().dialect.name == "postgresql")):
        op.drop_index(name, table_name="members")
