"""Users the demo seed created are marked `is_demo`, so an admin can remove them and `serve` can tell.

Databases seeded before this revision get their demo trainers and members marked here, by what only
the seed writes: the five fixed trainer logins, and members whose login is an @example.com address
(reserved for examples: no real person has one) sharing one password hash with other members (the
seed hashes the member password once for all; bcrypt's salt makes two real passwords never match).
The demo admin is not marked: it is the gym's first admin and stays.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The seed's trainers as of this revision (thrust/demo_data.py TRAINERS), written out: a migration
# must not change when the seed does.
DEMO_TRAINER_EMAILS = (
    "marcus.reid@thrust.com",
    "priya.sharma@thrust.com",
    "sofia.martinez@thrust.com",
    "jonas.weber@thrust.com",
    "chloe.laurent@thrust.com",
)


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: SQLite adds (and drops) such a column in place. Batch mode's
    # copy would DROP the old users table, and with foreign keys on that deletes every member with it.
    op.add_column("users", sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        sa.text("UPDATE users SET is_demo = TRUE WHERE role = 'TRAINER' AND email IN :emails").bindparams(
            sa.bindparam("emails", DEMO_TRAINER_EMAILS, expanding=True)
        )
    )
    op.execute(
        "UPDATE users SET is_demo = TRUE WHERE role = 'MEMBER' AND email LIKE '%@example.com' "
        "AND password_hash <> '!' AND password_hash IN (SELECT password_hash FROM users "
        "WHERE role = 'MEMBER' GROUP BY password_hash HAVING count(*) > 1)"
    )


def downgrade() -> None:
    op.drop_column("users", "is_demo")
