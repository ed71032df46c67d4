"""Reading the request: every bad field named at once, in words a trainer understands."""

from __future__ import annotations

import pytest

from tests.ai.conftest import body
from thrust.ai.draft import EquipmentAccess, FitnessLevel, Goal
from thrust.ai.inputs import input_json, parse_input
from thrust.core.errors import ValidationFailed


def _problems(**fields: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_input(body(**fields))
    return {p.field: p.message for p in caught.value.details}


def test_a_valid_request_is_read_with_its_values() -> None:
    req = parse_input(
        body(goals=["strength", "flexibility"], currentFitnessLevel="Advanced", injuries="  sore   knee ")
    )
    assert req.level is FitnessLevel.ADVANCED
    assert req.goals == (Goal.STRENGTH, Goal.FLEXIBILITY)
    assert req.equipment is EquipmentAccess.FULL_GYM
    assert (req.days_per_week, req.minutes_per_session, req.age) == (4, 60, 34)
    assert req.injuries == "sore knee"
    assert input_json(req)["goals"] == ["strength", "flexibility"]


def test_numbers_as_text_a_single_goal_and_no_gender_are_accepted() -> None:
    req = parse_input(body(age="40", daysPerWeek="5", minutesPerSession="45", goals="endurance", gender=""))
    assert (req.age, req.days_per_week, req.minutes_per_session) == (40, 5, 45)
    assert req.goals == (Goal.ENDURANCE,)
    assert req.gender == "unspecified"


def test_every_bad_field_is_named_at_once() -> None:
    problems = _problems(
        age=17,
        gender="robot",
        currentFitnessLevel="elite",
        goals=["get_huge"],
        daysPerWeek=8,
        minutesPerSession=50,
        equipment="garage",
        injuries="x" * 501,
    )
    assert problems == {
        "age": "Age must be a whole number from 18 to 100",
        "gender": "Gender must be male, female, other or unspecified",
        "currentFitnessLevel": "Fitness level must be one of beginner, intermediate, advanced",
        "goals": "Goals must be among weight_loss, muscle_gain, endurance, flexibility, strength",
        "daysPerWeek": "Days per week must be a whole number from 3 to 7",
        "minutesPerSession": "Minutes per session must be 30, 45, 60 or 90",
        "equipment": "Equipment must be one of home_bodyweight, home_basic, full_gym",
        "injuries": "Injuries must be text of at most 500 characters",
    }


def test_missing_fields_are_required() -> None:
    problems = _problems(
        age=None, currentFitnessLevel=None, goals=[], daysPerWeek=None, minutesPerSession=None
    )
    assert problems["age"] == "Age is required"
    assert problems["currentFitnessLevel"] == "Fitness level is required"
    assert problems["goals"] == "Choose at least one goal"
    assert problems["daysPerWeek"] == "Days per week is required"
    assert problems["minutesPerSession"] == "Minutes per session is required"


@pytest.mark.parametrize("age", [True, 100.5, "abc", 101])
def test_an_age_that_is_not_a_whole_number_in_range_is_refused(age: object) -> None:
    assert "age" in _problems(age=age)


def test_unstorable_injuries_text_is_refused() -> None:
    assert "injuries" in _problems(injuries="knee\x00")
