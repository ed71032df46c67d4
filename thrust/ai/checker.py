"""The checker every draft passes before it becomes a plan, whoever wrote it (the offline planner or a model).

Its problems are plain sentences naming the day and the exercise, written so that a model can act on them
in a repair round and a trainer can read them in the record. Its figures (weekly sets per muscle,
estimated minutes per day) go into the generated plan's record and the evidence table.

What is checked, and why:
- the number of training days is the one asked for, each day number 1-7 once;
- every exercise is one of the allowed ones (the catalog after the equipment, level and injury filter),
  by id, with the catalog's name: nothing outside the filtered list can reach a member;
- sets, reps and rest are plausible: the plan document's limits (document.py) and tighter sane ones;
- no muscle is trained hard (`HARD_SETS` or more sets of resistance work as a main muscle; stretches
  and cardio do not count) on two consecutive days: the usual guidance is about 48 hours between
  hard sessions for the same muscle group. Day 7 and day 1 count as consecutive: the week repeats;
- the estimated session (warm-up, then sets x (work + rest)) fits the minutes asked for;
- the week, as a plan document, passes the document's own rules (text lengths, counts).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from thrust.ai.draft import CheckReport, Draft, DraftDay, DraftExercise, GenerationInput
from thrust.ai.exercise_pool import ExerciseChoice, by_id
from thrust.planner.document import (
    DAYS_IN_WEEK,
    REPS_PATTERN,
    REPS_RANGE,
    REST_RANGE,
    SETS_RANGE,
    plan_problems,
)
from thrust.planner.vocabulary import Category, Force, Muscle

# -- how long things take (the estimate the checker and the planners share) ---------------------------------

WARM_UP_MINUTES = 5  # general warm-up before the first exercise, in every session
SECONDS_PER_REP = 4  # a controlled repetition: about 2 s down, 1-2 s up
HOLD_SECONDS = 30  # a stretch or an isometric hold: each "rep" is one hold of about 30 s
CARDIO_REP_SECONDS = 60  # cardio machines and runs: each "rep" is one minute of work

# -- what is plausible (tighter than the document's limits, which any hand-written plan may use) ----------

MAX_SETS = 8  # document: 10; more than 8 sets of one exercise in a session is not a sane prescription
MAX_REPS = 30  # document: 100; past 30 reps a set is endurance work better done as cardio
MAX_HOLDS = 6  # stretches and holds
MAX_CARDIO_MINUTES = 45  # a cardio "set" in minutes
MAX_REST = 300  # document: 600; five minutes covers the heaviest strength sets
MAX_EXERCISES = 12  # document: 20; more does not fit any session length the form offers
HARD_SETS = 4  # a main muscle's working sets in a day from which that day counts as hard for it
MAX_SETS_PER_MUSCLE_PER_DAY = 12  # past about 10-12 sets in one session more volume adds fatigue, not growth

_REPS = re.compile(REPS_PATTERN)
_WHERE = re.compile(r"^weeks\[0\]\.days\[(\d+)\](?:\.exercises\[(\d+)\])?(?:\.(\w+))?$")


def work_kind(choice: ExerciseChoice | None) -> str:
    """How an exercise's reps are read: "cardio" (minutes), "hold" (30-s holds) or "reps"."""
    if choice is None:
        return "reps"
    if choice.category is Category.CARDIO:
        return "cardio"
    if choice.category is Category.STRETCHING or choice.force is Force.STATIC:
        return "hold"
    return "reps"


def rep_bounds(reps: str) -> tuple[int, int] | None:
    """(low, high) of "10" or "8-12"; None when the text is not a number or a range."""
    if not isinstance(reps, str) or not _REPS.match(reps):
        return None
    numbers = [int(part) for part in reps.split("-")]
    return numbers[0], numbers[-1]


def exercise_seconds(exercise: DraftExercise, choice: ExerciseChoice | None) -> int:
    """The exercise's estimated time: sets x (one set's work + the rest after it)."""
    bounds = rep_bounds(exercise.reps)
    top = bounds[1] if bounds else 12
    per_rep = {"cardio": CARDIO_REP_SECONDS, "hold": HOLD_SECONDS}.get(work_kind(choice), SECONDS_PER_REP)
    return max(exercise.sets, 0) * (top * per_rep + max(exercise.rest, 0))


def day_minutes(day: DraftDay, catalog: Mapping[str, ExerciseChoice]) -> int:
    """The day's estimated minutes: the warm-up and every exercise, rounded up."""
    seconds = sum(exercise_seconds(e, catalog.get(e.exercise_id.lower())) for e in day.exercises)
    return WARM_UP_MINUTES + math.ceil(seconds / 60)


