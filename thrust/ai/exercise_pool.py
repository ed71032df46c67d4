"""The exercises a plan may use: the catalog filtered by the equipment at hand, the member's level and the
injuries typed, before any provider (the offline planner or a model) sees them.

Safe by construction: a provider can only pick from this list and the checker refuses anything else. The
injuries text is only ever read here, for the body parts it names, and only ever removes exercises: no
wording in it can add an exercise, change a rule or reach the model as an instruction. Mentioning a body
part at all ("no knee problems", "knee fine now") counts as an injury: the filter errs on the safe side.

The rules are data (`INJURY_RULES`), each with why it exists, so a physiotherapist can read and change them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from thrust.ai.draft import EquipmentAccess, FitnessLevel, GenerationInput
from thrust.models import Exercise, table_of
from thrust.planner.catalog_file import read_catalog
from thrust.planner.vocabulary import Category, Equipment, Force, Level, Mechanic, Muscle, with_traits


@dataclass(frozen=True)
class ExerciseChoice:
    """A catalog exercise as the planners choose it and the checker knows it (its id as text, as drafts)."""

    id: str
    name: str
    level: Level
    equipment: Equipment
    category: Category
    mechanic: Mechanic | None
    force: Force | None
    primary_muscles: tuple[Muscle, ...]
    secondary_muscles: tuple[Muscle, ...] = ()

    @property
    def is_compound(self) -> bool:
        return self.mechanic is Mechanic.COMPOUND


def choice_of(row: Any) -> ExerciseChoice:
    """An ExerciseChoice from anything with the catalog's fields (a row, an ExerciseView, a CatalogEntry)."""
    return with_traits(ExerciseChoice, row, id=str(row.id))


@cache
def shipped_exercises() -> tuple[ExerciseChoice, ...]:
    """The shipped catalog (thrust/planner/data/exercises.json) with the ids every database gives it: for
    tests and benches that need no database."""
    return tuple(choice_of(entry) for entry in read_catalog())


# -- equipment and level ----------------------------------------------------------------------------------

BODYWEIGHT = frozenset({Equipment.BODY_ONLY, Equipment.NONE})
# A home's usual kit: small weights, bands, a ball, a foam roller. Not "other" (sleds, tyres, parallel
# bars, boxes...: the catalog cannot tell which is at home) nor anything needing a rack or a machine.
_HOME_BASIC = BODYWEIGHT | {
    Equipment.DUMBBELL,
    Equipment.KETTLEBELLS,
    Equipment.BANDS,
    Equipment.EXERCISE_BALL,
    Equipment.FOAM_ROLL,
    Equipment.MEDICINE_BALL,
}
EQUIPMENT_BY_ACCESS: dict[EquipmentAccess, frozenset[Equipment]] = {
    EquipmentAccess.HOME_BODYWEIGHT: BODYWEIGHT,
    EquipmentAccess.HOME_BASIC: frozenset(_HOME_BASIC),
    EquipmentAccess.FULL_GYM: frozenset(Equipment),
}

# A beginner learns beginner movements; an intermediate may also do intermediate ones; "expert"
# exercises (Olympic lifts, advanced plyometrics) only for the advanced.
LEVELS_BY_FITNESS: dict[FitnessLevel, frozenset[Level]] = {
    FitnessLevel.BEGINNER: frozenset({Level.BEGINNER}),
    FitnessLevel.INTERMEDIATE: frozenset({Level.BEGINNER, Level.INTERMEDIATE}),
    FitnessLevel.ADVANCED: frozenset(Level),
}

# Strongman events need implements no gym's equipment list promises (atlas stones, yokes, logs, kegs).
NEVER_CATEGORIES = frozenset({Category.STRONGMAN})


# -- injuries -----------------------------------------------------------------------------------------------


class BodyPart(StrEnum):
    KNEE = "knee"
    LOWER_BACK = "lower back"
    SHOULDER = "shoulder"
    WRIST = "wrist"
    ELBOW = "elbow"
    HIP = "hip"
    ANKLE = "ankle"
    NECK = "neck"


# The words (as whole words, any case) that name each part, with common injuries people write instead.
# "back" alone is read as the lower back: the spine's most commonly hurt part, and the safe reading.
_PART_WORDS: dict[BodyPart, tuple[str, ...]] = {
    BodyPart.KNEE: ("knees?", "patell\\w*", "acl", "mcl", "pcl", "menisc\\w*", "kneecaps?"),
    BodyPart.LOWER_BACK: (
        "back",
        "backs",
        "spine",
        "spinal",
        "lumbar",
        "sciatica",
        "discs?",
        "herniat\\w*",
        "slipped disc",
    ),
    BodyPart.SHOULDER: ("shoulders?", "rotator cuff", "labrum", "deltoids?", "impingement"),
    BodyPart.WRIST: ("wrists?", "carpal tunnel", "carpal"),
    BodyPart.ELBOW: ("elbows?", "tennis elbow", "golfer'?s elbow", "epicondylitis"),
    BodyPart.HIP: ("hips?", "groin", "hip flexors?"),
    BodyPart.ANKLE: ("ankles?", "achilles", "plantar fasciitis"),
    BodyPart.NECK: ("neck", "cervical", "whiplash"),
}
_PART_PATTERNS = {
    part: re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)
    for part, words in _PART_WORDS.items()
}


