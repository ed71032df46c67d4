"""The offline planner: a rule-based one-week draft from published guidance (offline_rules.py), the default
provider and the fallback when a model fails. It uses only the pool it is given (the filtered catalog) and
builds each day against the checker's own estimate and limits, so its draft always passes `check_draft`.

How a day is built: the finishing blocks the goals ask for (intervals for weight loss or endurance,
stretches for flexibility) are sized first, within a share of the session; then the day's slots are
filled in order of importance with an exercise each (seeded random choice among the best matches, the
ones used least this week first), as long as the session has time; then, with time left, sets are
added up to the goal's ceiling. A muscle trained hard the day before or after gets at most
`HARD_SETS - 1` sets; light days keep every muscle under it. Compounds come before isolation work.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from thrust.ai.checker import (
    HARD_SETS,
    MAX_EXERCISES,
    MAX_SETS,
    MAX_SETS_PER_MUSCLE_PER_DAY,
    WARM_UP_MINUTES,
    counts_as_training,
    exercise_seconds,
    neighbours,
    rep_bounds,
    work_kind,
)
from thrust.ai.draft import GOAL_WORDS, Draft, DraftDay, DraftExercise, FitnessLevel, GenerationInput, Goal
from thrust.ai.exercise_pool import BODYWEIGHT, LOADED, ExerciseChoice, injured_parts
from thrust.ai.offline_rules import (
    BODYWEIGHT_STRENGTH,
    CORE,
    CORE_HOLD,
    GENERAL_TIPS,
    INTERVALS,
    LIGHT,
    LIGHT_DAY_NUMBERS,
    LIGHT_DAYS,
    MAX_FINISHER_SHARE,
    MOBILITY_STRETCH,
    NUTRITION_TIPS,
    PLYO_INTERVALS,
    SLOTS,
    STEADY,
    STRETCH,
    STRETCH_MUSCLES,
    DayKind,
    Prescription,
    Slot,
    heavy_days,
    style,
)
from thrust.planner.vocabulary import Category, Muscle

MAX_RESISTANCE = 8  # resistance exercises in one session: past this, more sets beat more exercises


class NoExercises(ValueError):
    """The pool has nothing a day can use (every exercise filtered out)."""


def week_days(request: GenerationInput) -> list[tuple[int, DayKind]]:
    """The week's training days, by day number: the hard days of the level, then light days."""
    heavy = list(heavy_days(request.level, request.days_per_week))[: request.days_per_week]
    used = {number for number, _ in heavy}
    light_kinds = [DayKind.CONDITIONING, DayKind.MOBILITY]
    if request.goals[0] is Goal.FLEXIBILITY:
        light_kinds.reverse()
    free = [n for n in LIGHT_DAY_NUMBERS if n not in used]
    light = [(free[i], light_kinds[i % 2]) for i in range(request.days_per_week - len(heavy))]
    return sorted(heavy + light)


@dataclass
class _Item:
    choice: ExerciseChoice
    exercise: DraftExercise
    rx: Prescription
    order: int  # where it goes in the day: resistance by slot, then core, cardio, stretches


