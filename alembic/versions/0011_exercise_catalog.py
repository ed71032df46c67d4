"""The exercise catalog: `exercises` (the shipped catalog's and the staff's own) and `exercise_muscles`
(one row per muscle an exercise trains, for the muscle filter and "similar exercises"), loaded with
the 873 exercises of thrust/planner/data/exercises.json.

Loaded here rather than at the app's first start: the schema and its rows arrive in one transaction on
every database the migrations reach (a new gym, each test's, a restored or moved copy), no start-up
code has to race another worker to do it, and undoing the revision takes them away again. The load
adds only the exercises not there yet (by catalog id), so running it again changes nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from thrust.planner.catalog_file import load_catalog

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSONB on PostgreSQL, JSON text on SQLite (thrust/core/types.py JSONDocument).
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "exercises",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("search_name", sa.String(length=400), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("equipment", sa.String(length=30), nullable=False),
        sa.Column("mechanic", sa.String(length=20), nullable=True),
        sa.Column("force", sa.String(length=20), nullable=True),
        sa.Column("primary_muscles", DOCUMENT, nullable=False),
        sa.Column("secondary_muscles", DOCUMENT, nullable=False),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("is_custom", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("is_custom = (source_id IS NULL)", name="exercises_custom_or_catalog"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", name="exercises_source_id_key"),
    )
    op.create_index(
        "exercises_custom_name_key",
        "exercises",
        ["search_name"],
        unique=True,
        postgresql_where=sa.text("is_custom"),
        sqlite_where=sa.text("is_custom"),
    )
    op.create_index("exercises_name_id_idx", "exercises", ["name", "id"])
    op.create_index("exercises_equipment_idx", "exercises", ["equipment"])
    op.create_index("exercises_created_by_idx", "exercises", ["created_by"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "exercises_search_trgm_idx",
            "exercises",
            ["search_name"],
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        )
    op.create_table(
        "exercise_muscles",
        sa.Column("exercise_id", sa.Uuid(), nullable=False),
        sa.Column("muscle", sa.String(length=30), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["exercise_id"], ["exercises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("exercise_id", "muscle"),
    )
    op.create_index(
        "exercise_muscles_muscle_idx", "exercise_muscles", ["muscle", "is_primary", "exercise_id"]
    )
    load_catalog(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        # Fresh statistics: the planner should know from the first search that the tables are small.
        op.execute("ANALYZE exercises")
        op.execute("ANALYZE exercise_muscles")


def downgrade() -> None:
    op.drop_index("exercise_muscles_muscle_idx", table_name="exercise_muscles")
    op.drop_table("exercise_muscles")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("exercises_search_trgm_idx", table_name="exercises")
    op.drop_index("exercises_created_by_idx", table_name="exercises")
    op.drop_index("exercises_equipment_idx", table_name="exercises")
    op.drop_index("exercises_name_id_idx", table_name="exercises")
    op.drop_index("exercises_custom_name_key", table_name="exercises")
    op.drop_table("exercises")
