"""The checker: plain sentences a model can act on, and the figures of the record."""

from __future__ import annotations

import dataclasses

from tests.ai.conftest import named, pool_for, request
from thrust.ai.checker import HARD_SETS, WARM_UP_MINUTES, check_draft
from thrust.ai.draft import Draft, DraftDay, DraftExercise
from thrust.ai.exercise_pool import ExerciseChoice

REQ = request(daysPerWeek=3, minutesPerSession=45)
POOL = pool_for(REQ)


def _ex(name: str, sets: int = 3, reps: str = "8-12", rest: int = 90) -> DraftExercise:
    choice: ExerciseChoice = named(name)
    return DraftExercise(choice.id, choice.name, sets, reps, rest)


def _good() -> Draft:
    legs = (_ex("Barbell Squat"), _ex("Leg Press", 2))
    push = (_ex("Barbell Bench Press - Medium Grip"), _ex("Pushups", 2, "10-15", 60))
    pull = (_ex("Pullups"), _ex("Seated Cable Rows"))
    return Draft(
        plan_summary="Three days",
        days=(DraftDay(1, "Legs", legs), DraftDay(3, "Push", push), DraftDay(5, "Pull", pull)),
    )


def test_a_sensible_draft_passes_with_its_figures() -> None:
    report = check_draft(_good(), REQ, POOL)
    assert report.ok, report.problems
    assert report.training_days == 3
    assert report.weekly_sets_by_muscle["quadriceps"] == 5
    assert report.weekly_sets_by_muscle["chest"] == 5
    # squat: 3 x (12 reps x 4 s + 90 s) = 414 s; leg press 2 x 138 = 276 s -> 690 s = 11.5 -> 12 min
    assert report.minutes_by_day[1] == WARM_UP_MINUTES + 12


def test_the_number_of_days_and_their_numbers_are_checked() -> None:
    draft = _good()
    four = dataclasses.replace(draft, days=(*draft.days, dataclasses.replace(draft.days[0], day_number=3)))
    problems = check_draft(four, REQ, POOL).problems
    assert "The week has 4 training days; it must have exactly 3 (the days per week asked for)." in problems
    assert "Day 3 appears twice: give each training day its own number." in problems
    eight = dataclasses.replace(
        draft, days=(dataclasses.replace(draft.days[0], day_number=8), *draft.days[1:])
    )
    assert any("Day number 8 is not a day of the week" in p for p in check_draft(eight, REQ, POOL).problems)


def test_exercises_outside_the_pool_or_misnamed_are_refused() -> None:
    knee = request(daysPerWeek=3, minutesPerSession=45, injuries="knee")
    draft = _good()
    wrong_name = dataclasses.replace(draft.days[2].exercises[0], name="Pull ups")
    unknown = DraftExercise("00000000-0000-0000-0000-000000000000", "Magic Press", 3, "8-12", 90)
    days = (draft.days[0], draft.days[1], DraftDay(5, "Pull", (wrong_name, unknown)))
    problems = check_draft(dataclasses.replace(draft, days=days), knee, pool_for(knee)).problems
    squat = named("Barbell Squat")
    assert not any("Barbell Squat" in p for p in problems)  # a partial squat is fine for a knee
    pullups = named("Pullups").id
    message = f"Day 5 (Pull), exercise 1 ('Pull ups'): id {pullups!r} is 'Pullups'; use that exact name."
    assert message in problems
    assert any(p.startswith("Day 5 (Pull), exercise 2 ('Magic Press'): id") for p in problems)
    full_squat = _ex("Barbell Full Squat")
    deep = dataclasses.replace(draft, days=(DraftDay(1, "Legs", (full_squat,)), *draft.days[1:]))
    problems = check_draft(deep, knee, pool_for(knee)).problems
    assert any("is not one of the allowed exercises" in p for p in problems), problems
    assert squat.id != full_squat.exercise_id


def test_sets_reps_and_rest_must_be_plausible() -> None:
    draft = _good()
    bad = (_ex("Barbell Squat", sets=12), _ex("Leg Press", reps="50"), _ex("Leg Extensions", reps="12-8"))
    worse = (*bad, _ex("Lying Leg Curls", rest=900), _ex("Barbell Squat"))
    problems = check_draft(
        dataclasses.replace(draft, days=(DraftDay(1, "Legs", worse), *draft.days[1:])), REQ, POOL
    )
    text = "\n".join(problems.problems)
    assert "Day 1 (Legs), exercise 1 ('Barbell Squat'): 12 sets; use 1 to 8." in text
    assert "exercise 2 ('Leg Press'): reps '50' is not plausible" in text
    assert "exercise 3 ('Leg Extensions'): reps '12-8' is not plausible" in text
    assert "exercise 4 ('Lying Leg Curls'): rest 900 s; use 0 to 300 seconds." in text
    assert "exercise 5 ('Barbell Squat') is already in this day: use it once." in text


def test_a_muscle_trained_hard_on_consecutive_days_is_refused_including_day_7_to_day_1() -> None:
    draft = _good()
    legs_again = DraftDay(2, "Legs again", (_ex("Leg Press", HARD_SETS),))
    adjacent = dataclasses.replace(draft, days=(draft.days[0], legs_again, draft.days[1]))
    problems = check_draft(adjacent, REQ, POOL).problems
    assert any(
        p.startswith("Quadriceps is trained hard on consecutive days: day 1 (5 sets) and day 2")
        for p in problems
    )
    light = DraftDay(2, "Legs again", (_ex("Leg Press", HARD_SETS - 1),))
    assert check_draft(dataclasses.replace(draft, days=(draft.days[0], light, draft.days[1])), REQ, POOL).ok
    wrapped = dataclasses.replace(draft, days=(*draft.days[1:], DraftDay(7, "Legs", (_ex("Leg Press", 4),))))
    problems = check_draft(wrapped, REQ, POOL).problems
    assert not any("consecutive" in p for p in problems)
    wrapped = dataclasses.replace(
        draft, days=(draft.days[0], draft.days[1], DraftDay(7, "Legs", (_ex("Leg Press", 4),)))
    )
    assert any("day 7 (4 sets) and day 1 (5 sets)" in p for p in check_draft(wrapped, REQ, POOL).problems)


def test_a_session_longer_than_asked_is_refused() -> None:
    draft = _good()
    long_day = DraftDay(
        1, "Legs", tuple(_ex(n, 4, "10-12", 180) for n in ("Barbell Squat", "Leg Press", "Lying Leg Curls"))
    )
    # 3 x 4 x (12 x 4 s + 180 s) = 2736 s = 46 minutes, after the warm-up
    problems = check_draft(dataclasses.replace(draft, days=(long_day, *draft.days[1:])), REQ, POOL).problems
    assert any(
        p.startswith("Day 1 (Legs) takes about 51 minutes") and "must fit in 45" in p for p in problems
    )


def test_the_documents_own_rules_are_reported_in_the_drafts_words() -> None:
    draft = _good()
    noted = dataclasses.replace(draft.days[0].exercises[0], notes="x" * 501)
    days = (DraftDay(1, "Legs", (noted,)), *draft.days[1:])
    problems = check_draft(dataclasses.replace(draft, days=days, nutrition_tips=("",)), REQ, POOL).problems
    assert "Day 1 (Legs), exercise 1 ('Barbell Squat'): Notes must be at most 500 characters." in problems
    assert "nutritionTips[0]: Tip is required." in problems
