"""The AI planner's API bodies: the seed's generation request (with the member it is for) and its answer:
the stored plan and how it was made."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from thrust.ai.draft import (
    AGE_RANGE,
    DAYS_PER_WEEK_RANGE,
    MAX_INJURIES_TEXT,
    EquipmentAccess,
    FitnessLevel,
    Goal,
)
from thrust.core.schemas import ApiModel, Day, Flag, Id, Whole
from thrust.planner.schemas import PlanOut, Title

LevelIn = Literal[tuple(level.value for level in FitnessLevel)]
GoalIn = Literal[tuple(goal.value for goal in Goal)]
EquipmentIn = Literal[tuple(kind.value for kind in EquipmentAccess)]


class GenerateIn(ApiModel):
    """What to generate and for whom; age and gender default to the member's profile. The plan is stored
    inactive unless `isActive` is true: a generated plan is reviewed first."""

    member_id: Id
    age: Whole(*AGE_RANGE) | None = Field(
        default=None,
        description="Default: the member's age from their profile; required (400) when it has no birth date",
    )
    gender: Literal["male", "female", "other", "unspecified"] | None = None
    current_fitness_level: LevelIn
    goals: list[GoalIn] = Field(min_length=1, max_length=len(Goal))
    days_per_week: Whole(*DAYS_PER_WEEK_RANGE)
    minutes_per_session: Literal[30, 45, 60, 90]
    equipment: EquipmentIn
    injuries: str = Field(
        default="", max_length=MAX_INJURIES_TEXT, description="Free text; data, never instructions"
    )
    title: Title | None = None
    is_active: Flag = False
    starts_on: Day | None = None


class GenerationOut(ApiModel):
    provider: str = Field(description="offline (the built-in planner) or openai-compatible")
    model: str
    prompt_version: str | None
    tokens: int
    cost_usd: float
    repairs: int = Field(description="Repair rounds the model needed (at most 2)")
    notice: str = Field(description="Why the built-in planner answered although a model is configured")
    stages: list[str]


class GeneratedOut(ApiModel):
    plan_id: Id
    plan: PlanOut
    metadata: GenerationOut