@dataclass
class _Day:
    """A day being built: its exercises, their time and the sets each main muscle gets."""

    number: int
    kind: DayKind
    budget: int  # seconds after the warm-up
    caps: dict[Muscle, int]  # the most sets a muscle may get today
    items: list[_Item] = field(default_factory=list)
    sets: Counter[Muscle] = field(default_factory=Counter)

    @property
    def used(self) -> int:
        return sum(exercise_seconds(item.exercise, item.choice) for item in self.items)

    def room(self, choice: ExerciseChoice) -> int:
        """How many sets of it today's caps allow (stretches and cardio are not resistance work: no cap)."""
        if not counts_as_training(choice):
            return MAX_SETS
        return min(
            self.caps.get(m, MAX_SETS_PER_MUSCLE_PER_DAY) - self.sets[m] for m in choice.primary_muscles
        )

    def has(self, choice: ExerciseChoice) -> bool:
        return any(item.choice.id == choice.id for item in self.items)

    def _count(self, choice: ExerciseChoice, sets: int) -> None:
        if counts_as_training(choice):
            for muscle in choice.primary_muscles:
                self.sets[muscle] += sets

    def add(self, choice: ExerciseChoice, rx: Prescription, order: int, time: int | None = None) -> bool:
        """Add it with as many of `rx.sets` as fit the caps and the time left (at most `time` seconds)."""
        if len(self.items) >= MAX_EXERCISES or self.has(choice):
            return False
        left = self.budget - self.used if time is None else min(time, self.budget - self.used)
        for sets in range(min(rx.sets, self.room(choice)), 0, -1):
            exercise = DraftExercise(choice.id, choice.name, sets, rx.reps, rx.rest, rx.notes)
            if exercise_seconds(exercise, choice) <= left:
                self.items.append(_Item(choice, exercise, rx, order))
                self._count(choice, sets)
                return True
        return False

    def more_sets(self) -> None:
        """One set more at a time, in the day's order, up to each prescription's ceiling, while time and
        caps allow (compounds first: they are listed first)."""
        grew = True
        while grew:
            grew = False
            for item in sorted(self.items, key=_position):
                if item.exercise.sets >= item.rx.most_sets or self.room(item.choice) < 1:
                    continue
                bigger = dataclasses.replace(item.exercise, sets=item.exercise.sets + 1)
                extra = exercise_seconds(bigger, item.choice) - exercise_seconds(item.exercise, item.choice)
                if self.used + extra <= self.budget:
                    item.exercise = bigger
                    self._count(item.choice, 1)
                    grew = True


def _position(item: _Item) -> tuple[int, bool, int]:
    """Resistance work first, compounds before isolation, in slot order; then core, cardio, stretches."""
    group = 0 if item.order < CORE_ORDER else item.order
    return group, not item.choice.is_compound, item.order


CORE_ORDER, CARDIO_ORDER, STRETCH_ORDER, SECOND_PASS = 60, 80, 90, 30


