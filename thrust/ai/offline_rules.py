"""The offline planner's guidance as data: which days a week holds, what each day trains, how many sets,
reps and how much rest each goal and level gets. offline.py turns these into a draft.

Sources (summarised): ACSM's position stand on progression models in resistance training (2009) and its
physical activity guidelines: novices 2-3 full-body days a week, 1-3 sets of 8-12 reps; intermediates 3-4
days (upper/lower splits); advanced 4-6 days of split routines; compound before isolation; strength at
lower reps with more sets and longer rests; muscular endurance at 12-20+ reps with short rests; about 48 h
between hard sessions for a muscle group. Schoenfeld et al. (2017): about 10+ weekly sets per muscle for
hypertrophy. Stretching: 2-4 holds of 10-30 s for each major muscle group, after training.

Decisions: 3 days is full body for every level; a beginner's 4th to 7th days are light days
(conditioning or mobility: no muscle trained hard), as are the days past 4 (intermediate) and past 6
(advanced). Light days alternate conditioning and mobility, mobility first when flexibility is the main goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from thrust.ai.draft import FitnessLevel, Goal
from thrust.planner.vocabulary import Muscle


class DayKind(StrEnum):
    FULL = "Full body"
    UPPER = "Upper body"
    LOWER = "Lower body"
    PUSH = "Push (chest, shoulders, triceps)"
    PULL = "Pull (back, biceps)"
    LEGS = "Legs"
    CONDITIONING = "Conditioning (light)"
    MOBILITY = "Mobility (light)"


LIGHT_DAYS = frozenset({DayKind.CONDITIONING, DayKind.MOBILITY})

# The training days (day number, kind) by level and days per week, light days left out (they fill the
# remaining count in the order of LIGHT_DAY_NUMBERS). Same-kind days are never on consecutive days.
_FULL_3 = ((1, DayKind.FULL), (3, DayKind.FULL), (5, DayKind.FULL))
_UPPER_LOWER = ((1, DayKind.UPPER), (2, DayKind.LOWER), (4, DayKind.UPPER), (5, DayKind.LOWER))
_PPL_UL = ((1, DayKind.PUSH), (2, DayKind.PULL), (3, DayKind.LEGS), (5, DayKind.UPPER), (6, DayKind.LOWER))
_PPL_2 = tuple((n, kind) for n, kind in enumerate((DayKind.PUSH, DayKind.PULL, DayKind.LEGS) * 2, start=1))


def heavy_days(level: FitnessLevel, days: int) -> tuple[tuple[int, DayKind], ...]:
    """The week's training days that train hard, by level and the days asked for."""
    if days <= 3 or level is FitnessLevel.BEGINNER:
        return _FULL_3
    if level is FitnessLevel.INTERMEDIATE or days == 4:
        return _UPPER_LOWER
    return _PPL_UL if days == 5 else _PPL_2


# Where light days go, in order: between and after the hard days, spread over the week.
LIGHT_DAY_NUMBERS = (6, 2, 4, 7, 3, 5, 1)


@dataclass(frozen=True)
class Slot:
    """One exercise of a day: one of `muscles` as its main muscle; compound wanted (True), isolation
    (False) or either (None). `core`: abdominal work, always light (never hard on any day)."""

    muscles: tuple[Muscle, ...]
    compound: bool | None = None
    core: bool = False


M = Muscle
_CORE = Slot((M.ABDOMINALS,), core=True)
_BACK = (M.LATS, M.MIDDLE_BACK)
_HINGE = (M.HAMSTRINGS, M.GLUTES)

# What each kind of day trains, most important first (the planner fills slots in this order while the
# session has time, then puts compounds before isolation).
SLOTS: dict[DayKind, tuple[Slot, ...]] = {
    DayKind.FULL: (
        Slot((M.QUADRICEPS,), True),
        Slot((M.CHEST,), True),
        Slot(_BACK, True),
        Slot(_HINGE, True),
        Slot((M.SHOULDERS,), None),
        _CORE,
        Slot(_BACK, None),
        Slot((M.BICEPS,), False),
        Slot((M.TRICEPS,), False),
        Slot((M.CALVES,), None),
    ),
    DayKind.UPPER: (
        Slot((M.CHEST,), True),
        Slot((M.LATS,), True),
        Slot((M.SHOULDERS,), True),
        Slot((M.MIDDLE_BACK,), True),
        Slot((M.CHEST,), None),
        Slot((M.BICEPS,), False),
        Slot((M.TRICEPS,), False),
        Slot((M.SHOULDERS,), False),
    ),
    DayKind.LOWER: (
        Slot((M.QUADRICEPS,), True),
        Slot((M.HAMSTRINGS,), True),
        Slot((M.GLUTES,), None),
        Slot((M.QUADRICEPS,), False),
        Slot((M.HAMSTRINGS,), False),
        _CORE,
        Slot((M.CALVES,), None),
    ),
    DayKind.PUSH: (
        Slot((M.CHEST,), True),
        Slot((M.SHOULDERS,), True),
        Slot((M.CHEST,), None),
        Slot((M.TRICEPS,), None),
        Slot((M.SHOULDERS,), False),
        Slot((M.TRICEPS,), False),
        _CORE,
    ),
    DayKind.PULL: (
        Slot((M.LATS,), True),
        Slot((M.MIDDLE_BACK,), True),
        Slot(_BACK, None),
        Slot((M.BICEPS,), False),
        Slot((M.TRAPS,), None),
        Slot((M.BICEPS,), None),
        Slot((M.FOREARMS,), None),
    ),
    DayKind.LEGS: (
        Slot((M.QUADRICEPS,), True),
        Slot((M.HAMSTRINGS,), True),
        Slot((M.GLUTES,), None),
        Slot((M.QUADRICEPS,), False),
        Slot((M.HAMSTRINGS,), False),
        Slot((M.CALVES,), None),
        _CORE,
    ),
    # Light days: bodyweight-style circuit work for the big groups, never hard (the planner caps it).
    DayKind.CONDITIONING: (
        Slot((M.QUADRICEPS, M.GLUTES), None),
        Slot((M.CHEST,), None),
        Slot(_BACK, None),
        _CORE,
    ),
    DayKind.MOBILITY: (_CORE,),
}