def injured_parts(text: str) -> frozenset[BodyPart]:
    """The body parts the free text names (as words, in any case); nothing else of it is read."""
    return frozenset(part for part, pattern in _PART_PATTERNS.items() if pattern.search(text))


# Equipment that adds a load that can be raised step by step (what "loaded" means in the rules below).
LOADED = frozenset(Equipment) - BODYWEIGHT - {Equipment.EXERCISE_BALL, Equipment.FOAM_ROLL, Equipment.BANDS}


@dataclass(frozen=True)
class InjuryRule:
    """Exercises a hurt body part must not do. An exercise matches when it is of one of `categories`, or
    its lower-case name contains one of `names` as a word start (and, if `equipment` is given, it uses
    one of those), or it has one of `primary` as a main muscle (and, for each of `mechanics`, `forces`
    and `primary_categories` given, one of its values)."""

    part: BodyPart
    why: str
    categories: frozenset[Category] = frozenset()
    names: tuple[str, ...] = ()
    equipment: frozenset[Equipment] = frozenset()
    primary: frozenset[Muscle] = frozenset()
    mechanics: frozenset[Mechanic | None] = frozenset()
    forces: frozenset[Force | None] = frozenset()
    primary_categories: frozenset[Category] = frozenset()

    def excludes(self, exercise: ExerciseChoice) -> bool:
        if exercise.category in self.categories:
            return True
        if self.names and (not self.equipment or exercise.equipment in self.equipment):
            name = exercise.name.lower()
            if any(re.search(r"(?<![a-z])" + re.escape(word), name) for word in self.names):
                return True
        if self.primary and self.primary.intersection(exercise.primary_muscles):
            return (
                (not self.mechanics or exercise.mechanic in self.mechanics)
                and (not self.forces or exercise.force in self.forces)
                and (not self.primary_categories or exercise.category in self.primary_categories)
            )
        return False


_JUMPING = (
    "jump",
    "hop",
    "bound",
    "skip",
    "burpee",
    "sprint",
    "tuck jump",
    "plyo",
    "split jump",
    "star jump",
)

