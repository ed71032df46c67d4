"""The plan document's rules: every problem named by its JSON path with the planner's own message, the
seed's formats read and stored as the seed has them, and a week copied forward."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.planner.plans import exercise, plan_document
from thrust.core.errors import ValidationFailed
from thrust.planner import document as doc
from thrust.planner.schemas import PLAN_DOCUMENT_SCHEMA


def problems(data: Any) -> dict[str, str]:
    return {p.field: p.message for p in doc.plan_problems(data)}


def test_a_valid_plan_has_no_problems_and_is_stored_in_the_seeds_shape() -> None:
    data = plan_document(weeks=4, days=7, exercises=10)
    data["weeks"][0]["days"][0]["exercises"][0] |= {"reps": 12, "rest": "60s"}
    data["weeks"][0]["days"][0]["exercises"][1] |= {"reps": " 8 - 12 ", "rest": "2 min"}
    data["weeks"][0]["days"][0]["exercises"][2] |= {"exerciseId": "3F2B8C1E-0000-4000-8000-00000000BEEF"}
    assert problems(data) == {}
    saved = doc.stored(doc.parse_plan(data))
    first, second, third = saved["weeks"][0]["days"][0]["exercises"][:3]
    assert (first["reps"], first["rest"]) == ("12", 60)  # reps as text (the seed's), rest in seconds
    assert (second["reps"], second["rest"]) == ("8-12", 120)
    assert third["exerciseId"] == "3f2b8c1e-0000-4000-8000-00000000beef" and "exerciseId" not in first
    assert set(saved) == {"planSummary", "weeks", "nutritionTips", "progressionNotes"}
    assert doc.parse_plan(saved) == doc.parse_plan(data)  # what is stored reads back the same


def test_each_broken_rule_is_named_by_its_json_path_with_a_message_a_trainer_understands() -> None:
    data = plan_document(weeks=3, days=3, exercises=4)
    day = data["weeks"][1]["days"][0]["exercises"]
    day[2]["sets"] = 11
    day[1]["reps"] = "12-8"
    day[3]["rest"] = 601
    day[0]["reps"] = "many"
    data["weeks"][0]["days"][2]["exercises"] = []
    data["weeks"][2]["days"][1]["exercises"][0]["kg"] = 40
    del data["weeks"][2]["days"][1]["exercises"][1]["name"]
    data["weeks"][2]["days"][2]["exercises"][0]["name"] = "   "
    data["weeks"][2]["days"][2]["exercises"][1]["notes"] = "x" * 501
    assert problems(data) == {
        "weeks[1].days[0].exercises[2].sets": "Sets must be a whole number from 1 to 10",
        "weeks[1].days[0].exercises[1].reps": "A rep range goes from low to high, like 8-12",
        "weeks[1].days[0].exercises[3].rest": "Rest must be 0 to 600 seconds",
        "weeks[1].days[0].exercises[0].reps": "Reps must be a number from 1 to 100, or a range like 8-12",
        "weeks[0].days[2].exercises": "A day needs at least one exercise",
        "weeks[2].days[1].exercises[0].kg": "Unknown field",
        "weeks[2].days[1].exercises[1].name": "Exercise name is required",
        "weeks[2].days[2].exercises[0].name": "Exercise name is required",
        "weeks[2].days[2].exercises[1].notes": "Notes must be at most 500 characters",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sets", 0, "Sets must be a whole number from 1 to 10"),
        ("sets", 2.5, "Sets must be a whole number from 1 to 10"),
        ("sets", True, "Sets must be a whole number from 1 to 10"),
        ("sets", "3", "Sets must be a whole number from 1 to 10"),
        ("reps", 0, "Reps must be a number from 1 to 100, or a range like 8-12"),
        ("reps", "8-101", "Reps must be a number from 1 to 100, or a range like 8-12"),
        ("reps", "8-12-15", "Reps must be a number from 1 to 100, or a range like 8-12"),
        ("rest", -1, "Rest must be 0 to 600 seconds"),
        ("rest", "11 min", "Rest must be 0 to 600 seconds"),
        ("rest", "a while", "Rest must be 0 to 600 seconds"),
        ("exerciseId", "squat", "Not a valid exercise id (a UUID like 3f2b8c1e-...)"),
        ("name", "x" * 121, "Exercise name must be at most 120 characters"),
        ("name", 7, "Exercise name must be text"),
        ("name", "Squat\x00", "Contains a character that cannot be stored (a NUL or an unpaired surrogate)"),
    ],
)
def test_an_exercise_field_out_of_its_range(field: str, value: Any, message: str) -> None:
    data = plan_document(weeks=1, days=1, exercises=1)
    data["weeks"][0]["days"][0]["exercises"][0][field] = value
    assert problems(data) == {f"weeks[0].days[0].exercises[0].{field}": message}


@pytest.mark.parametrize(
    ("sets", "reps", "rest"), [(1, 1, 0), (10, 100, 600), (10, "1-100", "600s"), (3.0, 5.0, 60.0)]
)
def test_the_edges_of_each_range_are_allowed(sets: Any, reps: Any, rest: Any) -> None:
    data = plan_document(weeks=1, days=1, exercises=1)
    data["weeks"][0]["days"][0]["exercises"][0] |= {"sets": sets, "reps": reps, "rest": rest}
    assert problems(data) == {}


def test_weeks_days_and_their_numbers() -> None:
    assert problems(plan_document(weeks=4)) == {}
    assert problems(plan_document(weeks=5)) == {"weeks": "A plan has 1 to 4 weeks"}
    assert problems({"weeks": []}) == {"weeks": "A plan needs at least one week"}
    assert problems({}) == {"weeks": "A plan needs at least one week"}
    assert problems([]) == {"plan": "Must be an object"}
    data = plan_document(weeks=3, days=3)
    data["weeks"][1]["weekNumber"] = 3
    data["weeks"][0]["days"][2]["dayNumber"] = 1
    data["weeks"][2]["days"][0]["dayNumber"] = 8
    data["weeks"][2]["days"].append("rest")
    assert problems(data) == {
        "weeks[2].days[0].dayNumber": "Day number must be a whole number from 1 to 7",
        "weeks[2].days[3]": "Must be an object",
    }
    del data["weeks"][2]["days"][3]
    data["weeks"][2]["days"][0]["dayNumber"] = 7
    assert problems(data) == {
        "weeks[1].weekNumber": "Weeks are numbered 1 to 4 in order: this is week 2",
        "weeks[0].days[2].dayNumber": "Day 1 is already in week 1",
    }
    week = plan_document(weeks=1, days=7)
    assert problems(week) == {}
    week["weeks"][0]["days"].append(copy.deepcopy(week["weeks"][0]["days"][0]))
    assert problems(week) == {"weeks[0].days": "A week has 1 to 7 days"}


def test_twenty_exercises_a_day_and_ten_tips_at_most() -> None:
    data = plan_document(weeks=1, days=1, exercises=20)
    data["nutritionTips"] = ["Water"] * 10
    assert problems(data) == {}
    data["weeks"][0]["days"][0]["exercises"].append(exercise())
    data["nutritionTips"].append("More water")
    assert problems(data) == {
        "weeks[0].days[0].exercises": "A day has at most 20 exercises",
        "nutritionTips": "At most 10 nutrition tips",
    }


def test_problems_carry_the_prefix_of_the_field_that_holds_the_plan() -> None:
    data = plan_document(weeks=2)
    data["weeks"][1]["days"][0]["exercises"][1]["sets"] = 0
    with pytest.raises(ValidationFailed) as refused:
        doc.parse_plan(data, at="planData")
    assert [(p.field, p.message) for p in refused.value.details] == [
        ("planData.weeks[1].days[0].exercises[1].sets", "Sets must be a whole number from 1 to 10")
    ]


def test_a_week_copied_forward_replaces_the_next_week_or_becomes_it() -> None:
    plan = doc.parse_plan(plan_document(weeks=2, days=2))
    copied = doc.copy_week_forward(plan, 1)
    assert [w.week_number for w in copied.weeks] == [1, 2]
    assert copied.weeks[1].days == plan.weeks[0].days and copied.weeks[1].focus == "Week 1 focus"
    grown = doc.copy_week_forward(copied, 2)
    assert [w.week_number for w in grown.weeks] == [1, 2, 3] and grown.weeks[2].days == plan.weeks[0].days
    assert doc.plan_problems(doc.stored(grown)) == []
    assert plan.weeks[1].focus == "Week 2 focus"  # the original is untouched
    full = doc.parse_plan(plan_document(weeks=4))
    for week, message in ((4, doc.LAST_WEEK_MESSAGE), (5, "This plan has no week 5")):
        with pytest.raises(ValidationFailed) as refused:
            doc.copy_week_forward(full if week == 4 else plan, week)
        assert refused.value.details[0].message == message


def test_logged_exercises() -> None:
    logged = doc.parse_logged([{"exerciseIndex": 0, "actualSets": 3, "actualReps": 10, "loadKg": 42.556}])
    assert logged[0].load_kg == 42.56 and logged[0].notes == ""
    with pytest.raises(ValidationFailed) as refused:
        doc.parse_logged([{"exerciseIndex": 20}, {"exerciseIndex": 1, "loadKg": -1, "actualSets": 21}, {}])
    assert {p.field: p.message for p in refused.value.details} == {
        "exercises[0].exerciseIndex": "Exercise index must be a whole number from 0 to 19",
        "exercises[1].loadKg": "Load must be 0 to 1000 kg",
        "exercises[1].actualSets": "Sets done must be a whole number from 0 to 20",
        "exercises[2].exerciseIndex": "Exercise index is required",
    }


def test_the_documents_schema_states_the_ranges_it_can() -> None:
    schema = PLAN_DOCUMENT_SCHEMA
    week = schema["properties"]["weeks"]
    exercise_schema = week["items"]["properties"]["days"]["items"]["properties"]["exercises"]["items"]
    assert (week["minItems"], week["maxItems"], schema["additionalProperties"]) == (1, 4, False)
    assert exercise_schema["properties"]["sets"] | {"title": ""} == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10,
        "title": "",
    }
    assert exercise_schema["required"] == ["name", "sets", "reps", "rest"]
    assert "$ref" not in str(schema) and "$defs" not in schema