def counts_as_training(choice: ExerciseChoice | None) -> bool:
    """Resistance work counts for its main muscles' sets; stretches (mobility) and cardio (minutes of
    steady work or intervals) do not load a muscle the way sets of resistance do, and count for none."""
    return choice is not None and choice.category not in (Category.STRETCHING, Category.CARDIO)


def muscle_sets(day: DraftDay, catalog: Mapping[str, ExerciseChoice]) -> dict[Muscle, int]:
    """The day's working sets per main muscle (each exercise's sets count for each of its main muscles)."""
    sets: dict[Muscle, int] = defaultdict(int)
    for exercise in day.exercises:
        choice = catalog.get(exercise.exercise_id.lower())
        if counts_as_training(choice):
            assert choice is not None
            for muscle in choice.primary_muscles:
                sets[muscle] += max(exercise.sets, 0)
    return dict(sets)


def neighbours(day_number: int) -> tuple[int, int]:
    """The day before and the day after in a repeating week (day 7 is followed by day 1)."""
    return (day_number - 2) % DAYS_IN_WEEK + 1, day_number % DAYS_IN_WEEK + 1


# -- the checks ----------------------------------------------------------------------------------------------


def _label(day: DraftDay) -> str:
    return f"Day {day.day_number}" + (f" ({day.title})" if day.title else "")


def _at(day: DraftDay, index: int, exercise: DraftExercise) -> str:
    return f"{_label(day)}, exercise {index + 1} ({exercise.name!r})"


def _days(draft: Draft, request: GenerationInput) -> list[str]:
    problems = []
    count = len(draft.days)
    if count != request.days_per_week:
        problems.append(
            f"The week has {count} training days; it must have exactly {request.days_per_week} "
            f"(the days per week asked for)."
        )
    seen: set[int] = set()
    for day in draft.days:
        if not 1 <= day.day_number <= DAYS_IN_WEEK:
            problems.append(f"Day number {day.day_number} is not a day of the week: use 1 to {DAYS_IN_WEEK}.")
        elif day.day_number in seen:
            problems.append(f"Day {day.day_number} appears twice: give each training day its own number.")
        seen.add(day.day_number)
        if not day.exercises:
            problems.append(f"{_label(day)} has no exercises.")
        elif len(day.exercises) > MAX_EXERCISES:
            problems.append(f"{_label(day)} has {len(day.exercises)} exercises; use at most {MAX_EXERCISES}.")
    return problems


def _exercise(day: DraftDay, index: int, exercise: DraftExercise, choice: ExerciseChoice | None) -> list[str]:
    where = _at(day, index, exercise)
    if choice is None:
        return [
            f"{where}: id {exercise.exercise_id!r} is not one of the allowed exercises; "
            "replace it with an exercise from the list, by its id and name."
        ]
    problems = []
    if " ".join(exercise.name.split()).lower() != choice.name.lower():
        problems.append(f"{where}: id {exercise.exercise_id!r} is {choice.name!r}; use that exact name.")
    if not SETS_RANGE[0] <= exercise.sets <= MAX_SETS:
        problems.append(f"{where}: {exercise.sets} sets; use 1 to {MAX_SETS}.")
    kind = work_kind(choice)
    most = {"cardio": MAX_CARDIO_MINUTES, "hold": MAX_HOLDS}.get(kind, MAX_REPS)
    bounds = rep_bounds(exercise.reps)
    unit = {"cardio": "minutes", "hold": "holds of about 30 s"}.get(kind, "reps")
    if bounds is None or bounds[0] > bounds[1] or not REPS_RANGE[0] <= bounds[0] <= bounds[1] <= most:
        problems.append(
            f"{where}: reps {exercise.reps!r} is not plausible; write a number or a range like 8-12, "
            f"from 1 to {most} ({unit})."
        )
    if not REST_RANGE[0] <= exercise.rest <= MAX_REST:
        problems.append(f"{where}: rest {exercise.rest} s; use 0 to {MAX_REST} seconds.")
    return problems


def _exercises(draft: Draft, catalog: Mapping[str, ExerciseChoice]) -> list[str]:
    problems = []
    for day in draft.days:
        seen: set[str] = set()
        for index, exercise in enumerate(day.exercises):
            key = exercise.exercise_id.lower()
            problems += _exercise(day, index, exercise, catalog.get(key))
            if key in seen:
                problems.append(f"{_at(day, index, exercise)} is already in this day: use it once.")
            seen.add(key)
    return problems