INJURY_RULES: tuple[InjuryRule, ...] = (
    # Knee: landing from a jump loads the knee with several times body weight; deep flexion under load
    # (full/pistol/sissy squats, lunges, the catch of an Olympic lift) compresses the patellofemoral joint
    # and the menisci most; kneeling puts body weight on the kneecap. Partial-range squats, step-ups,
    # bridges, hinges and machines stay available.
    InjuryRule(
        BodyPart.KNEE,
        "no jumping or landing",
        categories=frozenset({Category.PLYOMETRICS, Category.OLYMPIC_WEIGHTLIFTING}),
        names=(*_JUMPING, "running", "jogging", "rope jumping", "skating"),
    ),
    InjuryRule(
        BodyPart.KNEE,
        "no deep knee flexion",
        names=("full squat", "deep", "pistol", "sissy", "lunge", "split squat", "hack squat", "kneeling"),
    ),
    # Lower back: we exclude loaded spinal flexion and heavy hinging. Deadlifts, good mornings, bent-over
    # rows and stiff-legged lifts hold a loaded spine against flexion, which a hurt back may not manage; the
    # powerlifting and Olympic categories add heavy axial load and speed. Crunches and sit-ups stay only
    # unloaded (body weight), barbell squats go (axial load on the spine).
    InjuryRule(
        BodyPart.LOWER_BACK,
        "no heavy axial load or fast hinging",
        categories=frozenset({Category.POWERLIFTING, Category.OLYMPIC_WEIGHTLIFTING}),
        names=(
            "deadlift",
            "good morning",
            "bent over",
            "bent-over",
            "stiff",
            "romanian",
            "rack pull",
            "jefferson",
        ),
    ),
    InjuryRule(
        BodyPart.LOWER_BACK,
        "no loaded spinal flexion",
        names=("crunch", "sit-up", "situp", "v-up", "jackknife", "russian twist", "toe touch", "windmill"),
        equipment=LOADED,
    ),
    InjuryRule(
        BodyPart.LOWER_BACK,
        "no barbell squats",
        names=("squat", "t-bar"),
        equipment=frozenset({Equipment.BARBELL}),
    ),
    # Shoulder: pressing overhead (and the overhead catch of Olympic lifts, upright rows, dips and
    # behind-the-neck work) narrows the space under the acromion: the classic impingement positions.
    InjuryRule(
        BodyPart.SHOULDER,
        "no overhead pressing",
        categories=frozenset({Category.OLYMPIC_WEIGHTLIFTING}),
        names=(
            "overhead",
            "military",
            "shoulder press",
            "push press",
            "arnold",
            "jerk",
            "snatch",
            "handstand",
            "behind the neck",
            "upright row",
            "dip",
            "pike",
        ),
    ),
    InjuryRule(
        BodyPart.SHOULDER,
        "no loaded shoulder pressing",
        primary=frozenset({Muscle.SHOULDERS}),
        mechanics=frozenset({Mechanic.COMPOUND}),
        forces=frozenset({Force.PUSH}),
    ),
    # Wrist: body weight on an extended wrist (push-ups, handstands, burpees), the front rack of cleans
    # and front squats, and grip or wrist-curl work load the hurt joint directly.
    InjuryRule(
        BodyPart.WRIST,
        "no weight on an extended wrist or grip work",
        categories=frozenset({Category.OLYMPIC_WEIGHTLIFTING}),
        names=(
            "push-up",
            "pushup",
            "push up",
            "handstand",
            "burpee",
            "front squat",
            "wrist",
            "mountain climber",
            "clean",
        ),
        primary=frozenset({Muscle.FOREARMS}),
    ),
    # Elbow: isolated loaded flexion and extension (curls, skull crushers, pushdowns) concentrate the
    # load on the tendons at the elbow; dips add load at the end of the range.
    InjuryRule(
        BodyPart.ELBOW,
        "no isolated arm work or dips",
        names=("dip", "skull", "french press"),
        primary=frozenset({Muscle.BICEPS, Muscle.TRICEPS, Muscle.FOREARMS}),
        mechanics=frozenset({Mechanic.ISOLATION, None}),
        primary_categories=frozenset({Category.STRENGTH, Category.POWERLIFTING}),
    ),
    # Hip: impact, and deep loaded hip flexion or wide stances (pistols, full squats, sumo) pinch or
    # stretch the hurt joint.
    InjuryRule(
        BodyPart.HIP,
        "no jumping, deep hip flexion or wide stances",
        categories=frozenset({Category.PLYOMETRICS, Category.OLYMPIC_WEIGHTLIFTING}),
        names=(*_JUMPING, "pistol", "full squat", "deep", "sumo", "split", "lunge", "straddle", "frog"),
    ),
    # Ankle: impact and running load the ankle and the Achilles tendon; loaded calf raises load the
    # tendon directly.
    InjuryRule(
        BodyPart.ANKLE,
        "no jumping, running or loaded calf work",
        categories=frozenset({Category.PLYOMETRICS}),
        names=(*_JUMPING, "running", "jogging", "rope jumping", "skating", "stairmaster", "step mill"),
        primary=frozenset({Muscle.CALVES}),
        primary_categories=frozenset({Category.STRENGTH, Category.POWERLIFTING}),
    ),
    # Neck: loading the neck itself, shrugs and behind-the-neck work strain the cervical spine.
    InjuryRule(
        BodyPart.NECK,
        "no neck loading",
        names=("neck", "shrug", "headstand", "wrestler", "upright row"),
        primary=frozenset({Muscle.NECK}),
    ),
)


def excluded_by(exercise: ExerciseChoice, parts: Iterable[BodyPart]) -> InjuryRule | None:
    """The first rule of the given parts that excludes this exercise, or None."""
    hurt = set(parts)
    return next((rule for rule in INJURY_RULES if rule.part in hurt and rule.excludes(exercise)), None)


# -- the filter ------------------------------------------------------------------------------------------


def filter_exercises(exercises: Iterable[ExerciseChoice], request: GenerationInput) -> list[ExerciseChoice]:
    """The exercises this request may use, by name: the equipment at hand, the member's level, the rules of
    the injured parts the request names."""
    equipment = EQUIPMENT_BY_ACCESS[request.equipment]
    levels = LEVELS_BY_FITNESS[request.level]
    parts = injured_parts(request.injuries)
    allowed = [
        exercise
        for exercise in exercises
        if exercise.equipment in equipment
        and exercise.level in levels
        and exercise.category not in NEVER_CATEGORIES
        and excluded_by(exercise, parts) is None
    ]
    return sorted(allowed, key=lambda exercise: (exercise.name.lower(), exercise.id))


def allowed_exercises(session: Session, request: GenerationInput) -> list[ExerciseChoice]:
    """The database's exercises (the catalog and the gym's own) this request may use, by name."""
    table = table_of(Exercise)
    rows = session.execute(
        sa.select(
            table.c.id,
            table.c.name,
            table.c.level,
            table.c.equipment,
            table.c.category,
            table.c.mechanic,
            table.c.force,
            table.c.primary_muscles,
            table.c.secondary_muscles,
        ).where(table.c.category.not_in([c.value for c in NEVER_CATEGORIES]))
    ).all()
    return filter_exercises((choice_of(row) for row in rows), request)


def by_id(pool: Sequence[ExerciseChoice]) -> dict[str, ExerciseChoice]:
    """The pool keyed by id (lower-case text, as drafts name them)."""
    return {exercise.id.lower(): exercise for exercise in pool}
