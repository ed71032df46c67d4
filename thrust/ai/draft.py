"""The AI planner's contract: what a trainer asks for (`GenerationInput`, the seed's fields) and the one-week
draft any provider answers with (`Draft`: the offline planner's or a model's). Python, not the provider,
then checks the draft (checker.py) and turns it into the four weeks of the plans issue's JSON
(progression.py), so every provider's answer meets the same rules.

Exercises are named by catalog id: a draft naming anything else is refused by the checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FitnessLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Goal(StrEnum):
    WEIGHT_LOSS = "weight_loss"
    MUSCLE_GAIN = "muscle_gain"
    ENDURANCE = "endurance"
    FLEXIBILITY = "flexibility"
    STRENGTH = "strength"


# How a goal reads in a sentence: the model's prompt and the offline planner's summary say it alike.
GOAL_WORDS = {
    Goal.WEIGHT_LOSS: "weight loss",
    Goal.MUSCLE_GAIN: "muscle gain",
    Goal.ENDURANCE: "endurance",
    Goal.FLEXIBILITY: "flexibility",
    Goal.STRENGTH: "strength",
}


class EquipmentAccess(StrEnum):
    HOME_BODYWEIGHT = "home_bodyweight"
    HOME_BASIC = "home_basic"
    FULL_GYM = "full_gym"


AGE_RANGE = (18, 100)
DAYS_PER_WEEK_RANGE = (3, 7)
SESSION_MINUTES = (30, 45, 60, 90)
MAX_INJURIES_TEXT = 500
PLAN_WEEKS = 4  # the AI planner always writes four weeks (week 4 a deload)


@dataclass(frozen=True)
class GenerationInput:
    """What the trainer asks for (validated: see inputs.py)."""

    age: int
    gender: str  # the member's, as the profile has it (free text the prompt only reads)
    level: FitnessLevel
    goals: tuple[Goal, ...]  # at least one, the first is the main one
    days_per_week: int
    minutes_per_session: int
    equipment: EquipmentAccess
    injuries: str = ""  # free text: data, never instructions


@dataclass(frozen=True)
class DraftExercise:
    exercise_id: str  # a catalog exercise's id (str(uuid))
    name: str  # its catalog name
    sets: int
    reps: str  # "8-12", "10", "30s" is not allowed: a number or a range (timed work: notes)
    rest: int  # seconds
    notes: str = ""


@dataclass(frozen=True)
class DraftDay:
    day_number: int  # 1..7 within the week
    title: str
    exercises: tuple[DraftExercise, ...]


@dataclass(frozen=True)
class Draft:
    """One training week and the plan's words; weeks 2-4 are computed from it (progression.py)."""

    plan_summary: str
    days: tuple[DraftDay, ...]
    nutrition_tips: tuple[str, ...] = ()
    progression_notes: str = ""


@dataclass(frozen=True)
class CheckReport:
    """The checker's verdict on a draft: `problems` in plain words (sent back to a model to repair), and
    figures for the record and the evidence table."""

    problems: tuple[str, ...]
    training_days: int
    weekly_sets_by_muscle: dict[str, int] = field(default_factory=dict)
    minutes_by_day: dict[int, int] = field(default_factory=dict)  # estimated minutes per training day

    @property
    def ok(self) -> bool:
        return not self.problems