def _load(draft: Draft, sets_by_day: Mapping[int, Mapping[Muscle, int]]) -> list[str]:
    """No muscle hard on consecutive days; no muscle past the per-session ceiling."""
    problems = []
    for day in draft.days:
        sets = sets_by_day[day.day_number]
        for muscle, count in sorted(sets.items()):
            if count > MAX_SETS_PER_MUSCLE_PER_DAY:
                problems.append(
                    f"{_label(day)} gives {muscle.value} {count} sets; use at most "
                    f"{MAX_SETS_PER_MUSCLE_PER_DAY} for one muscle in a session."
                )
        after = neighbours(day.day_number)[1]
        if after == day.day_number or after not in sets_by_day:
            continue
        for muscle, count in sorted(sets.items()):
            following = sets_by_day[after].get(muscle, 0)
            if count >= HARD_SETS and following >= HARD_SETS:
                problems.append(
                    f"{muscle.value.capitalize()} is trained hard on consecutive days: day "
                    f"{day.day_number} ({count} sets) and day {after} ({following} sets). Keep it under "
                    f"{HARD_SETS} sets on one of them, or move a day so there is a rest day between."
                )
    return problems


def _minutes(draft: Draft, request: GenerationInput, minutes: Mapping[int, int]) -> list[str]:
    allowed = request.minutes_per_session
    return [
        f"{_label(day)} takes about {minutes[day.day_number]} minutes (a {WARM_UP_MINUTES}-minute warm-up, "
        f"then sets x (work + rest)); it must fit in {allowed}. Use fewer exercises or sets, or shorter "
        "rests."
        for day in draft.days
        if minutes[day.day_number] > allowed
    ]


def week_document(draft: Draft, *, week_number: int = 1, focus: str = "") -> dict[str, Any]:
    """The draft's week as one week of the plan document (camelCase, as document.py reads it)."""
    return {
        "weekNumber": week_number,
        "focus": focus,
        "days": [
            {
                "dayNumber": day.day_number,
                "title": day.title,
                "exercises": [
                    {
                        "name": e.name,
                        "sets": e.sets,
                        "reps": e.reps,
                        "rest": e.rest,
                        "notes": e.notes,
                        "exerciseId": e.exercise_id,
                    }
                    for e in day.exercises
                ],
            }
            for day in sorted(draft.days, key=lambda d: d.day_number)
        ],
    }


def _document(draft: Draft) -> list[str]:
    """The document's own rules (lengths, counts, storable text), in the draft's words."""
    data = {
        "planSummary": draft.plan_summary,
        "weeks": [week_document(draft)],
        "nutritionTips": list(draft.nutrition_tips),
        "progressionNotes": draft.progression_notes,
    }
    ordered = sorted(draft.days, key=lambda d: d.day_number)
    problems = []
    for problem in plan_problems(data):
        found = _WHERE.match(problem.field)
        if found and int(found.group(1)) < len(ordered):
            day = ordered[int(found.group(1))]
            if found.group(2) is not None and int(found.group(2)) < len(day.exercises):
                index = int(found.group(2))
                where = _at(day, index, day.exercises[index])
            else:
                where = _label(day)
            problems.append(f"{where}: {problem.message}.")
        elif not problem.field.startswith("weeks"):
            problems.append(f"{problem.field}: {problem.message}.")
    return problems


def check_draft(draft: Draft, request: GenerationInput, pool: Sequence[ExerciseChoice]) -> CheckReport:
    """Every problem of the draft for this request, given the exercises it may use (`allowed_exercises`),
    and its figures. `report.ok` when there is none."""
    catalog = by_id(pool)
    sets_by_day: dict[int, dict[Muscle, int]] = defaultdict(dict)
    minutes: dict[int, int] = {}
    weekly: dict[str, int] = defaultdict(int)
    for day in draft.days:
        day_sets = muscle_sets(day, catalog)
        for muscle, count in day_sets.items():
            sets_by_day[day.day_number][muscle] = sets_by_day[day.day_number].get(muscle, 0) + count
            weekly[muscle.value] += count
        minutes[day.day_number] = max(minutes.get(day.day_number, 0), day_minutes(day, catalog))
    problems = _days(draft, request) + _exercises(draft, catalog)
    problems += _load(draft, sets_by_day) + _minutes(draft, request, minutes)
    problems += [p for p in _document(draft) if p not in problems]
    return CheckReport(
        problems=tuple(dict.fromkeys(problems)),
        training_days=len(draft.days),
        weekly_sets_by_muscle=dict(sorted(weekly.items())),
        minutes_by_day=dict(sorted(minutes.items())),
    )
