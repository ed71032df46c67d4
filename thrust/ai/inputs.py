"""Reading what a trainer asks the AI planner for (the seed's camelCase JSON) into a `GenerationInput`.

One reader for every door (the API's body, the planner form's state): every bad field is named at once,
in words a trainer understands. The injuries text is kept as typed (trimmed, spaces collapsed): it is
data for the exercise filter and the model's delimited field, never an instruction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrust.ai.draft import (
    AGE_RANGE,
    DAYS_PER_WEEK_RANGE,
    MAX_INJURIES_TEXT,
    SESSION_MINUTES,
    EquipmentAccess,
    FitnessLevel,
    GenerationInput,
    Goal,
)
from thrust.core.validation import UNSTORABLE_TEXT, FieldReader, is_storable
from thrust.members.service import GENDERS

# The member profile's words for gender, and "not given" (the profile may have none).
GENDER_CHOICES = (*GENDERS, "unspecified")
GENDER_MESSAGE = "Gender must be male, female, other or unspecified"
GOALS_REQUIRED = "Choose at least one goal"
GOALS_MESSAGE = f"Goals must be among {', '.join(goal.value for goal in Goal)}"
MINUTES_MESSAGE = f"Minutes per session must be {', '.join(str(m) for m in SESSION_MINUTES[:-1])} or " + str(
    SESSION_MINUTES[-1]
)
INJURIES_MESSAGE = f"Injuries must be text of at most {MAX_INJURIES_TEXT} characters"


def _choice(reader: FieldReader, field: str, label: str, options: tuple[str, ...]) -> str | None:
    """One of `options` in any case; a problem naming them when the value is missing or another one."""
    value = reader.data.get(field)
    message = f"{label} must be one of {', '.join(options)}"
    if value is None or (isinstance(value, str) and not value.strip()):
        reader.fail(field, f"{label} is required")
        return None
    if not isinstance(value, str) or value.strip().lower() not in options:
        reader.fail(field, message)
        return None
    return value.strip().lower()


def _gender(reader: FieldReader) -> str:
    value = reader.data.get("gender")
    if value is None or (isinstance(value, str) and not value.strip()):
        return "unspecified"  # the profile may not say; the planner does not need it
    if not isinstance(value, str) or value.strip().lower() not in GENDER_CHOICES:
        reader.fail("gender", GENDER_MESSAGE)
        return "unspecified"
    return value.strip().lower()


def _goals(reader: FieldReader) -> tuple[Goal, ...]:
    """A list of goal values (the first is the main one), each once; a single value is a list of one."""
    value = reader.data.get("goals")
    if isinstance(value, str):
        value = [value]
    if value is None or value == []:
        reader.fail("goals", GOALS_REQUIRED)
        return ()
    if not isinstance(value, list | tuple) or len(value) > 2 * len(Goal):
        reader.fail("goals", GOALS_MESSAGE)
        return ()
    goals: list[Goal] = []
    for item in value:
        if not isinstance(item, str) or item.strip().lower() not in set(Goal):
            reader.fail("goals", GOALS_MESSAGE)
            return ()
        goals.append(Goal(item.strip().lower()))
    return tuple(dict.fromkeys(goals))


def _minutes(reader: FieldReader) -> int | None:
    value = reader.data.get("minutesPerSession")
    if value is None or value == "":
        reader.fail("minutesPerSession", "Minutes per session is required")
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in SESSION_MINUTES:
        reader.fail("minutesPerSession", MINUTES_MESSAGE)
        return None
    return value


def _injuries(reader: FieldReader) -> str:
    value = reader.data.get("injuries")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_INJURIES_TEXT:
        reader.fail("injuries", INJURIES_MESSAGE)
        return ""
    if not is_storable(value):
        reader.fail("injuries", UNSTORABLE_TEXT)
        return ""
    return " ".join(value.split())


def parse_input(data: Mapping[str, Any]) -> GenerationInput:
    """The request as the API's body or the planner form sends it: age, gender, currentFitnessLevel,
    goals, daysPerWeek, minutesPerSession, equipment, injuries. ValidationFailed names every bad field."""
    reader = FieldReader(data)
    age = reader.integer("age", "Age", minimum=AGE_RANGE[0], maximum=AGE_RANGE[1], required=True)
    gender = _gender(reader)
    level = _choice(reader, "currentFitnessLevel", "Fitness level", tuple(FitnessLevel))
    goals = _goals(reader)
    days = reader.integer(
        "daysPerWeek",
        "Days per week",
        minimum=DAYS_PER_WEEK_RANGE[0],
        maximum=DAYS_PER_WEEK_RANGE[1],
        required=True,
    )
    minutes = _minutes(reader)
    equipment = _choice(reader, "equipment", "Equipment", tuple(EquipmentAccess))
    injuries = _injuries(reader)
    reader.raise_if_problems()
    assert age is not None and level and goals and days is not None and minutes is not None and equipment
    return GenerationInput(
        age=age,
        gender=gender,
        level=FitnessLevel(level),
        goals=goals,
        days_per_week=days,
        minutes_per_session=minutes,
        equipment=EquipmentAccess(equipment),
        injuries=injuries,
    )


def input_json(request: GenerationInput) -> dict[str, Any]:
    """The request as the seed's JSON (what a generated plan stores as its inputs)."""
    return {
        "age": request.age,
        "gender": request.gender,
        "currentFitnessLevel": request.level.value,
        "goals": [goal.value for goal in request.goals],
        "daysPerWeek": request.days_per_week,
        "minutesPerSession": request.minutes_per_session,
        "equipment": request.equipment.value,
        "injuries": request.injuries,
    }
