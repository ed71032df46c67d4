"""The exercise catalog on the wire: camelCase JSON for /api/v1/exercises (rules live in catalog.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from thrust.core.schemas import ApiModel, Name, Pagination, Text
from thrust.planner.catalog import MAX_INSTRUCTIONS, MAX_NAME_LENGTH, MAX_PRIMARY_MUSCLES, MAX_QUERY_LENGTH
from thrust.planner.vocabulary import Category, Equipment, Force, Level, Mechanic, Muscle


class ExerciseOut(ApiModel):
    """A catalog exercise: a shipped one (`sourceId`) or one the staff added (`isCustom`)."""

    id: uuid.UUID = Field(
        description="What a plan refers to; a shipped exercise's id is the same in every gym"
    )
    name: str
    level: Level
    category: Category
    equipment: Equipment = Field(description='"none" when it needs none')
    mechanic: Mechanic | None
    force: Force | None
    primary_muscles: list[Muscle] = Field(description="The muscles it trains, the main one first")
    secondary_muscles: list[Muscle]
    instructions: str | None = Field(description="Written by the staff; the shipped catalog has none")
    is_custom: bool
    source_id: str | None = Field(description="The shipped catalog's own id (free-exercise-db)")
    created_at: datetime


class ExerciseListOut(ApiModel):
    data: list[ExerciseOut]
    pagination: Pagination


Search = Text(MAX_QUERY_LENGTH, description="Words of the name, each matched at the start of a word.")
ExerciseName = Name(
    MAX_NAME_LENGTH,
    description="With at least one letter or digit; unlike every other exercise's name (the catalog's "
    "too) once case, accents, spacing and punctuation are set aside.",
)


class ExerciseCreate(ApiModel):
    """One of the gym's own exercises."""

    name: ExerciseName
    level: Level
    category: Category = Category.STRENGTH
    equipment: Equipment
    mechanic: Mechanic | None = None
    force: Force | None = None
    primary_muscles: Annotated[
        list[Muscle],
        Field(min_length=1, max_length=MAX_PRIMARY_MUSCLES, description="The main one first"),
    ]
    secondary_muscles: Annotated[
        list[Muscle], Field(max_length=len(Muscle), description="None of the primary muscles")
    ] = []
    instructions: Text(MAX_INSTRUCTIONS, description="Steps, one a line.") | None = None
