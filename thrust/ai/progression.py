"""Four weeks from a checked one-week draft, computed in Python whoever wrote the draft.

    week 1  the draft as checked: learn the movements, leave 2-3 reps in reserve
    week 2  reps: every rep range is worked towards its top ("8-12" -> "10-12"), same load
    week 3  load: the full range again with about 5% more load (or a harder variation); with the pool
            given, compound lifts also get one set more where the session still fits its minutes
    week 4  deload: about half the sets (never fewer than one), same reps, lighter load, to recover

The step is "reps, then load" (double progression), the plainest one for every level. Cardio and
stretches are not loaded: cardio adds a minute per interval in week 3 only if it fits, stretches stay.
The result passes `document.parse_plan` (it is parsed before it is returned).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from thrust.ai.checker import (
    HARD_SETS,
    MAX_SETS,
    MAX_SETS_PER_MUSCLE_PER_DAY,
    day_minutes,
    muscle_sets,
    rep_bounds,
    week_document,
    work_kind,
)
from thrust.ai.draft import PLAN_WEEKS, Draft, DraftDay, DraftExercise, GenerationInput
from thrust.ai.exercise_pool import ExerciseChoice, by_id
from thrust.planner.document import MAX_NOTES, MAX_SUMMARY, MAX_TIPS, parse_plan, stored
from thrust.planner.vocabulary import Category

FOCUS = {
    1: "Base week: learn the movements, leave 2-3 reps in reserve",
    2: "Reps: work each range towards its top at the same load",
    3: "Load: about 5% more weight, back to the bottom of each range",
    4: "Deload: about half the sets at a lighter load, to recover",
}
WEEK_NOTES = {
    2: "Week 2: aim for the top of the rep range with week 1's load.",
    3: "Week 3: add about 5% load (or a harder variation) and work the full range again.",
    4: "Week 4 (deload): fewer sets, about 10-20% lighter, stop well short of failure.",
}
EXTRA_SET_NOTE = "Week 3: one set more than week 1 (volume step)."
PROGRESSION_NOTES = (
    "Weeks 2 and 3 progress step by step: first the reps within each range (week 2), then the load "
    "(week 3, about 5% more, back to the bottom of the range). Week 4 is a deload with about half the "
    "sets, so the body recovers before the next block. After week 4, start again from week 3's loads."
)
_LOADABLE = frozenset({Category.STRENGTH, Category.POWERLIFTING, Category.OLYMPIC_WEIGHTLIFTING})


def _note(exercise: DraftExercise, note: str) -> str:
    joined = f"{exercise.notes} {note}".strip() if exercise.notes else note
    return (
        joined
        if len(joined) <= MAX_NOTES
        else exercise.notes[: MAX_NOTES - len(note) - 2].rstrip() + " " + note
    )


def _top_of_range(reps: str) -> str:
    """ "8-12" -> "10-12": the upper half of the range (a single number stays)."""
    bounds = rep_bounds(reps)
    if bounds is None or bounds[0] >= bounds[1]:
        return reps
    low, high = bounds
    middle = (low + high + 1) // 2
    return f"{middle}-{high}" if middle < high else str(high)


def _week_two(day: DraftDay, catalog: dict[str, ExerciseChoice]) -> DraftDay:
    exercises = []
    for exercise in day.exercises:
        if work_kind(catalog.get(exercise.exercise_id.lower())) == "reps":
            reps = _top_of_range(exercise.reps)
            exercise = dataclasses.replace(exercise, reps=reps, notes=_note(exercise, WEEK_NOTES[2]))
        exercises.append(exercise)
    return dataclasses.replace(day, exercises=tuple(exercises))


def _week_three(day: DraftDay, catalog: dict[str, ExerciseChoice], minutes: int | None) -> DraftDay:
    """Week 1's day with a load note on loadable work, and a set more on compound lifts (main ones first)
    while the day still fits `minutes` (None: no extra sets, the pool is unknown).

    A set is only added for muscles the day already trains hard: the checked draft has them rested on
    the days around it, so the step cannot make a muscle hard on consecutive days."""
    exercises = list(day.exercises)
    for index, exercise in enumerate(exercises):
        choice = catalog.get(exercise.exercise_id.lower())
        if choice is not None and choice.category in _LOADABLE and work_kind(choice) == "reps":
            exercises[index] = dataclasses.replace(exercise, notes=_note(exercise, WEEK_NOTES[3]))
    if minutes is None:
        return dataclasses.replace(day, exercises=tuple(exercises))
    for index, exercise in enumerate(exercises):
        choice = catalog.get(exercise.exercise_id.lower())
        if choice is None or not choice.is_compound or choice.category not in _LOADABLE:
            continue
        if exercise.sets >= min(MAX_SETS, 5):
            continue
        more = dataclasses.replace(exercise, sets=exercise.sets + 1, notes=_note(exercise, EXTRA_SET_NOTE))
        trial = dataclasses.replace(day, exercises=(*exercises[:index], more, *exercises[index + 1 :]))
        before, after = muscle_sets(day, catalog), muscle_sets(trial, catalog)
        hard = all(
            before.get(m, 0) >= HARD_SETS and after[m] <= MAX_SETS_PER_MUSCLE_PER_DAY
            for m in choice.primary_muscles
        )
        if hard and day_minutes(trial, catalog) <= minutes:
            exercises[index] = more
            day = trial
    return dataclasses.replace(day, exercises=tuple(exercises))


def _deload(day: DraftDay) -> DraftDay:
    exercises = tuple(
        dataclasses.replace(e, sets=max(1, (e.sets + 1) // 2), notes=_note(e, WEEK_NOTES[4]))
        for e in day.exercises
    )
    return dataclasses.replace(day, exercises=exercises)


def _weeks(draft: Draft, request: GenerationInput, pool: Sequence[ExerciseChoice] | None) -> list[Draft]:
    catalog = by_id(pool or ())
    minutes = request.minutes_per_session if pool is not None else None
    two = dataclasses.replace(draft, days=tuple(_week_two(day, catalog) for day in draft.days))
    three = dataclasses.replace(draft, days=tuple(_week_three(day, catalog, minutes) for day in draft.days))
    four = dataclasses.replace(draft, days=tuple(_deload(day) for day in draft.days))
    return [draft, two, three, four]


def four_weeks(
    draft: Draft, request: GenerationInput, *, pool: Sequence[ExerciseChoice] | None = None
) -> dict[str, Any]:
    """The plan document (the seed's plan JSON, as stored) of four weeks from a checked draft. With the
    `pool` the draft was checked against, week 3 also adds a set to compound lifts where time allows."""
    weeks = _weeks(draft, request, pool)
    assert len(weeks) == PLAN_WEEKS
    notes = (
        f"{draft.progression_notes.strip()}\n\n{PROGRESSION_NOTES}" if draft.progression_notes.strip() else ""
    )
    if not notes or len(notes) > MAX_SUMMARY:
        notes = PROGRESSION_NOTES
    data = {
        "planSummary": draft.plan_summary[:MAX_SUMMARY],
        "weeks": [
            week_document(week, week_number=n, focus=FOCUS[n]) for n, week in enumerate(weeks, start=1)
        ],
        "nutritionTips": [tip for tip in draft.nutrition_tips if tip.strip()][:MAX_TIPS],
        "progressionNotes": notes,
    }
    return stored(parse_plan(data))
