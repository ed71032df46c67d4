"""The planner's edits to a plan being written: each leaves the document as the seed's JSON, and the checks
name what is wrong at the place the page shows it."""

from __future__ import annotations

import pytest

from thrust.planner import editing
from thrust.planner.document import parse_plan


def _filled() -> editing.Document:
    doc = editing.blank_document(weeks=1, days=(1, 3))
    doc = editing.add_exercise(doc, 0, 0, "Barbell Squat", None)
    doc = editing.add_exercise(doc, 0, 0, "Plank", None)
    return editing.add_exercise(doc, 0, 1, "Pullups", None)


def test_a_blank_plan_says_each_day_needs_an_exercise() -> None:
    problems = editing.problems_of(editing.blank_document())
    assert problems == {
        f"{w}.{d}.exercises": "A day needs at least one exercise" for w in range(4) for d in range(3)
    }


def test_a_filled_week_is_a_valid_plan_in_the_seeds_shape() -> None:
    doc = _filled()
    assert editing.problems_of(doc) == {}
    plan = parse_plan(doc)
    assert [e.name for e in plan.weeks[0].days[0].exercises] == ["Barbell Squat", "Plank"]
    assert plan.weeks[0].days[0].exercises[0].reps == "8-12"


def test_typed_values_are_checked_where_they_stand() -> None:
    doc = editing.set_exercise_field(_filled(), 0, 0, 1, "sets", "11")
    doc = editing.set_exercise_field(doc, 0, 0, 1, "rest", "ninety")
    doc = editing.set_exercise_field(doc, 0, 1, 0, "reps", "8-12-16")
    assert editing.problems_of(doc) == {
        "0.0.1.sets": "Sets must be a whole number from 1 to 10",
        "0.0.1.rest": "Rest must be 0 to 600 seconds",
        "0.1.0.reps": "Reps must be a number from 1 to 100, or a range like 8-12",
    }
    fixed = editing.set_exercise_field(doc, 0, 0, 1, "sets", " 4 ")
    assert fixed["weeks"][0]["days"][0]["exercises"][1]["sets"] == 4
    assert "0.0.1.sets" not in editing.problems_of(fixed)


def test_only_the_known_fields_can_be_set() -> None:
    with pytest.raises(ValueError):
        editing.set_exercise_field(_filled(), 0, 0, 0, "exerciseId", "x")


def test_moving_an_exercise_within_and_across_days() -> None:
    doc = editing.move_exercise(_filled(), 0, 0, 1, 0, 0)
    assert [e["name"] for e in doc["weeks"][0]["days"][0]["exercises"]] == ["Plank", "Barbell Squat"]
    doc = editing.move_exercise(doc, 0, 0, 0, 1, 99)
    assert [e["name"] for e in doc["weeks"][0]["days"][1]["exercises"]] == ["Pullups", "Plank"]


def test_a_swap_keeps_the_prescription() -> None:
    doc = editing.set_exercise_field(_filled(), 0, 0, 0, "reps", "5")
    doc = editing.swap_exercise(doc, 0, 0, 0, "Front Squat", "abc")
    swapped = doc["weeks"][0]["days"][0]["exercises"][0]
    assert (swapped["name"], swapped["exerciseId"], swapped["reps"]) == ("Front Squat", "abc", "5")


def test_a_week_is_copied_forward_only_when_it_is_complete() -> None:
    doc = editing.blank_document(weeks=2, days=(1,))
    with pytest.raises(ValueError, match="this week first"):
        editing.copy_forward(doc, 0)
    doc = editing.add_exercise(doc, 0, 0, "Plank", None)
    copied = editing.copy_forward(doc, 0)  # week 2 is still empty: copying week 1 over it is fine
    assert copied["weeks"][1] == {**doc["weeks"][0], "weekNumber": 2}
    added = editing.copy_forward(copied, 1)
    assert [w["weekNumber"] for w in added["weeks"]] == [1, 2, 3]
    assert editing.problems_of(added) == {}


def test_days_are_added_on_free_days_in_order_and_a_week_holds_seven() -> None:
    doc = editing.add_day(editing.blank_document(weeks=1, days=(1, 3)), 0)
    assert [d["dayNumber"] for d in doc["weeks"][0]["days"]] == [1, 2, 3]
    for _ in range(4):
        doc = editing.add_day(doc, 0)
    assert editing.free_days(doc, 0) == []
    with pytest.raises(ValueError, match="at most 7 days"):
        editing.add_day(doc, 0)


def test_a_day_used_twice_is_named() -> None:
    doc = editing.set_day_number(_filled(), 0, 1, 1)
    assert editing.problems_of(doc) == {"0.1.dayNumber": "Day 1 is already in week 1"}


def test_plan_texts_and_tips() -> None:
    doc = editing.set_tips(
        editing.set_text(_filled(), "planSummary", "Strength"), "Eat protein\n\n  Sleep  \n"
    )
    assert (doc["planSummary"], doc["nutritionTips"]) == ("Strength", ["Eat protein", "Sleep"])
    with pytest.raises(ValueError):
        editing.set_text(doc, "weeks", "x")