# The muscles the stretches of a mobility block go through, in order.
STRETCH_MUSCLES = (
    M.HAMSTRINGS,
    M.QUADRICEPS,
    M.GLUTES,
    M.CHEST,
    M.SHOULDERS,
    M.LATS,
    M.LOWER_BACK,
    M.CALVES,
    M.ADDUCTORS,
    M.MIDDLE_BACK,
    M.TRICEPS,
    M.ABDUCTORS,
)


@dataclass(frozen=True)
class Prescription:
    """Sets x reps and rest (seconds) of one kind of exercise, and what the member is told."""

    sets: int
    reps: str
    rest: int
    notes: str = ""
    most_sets: int = 0  # the planner may add sets up to this when the session has time (0: `sets`)


@dataclass(frozen=True)
class Style:
    """How a goal's resistance work is done at one level: compounds, isolation, and whether as a circuit."""

    compound: Prescription
    isolation: Prescription


_RIR = "Leave 1-2 reps in reserve."
_CIRCUIT = "Circuit: move to the next exercise, rest after each round."
_HEAVY = "Heavy: leave 1-2 reps in reserve, full rest between sets."


def style(goal: Goal, level: FitnessLevel) -> Style:
    """The main goal's prescription at the member's level. Beginners stay at 1-3 sets of 8-12 reps."""
    beginner = level is FitnessLevel.BEGINNER
    advanced = level is FitnessLevel.ADVANCED
    if goal is Goal.STRENGTH:
        if beginner:
            return Style(Prescription(3, "8-10", 120, _RIR), Prescription(2, "10-12", 60, _RIR, 3))
        return Style(
            Prescription(5 if advanced else 4, "3-5" if advanced else "4-6", 180, _HEAVY),
            Prescription(3, "6-10", 90, _RIR),
        )
    if goal is Goal.MUSCLE_GAIN:
        if beginner:
            return Style(Prescription(2, "8-12", 90, _RIR, 3), Prescription(2, "10-12", 60, _RIR, 3))
        return Style(
            Prescription(3, "6-10" if advanced else "8-12", 120 if advanced else 90, _RIR, 4),
            Prescription(3, "10-15", 60, _RIR, 4),
        )
    if goal in (Goal.WEIGHT_LOSS, Goal.ENDURANCE):
        reps = "10-12" if beginner else ("12-15" if goal is Goal.WEIGHT_LOSS else "15-20")
        rest = 45 if beginner else 30
        return Style(Prescription(2, reps, rest, _CIRCUIT, 3), Prescription(2, reps, rest, _CIRCUIT))
    # flexibility: moderate resistance work through the full range, the mobility block does the rest
    return Style(
        Prescription(2, "10-12", 60, "Full range of motion, slow lowering.", 3),
        Prescription(2, "10-12", 60, "Full range of motion, slow lowering."),
    )


BODYWEIGHT_STRENGTH = Prescription(
    4, "6-10", 90, "Pick a harder variation (slower, paused, one side) once 10 reps are easy.", 5
)
CORE = Prescription(2, "10-15", 45, "Slow and controlled; stop if the lower back hurts.")
CORE_HOLD = Prescription(2, "1", 45, "Hold 20-40 seconds, breathing steadily.")
LIGHT = Prescription(2, "10-12", 45, "Light day: easy effort, well short of failure.")
STRETCH = Prescription(
    1, "2", 15, "Two holds of about 30 seconds each (each side where it has sides), no bouncing."
)
MOBILITY_STRETCH = Prescription(2, "2", 15, STRETCH.notes)
INTERVALS = Prescription(6, "1", 60, "Intervals: each rep is 1 minute hard, then rest 1 minute easy.")
STEADY = Prescription(1, "20", 0, "Steady: 20 minutes at a pace you can talk at.")
PLYO_INTERVALS = Prescription(4, "10", 60, "Fast and light landings; stop before form fades.")

# The share of a session the finishing blocks (intervals, stretches) may take at most.
MAX_FINISHER_SHARE = 0.4

NUTRITION_TIPS: dict[Goal, tuple[str, ...]] = {
    Goal.WEIGHT_LOSS: (
        "Aim for a modest calorie deficit (about 300-500 kcal a day), not a crash diet.",
        "Keep protein high (about 1.6 g per kg of body weight a day) to hold on to muscle while losing fat.",
    ),
    Goal.MUSCLE_GAIN: (
        "Eat a small calorie surplus (about 200-300 kcal a day) on training weeks.",
        "Spread about 1.6-2.2 g of protein per kg of body weight a day over 3-5 meals.",
    ),
    Goal.ENDURANCE: ("Fuel longer sessions with carbohydrate before and after; drink to thirst during.",),
    Goal.STRENGTH: (
        "Eat enough protein (about 1.6 g per kg a day) and do not train heavy on an empty stomach.",
    ),
    Goal.FLEXIBILITY: ("Stay hydrated and stretch when warm, after the session rather than before it.",),
}
GENERAL_TIPS = (
    "Drink water through the day and around each session.",
    "Sleep 7-9 hours: recovery is when the training pays off.",
)
