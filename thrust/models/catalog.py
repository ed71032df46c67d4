"""The exercise catalog: the shipped exercises and the staff's own, with the muscles each works."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import JSONDocument
from thrust.models.columns import created, flag, partial_index, trigram_index


class Exercise(SQLModel, table=True):
    """An exercise plans name: one of the shipped catalog's (`source_id` set) or one the staff added
    (`is_custom`). Values come from thrust/planner/vocabulary.py; muscles are also listed one per row in
    `exercise_muscles`, which the muscle filter reads."""

    __tablename__ = "exercises"
    __table_args__ = (
        sa.UniqueConstraint("source_id", name="exercises_source_id_key"),
        sa.CheckConstraint("is_custom = (source_id IS NULL)", name="exercises_custom_or_catalog"),
        # The staff's own exercises have names unlike each other's (case, accents and punctuation aside).
        partial_index("exercises_custom_name_key", "search_name", where="is_custom", unique=True),
        sa.Index("exercises_name_id_idx", "name", "id"),
        sa.Index("exercises_equipment_idx", "equipment"),
        sa.Index("exercises_created_by_idx", "created_by"),
        # Word-start and substring search over the folded name, as the members' search (PostgreSQL).
        trigram_index("exercises_search_trgm_idx", "search_name"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    source_id: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(80), nullable=True),
        description="The catalog's own id (e.g. 'Barbell_Full_Squat'); None for the staff's exercises.",
    )
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    search_name: str = Field(
        sa_column=sa.Column(sa.String(400), nullable=False),
        description="The name's folded words, each after a space, then neighbours joined (core/text.py).",
    )
    level: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    category: str = Field(sa_column=sa.Column(sa.String(30), nullable=False))
    equipment: str = Field(
        sa_column=sa.Column(sa.String(30), nullable=False), description="'none' when none is needed."
    )
    mechanic: str | None = Field(default=None, sa_column=sa.Column(sa.String(20), nullable=True))
    force: str | None = Field(default=None, sa_column=sa.Column(sa.String(20), nullable=True))
    primary_muscles: list[str] = Field(
        sa_column=sa.Column(JSONDocument, nullable=False),
        description="The muscles it trains, the main one first.",
    )
    secondary_muscles: list[str] = Field(
        default_factory=list, sa_column=sa.Column(JSONDocument, nullable=False)
    )
    instructions: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.Text(), nullable=True),
        description="How to do it, written by the staff; the shipped catalog has none.",
    )
    is_custom: bool = flag(False)
    created_by: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = created()


class ExerciseMuscle(SQLModel, table=True):
    """One muscle an exercise trains, as its main work (`is_primary`) or as a helper: the muscle filter
    and "similar exercises" read these with an index, on both engines."""

    __tablename__ = "exercise_muscles"
    __table_args__ = (sa.Index("exercise_muscles_muscle_idx", "muscle", "is_primary", "exercise_id"),)

    exercise_id: uuid.UUID = Field(
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True)
    )
    muscle: str = Field(sa_column=sa.Column(sa.String(30), primary_key=True))
    is_primary: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))