class _Planner:
    def __init__(self, request: GenerationInput, pool: Sequence[ExerciseChoice], rng: random.Random) -> None:
        self.request, self.rng = request, rng
        self.pool = list(pool)
        self.uses: Counter[str] = Counter()
        self.style = style(request.goals[0], request.level)
        strength_lifts = request.level is not FitnessLevel.BEGINNER and Goal.STRENGTH in request.goals
        self.heavy = (rep_bounds(self.style.compound.reps) or (0, 99))[1] < 8
        self.resistance = {Category.STRENGTH} | ({Category.POWERLIFTING} if strength_lifts else set())

    # -- choosing ------------------------------------------------------------------------------------------

    def _first(
        self,
        day: _Day,
        candidates: Sequence[ExerciseChoice],
        rx_of: Callable[[ExerciseChoice], Prescription],
        order: int,
        time: int | None = None,
    ) -> bool:
        """Add the first candidate that fits: the least used this week first, ties in seeded order."""
        usable = [c for c in candidates if not day.has(c) and day.room(c) >= 1]
        self.rng.shuffle(usable)
        usable.sort(key=lambda c: self.uses[c.id])
        for choice in usable:
            if day.add(choice, rx_of(choice), order, time):
                self.uses[choice.id] += 1
                return True
        return False

    def slot(self, day: _Day, slot: Slot, order: int, light: bool) -> bool:
        """One exercise for the slot: its muscle as the main one if possible, its mechanic if possible."""
        wanted = set(slot.muscles)
        candidates = [
            c for c in self.pool if c.category in self.resistance and wanted.intersection(c.primary_muscles)
        ]
        if slot.core:
            candidates = [c for c in candidates if c.primary_muscles[0] is Muscle.ABDOMINALS]
        else:
            candidates = [c for c in candidates if work_kind(c) == "reps"]
        if light:  # light days: body-weight work where there is some
            candidates = [c for c in candidates if c.equipment in BODYWEIGHT] or candidates
        candidates = [c for c in candidates if c.primary_muscles[0] in wanted] or candidates
        if slot.compound is not None:
            candidates = [c for c in candidates if c.is_compound is slot.compound] or candidates
        if self.heavy and not light and not slot.core:  # low reps need a load that can be raised
            candidates = [c for c in candidates if c.equipment in LOADED] or candidates

        def rx_of(choice: ExerciseChoice) -> Prescription:
            if slot.core:
                return CORE_HOLD if work_kind(choice) == "hold" else CORE
            if light:
                return LIGHT
            rx = self.style.compound if choice.is_compound else self.style.isolation
            if choice.equipment not in LOADED and (rep_bounds(rx.reps) or (0, 99))[1] < 8:
                return BODYWEIGHT_STRENGTH  # 3-5 push-ups is no strength work: a harder variation is
            return rx

        return self._first(day, candidates, rx_of, CORE_ORDER if slot.core else order)

    def stretches(self, day: _Day, count: int, rx: Prescription, time: int) -> None:
        """Up to `count` stretches, each for another muscle, within `time` seconds."""
        start = day.used
        stretches = [c for c in self.pool if c.category is Category.STRETCHING]
        for muscle in STRETCH_MUSCLES:
            if count <= 0:
                break
            of_muscle = [c for c in stretches if c.primary_muscles[0] is muscle]
            if self._first(day, of_muscle, lambda _c: rx, STRETCH_ORDER, time - (day.used - start)):
                count -= 1

    def cardio(self, day: _Day, rx: Prescription, time: int) -> int:
        """A cardio block within `time` seconds (a machine or a run; else plyometrics for the
        non-beginners); the seconds it takes (0: nothing fitted)."""
        start = day.used
        if rx is STEADY:  # steady work: as many minutes as fit, 8 to 20
            minutes = min(20, time // 60)
            if minutes < 8:
                return 0
            rx = dataclasses.replace(
                rx, reps=str(minutes), notes=f"Steady: {minutes} minutes at a pace you can talk at."
            )
        cardio = [c for c in self.pool if c.category is Category.CARDIO]
        if not self._first(day, cardio, lambda _c: rx, CARDIO_ORDER, time) and (
            self.request.level is not FitnessLevel.BEGINNER
        ):
            plyo = [c for c in self.pool if c.category is Category.PLYOMETRICS and work_kind(c) == "reps"]
            self._first(day, plyo, lambda _c: PLYO_INTERVALS, CARDIO_ORDER, time)
        return day.used - start

    # -- building ------------------------------------------------------------------------------------------

    def caps(self, number: int, kind: DayKind, built: dict[int, _Day]) -> dict[Muscle, int]:
        """Today's ceilings: light days keep every muscle easy, as does a muscle hard on a built neighbour;
        abdominal work stays easy every day (it appears on most days)."""
        easy = HARD_SETS - 1
        if kind in LIGHT_DAYS:
            return dict.fromkeys(Muscle, easy)
        caps = {Muscle.ABDOMINALS: easy}
        for other in neighbours(number):
            if other in built and other != number:
                for muscle, count in built[other].sets.items():
                    if count >= HARD_SETS:
                        caps[muscle] = easy
        return caps

    def finishers(self, day: _Day) -> None:
        """The goals' finishing blocks, sized first within their share of the session."""
        goals, main = self.request.goals, self.request.goals[0]
        share = int(day.budget * MAX_FINISHER_SHARE)
        if day.kind is DayKind.MOBILITY:
            self.stretches(day, 10, MOBILITY_STRETCH, day.budget)
        elif day.kind is DayKind.CONDITIONING:
            self.cardio(day, INTERVALS if main is Goal.WEIGHT_LOSS else STEADY, day.budget // 2)
        else:
            conditioning = {Goal.WEIGHT_LOSS, Goal.ENDURANCE}
            if conditioning.intersection(goals):
                share -= self.cardio(day, INTERVALS, share if main in conditioning else share // 2)
            if Goal.FLEXIBILITY in goals:
                many = 6 if main is Goal.FLEXIBILITY else 3
                self.stretches(day, many, STRETCH, max(share, day.budget // 6))

    def day(self, number: int, kind: DayKind, built: dict[int, _Day]) -> _Day:
        budget = (self.request.minutes_per_session - WARM_UP_MINUTES) * 60
        day = _Day(number, kind, budget, self.caps(number, kind, built))
        self.finishers(day)
        light = kind in LIGHT_DAYS
        slots = SLOTS[kind]
        resistance = 0
        for order, slot in enumerate(slots):
            if resistance < MAX_RESISTANCE:
                resistance += self.slot(day, slot, order, light)
        if kind is DayKind.CONDITIONING:
            self.stretches(day, 3, STRETCH, day.budget - day.used)
        if not light:  # long sessions: a second exercise for the first slots, then more sets
            for order, slot in enumerate(slots):
                if resistance < MAX_RESISTANCE and day.used < day.budget * 0.7 and not slot.core:
                    resistance += self.slot(day, slot, SECOND_PASS + order, light)
            day.more_sets()
        if not day.items:  # nothing fitted the slots: any exercise, lightly, so that the day exists
            self._first(day, self.pool, lambda c: STRETCH if c.category is Category.STRETCHING else LIGHT, 0)
        if not day.items:
            raise NoExercises(
                "No allowed exercise fits a session: widen the equipment or check the injuries."
            )
        return day


def _words(request: GenerationInput, kinds: list[DayKind]) -> tuple[str, tuple[str, ...]]:
    goals = " and ".join(GOAL_WORDS[g] for g in request.goals)
    split = ", ".join(dict.fromkeys(k.value.split(" (")[0].lower() for k in kinds))
    summary = (
        f"A {request.days_per_week}-day week for {'an' if request.level.value[0] in 'aei' else 'a'} "
        f"{request.level.value} aiming at {goals}: {split} days of "
        f"about {request.minutes_per_session} minutes with {request.equipment.value.replace('_', ' ')} "
        "equipment, built by THRUST's offline planner from published training guidance (ACSM). Warm up "
        f"for {WARM_UP_MINUTES} minutes before each session."
    )
    parts = sorted(part.value for part in injured_parts(request.injuries))
    if parts:
        summary += f" Exercises that load the {', '.join(parts)} were left out; stop any exercise that hurts."
    tips = [tip for goal in request.goals for tip in NUTRITION_TIPS[goal]]
    return summary, tuple(dict.fromkeys([*tips, *GENERAL_TIPS]))[:6]


def offline_draft(
    request: GenerationInput, pool: Sequence[ExerciseChoice], *, seed: int | None = None
) -> Draft:
    """A one-week draft for the request from the allowed exercises (`allowed_exercises`); the same seed
    gives the same draft. NoExercises when the pool leaves a day with nothing at all."""
    if not pool:
        raise NoExercises("No exercise is allowed for this request.")
    planner = _Planner(request, pool, random.Random(seed))
    built: dict[int, _Day] = {}
    schedule = week_days(request)
    for number, kind in schedule:
        built[number] = planner.day(number, kind, built)
    days = tuple(
        DraftDay(
            day_number=number,
            title=kind.value,
            exercises=tuple(item.exercise for item in sorted(built[number].items, key=_position)),
        )
        for number, kind in schedule
    )
    summary, tips = _words(request, [kind for _, kind in schedule])
    return Draft(plan_summary=summary, days=days, nutrition_tips=tips)
