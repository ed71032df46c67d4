"""The exercise catalog's words: levels, categories, equipment, mechanics, forces and muscles, with labels.

The values are the shipped catalog's own (thrust/planner/data/exercises.json, lower case as it writes
them); an exercise the staff add takes its values from the same lists, so a filter finds both kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    EXPERT = "expert"


class Category(StrEnum):
    STRENGTH = "strength"
    STRETCHING = "stretching"
    PLYOMETRICS = "plyometrics"
    POWERLIFTING = "powerlifting"
    OLYMPIC_WEIGHTLIFTING = "olympic weightlifting"
    STRONGMAN = "strongman"
    CARDIO = "cardio"


class Equipment(StrEnum):
    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    KETTLEBELLS = "kettlebells"
    CABLE = "cable"
    MACHINE = "machine"
    BANDS = "bands"
    MEDICINE_BALL = "medicine ball"
    EXERCISE_BALL = "exercise ball"
    FOAM_ROLL = "foam roll"
    EZ_CURL_BAR = "e-z curl bar"
    BODY_ONLY = "body only"
    OTHER = "other"
    # The catalog leaves equipment out for stretches, drills and the like: stored as "none", so that
    # a filter can ask for them and "similar" can match them.
    NONE = "none"


class Mechanic(StrEnum):
    COMPOUND = "compound"
    ISOLATION = "isolation"


class Force(StrEnum):
    PUSH = "push"
    PULL = "pull"
    STATIC = "static"


class Muscle(StrEnum):
    ABDOMINALS = "abdominals"
    ABDUCTORS = "abductors"
    ADDUCTORS = "adductors"
    BICEPS = "biceps"
    CALVES = "calves"
    CHEST = "chest"
    FOREARMS = "forearms"
    GLUTES = "glutes"
    HAMSTRINGS = "hamstrings"
    LATS = "lats"
    LOWER_BACK = "lower back"
    MIDDLE_BACK = "middle back"
    NECK = "neck"
    QUADRICEPS = "quadriceps"
    SHOULDERS = "shoulders"
    TRAPS = "traps"
    TRICEPS = "triceps"


@dataclass(frozen=True)
class ExerciseTraits:
    """What the vocabulary says of one exercise: the part a shipped and a staff exercise share."""

    name: str
    level: Level
    category: Category
    equipment: Equipment
    mechanic: Mechanic | None
    force: Force | None
    primary_muscles: tuple[Muscle, ...]  # the main one first
    secondary_muscles: tuple[Muscle, ...]

    @property
    def main_muscle(self) -> Muscle:
        return self.primary_muscles[0]


def with_traits(make: Callable[..., T], row: Any, **more: Any) -> T:
    """`make(...)` given the vocabulary's fields of `row` (anything with the catalog's attributes: a
    database row, an ExerciseView, a CatalogEntry) as the enums, and `more`: a value outside the vocabulary
    raises ValueError."""
    return make(
        name=row.name,
        level=Level(row.level),
        category=Category(row.category),
        equipment=Equipment(row.equipment),
        mechanic=Mechanic(row.mechanic) if row.mechanic else None,
        force=Force(row.force) if row.force else None,
        primary_muscles=tuple(Muscle(m) for m in row.primary_muscles),
        secondary_muscles=tuple(Muscle(m) for m in row.secondary_muscles),
        **more,
    )


# Where the sentence-case label of a value is not what a person would write.
_LABELS: dict[str, str] = {Equipment.EZ_CURL_BAR: "E-Z curl bar", Equipment.NONE: "No equipment"}


def label(value: StrEnum) -> str:
    """How a value reads in a select or on a badge: 'body only' -> 'Body only'."""
    return _LABELS.get(value.value) or value.value[:1].upper() + value.value[1:]


@dataclass(frozen=True)
class Choice:
    """One option of a select: the value sent, the label shown."""

    value: str
    label: str


def choices(enum: type[StrEnum]) -> tuple[Choice, ...]:
    return tuple(Choice(member.value, label(member)) for member in enum)


@dataclass(frozen=True)
class Vocabularies:
    """The options of the catalog picker's selects (and of the custom exercise form), in display order."""

    levels: tuple[Choice, ...]
    categories: tuple[Choice, ...]
    equipment: tuple[Choice, ...]
    muscles: tuple[Choice, ...]
    mechanics: tuple[Choice, ...]
    forces: tuple[Choice, ...]


VOCABULARIES = Vocabularies(
    levels=choices(Level),
    categories=choices(Category),
    equipment=choices(Equipment),
    muscles=choices(Muscle),
    mechanics=choices(Mechanic),
    forces=choices(Force),
)
