"""The AI planner's tests' helpers: requests and pools from the shipped catalog (no database needed)."""

from __future__ import annotations

from typing import Any

from thrust.ai.draft import GenerationInput
from thrust.ai.exercise_pool import ExerciseChoice, filter_exercises, shipped_exercises
from thrust.ai.inputs import parse_input


def body(**fields: Any) -> dict[str, Any]:
    """A valid request body (the seed's camelCase JSON), with `fields` changed."""
    data: dict[str, Any] = {
        "age": 34,
        "gender": "female",
        "currentFitnessLevel": "intermediate",
        "goals": ["muscle_gain"],
        "daysPerWeek": 4,
        "minutesPerSession": 60,
        "equipment": "full_gym",
        "injuries": "",
    }
    data.update(fields)
    return data


def request(**fields: Any) -> GenerationInput:
    return parse_input(body(**fields))


def pool_for(req: GenerationInput) -> list[ExerciseChoice]:
    return filter_exercises(shipped_exercises(), req)


def named(name: str) -> ExerciseChoice:
    """The shipped catalog's exercise of this name."""
    return next(e for e in shipped_exercises() if e.name == name)
