"""The draft's JSON as a model writes it: its JSON schema (sent as structured output, or in the prompt) and
`parse_draft`, which turns an answer into a `Draft` or names every place it is wrong.

The schema is written by hand, in the subset OpenAI's strict structured output accepts (every property
required, `additionalProperties: false`, no `$ref`, no optional fields), which llama.cpp, vLLM and Ollama
also turn into a grammar. Its bounds are the plan document's (thrust/planner/document.py), so a draft that
parses here can become a plan. The parser is a little kinder than the schema, because in plain JSON mode
nothing forces the model's hand: it ignores extra keys, unwraps a ```json fence and reads reps written as
a number. Plausibility (days per week, weekly volume, session length, catalog ids) is the checker's.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from thrust.ai.draft import Draft, DraftDay, DraftExercise
from thrust.ai.errors import DraftFormatError
from thrust.planner.document import (
    DAYS_IN_WEEK,
    MAX_EXERCISES_PER_DAY,
    MAX_TIPS,
    REPS_RANGE,
    REST_RANGE,
    SETS_RANGE,
)

SCHEMA_NAME = "workout_week_draft"  # the json_schema's `name` (a-z, digits, _ and -)
REPS_PATTERN = "^[0-9]{1,3}(-[0-9]{1,3})?$"
MAX_PROBLEMS = 12  # more than this many problems: the model is better told the first ones


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _integer(low: int, high: int, description: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "description": description}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


EXERCISE_SCHEMA = _object(
    {
        "exerciseId": _string("The id of an exercise from the allowed list, copied exactly."),
        "name": _string("That exercise's name, as the allowed list gives it."),
        "sets": _integer(*SETS_RANGE, "Working sets."),
        "reps": {
            "type": "string",
            "pattern": REPS_PATTERN,
            "description": "Reps per set: a number or a range like 8-12 "
            f"({REPS_RANGE[0]} to {REPS_RANGE[1]}); for timed work write 1 and the time in notes.",
        },
        "rest": _integer(*REST_RANGE, "Rest between sets, in seconds."),
        "notes": _string("Short coaching cue, tempo or time; may be empty."),
    }
)

DAY_SCHEMA = _object(
    {
        "dayNumber": _integer(
            1, DAYS_IN_WEEK, "Day of the week, 1 to 7; the numbers left out are rest days."
        ),
        "title": _string("Short title, e.g. 'Full body A' or 'Upper body'."),
        "exercises": {"type": "array", "items": EXERCISE_SCHEMA, "description": "In order, compound first."},
    }
)

DRAFT_SCHEMA: dict[str, Any] = _object(
    {
        "planSummary": _string("Two or three sentences: the plan's aim and structure."),
        "days": {"type": "array", "items": DAY_SCHEMA, "description": "The training days of one week."},
        "nutritionTips": {
            "type": "array",
            "items": {"type": "string"},
            "description": f"Up to {MAX_TIPS} short, general nutrition tips.",
        },
        "progressionNotes": _string("How to progress over the following weeks, in plain words."),
    }
)


def response_format_json_schema() -> dict[str, Any]:
    """The `response_format` asking for structured output in the draft's schema."""
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "schema": DRAFT_SCHEMA, "strict": True},
    }


# -- parsing --------------------------------------------------------------------------------------------


def _reps_text(value: object) -> object:
    # A model in plain JSON mode often writes `"reps": 10`; the plan stores reps as text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _reps_in_range(value: str) -> str:
    numbers = [int(part) for part in value.split("-")]
    if not all(REPS_RANGE[0] <= number <= REPS_RANGE[1] for number in numbers):
        raise ValueError(f"reps must be {REPS_RANGE[0]} to {REPS_RANGE[1]}")
    if numbers != sorted(numbers):
        raise ValueError("a rep range goes from low to high, like 8-12")
    return value


def _text(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_text)]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)


class _Exercise(_Answer):
    exerciseId: Text = Field(min_length=1)
    name: Text
    sets: int = Field(ge=SETS_RANGE[0], le=SETS_RANGE[1])
    reps: Annotated[str, BeforeValidator(_reps_text), AfterValidator(_reps_in_range)] = Field(
        pattern=REPS_PATTERN
    )
    rest: int = Field(ge=REST_RANGE[0], le=REST_RANGE[1])
    notes: Text = ""


class _Day(_Answer):
    dayNumber: int = Field(ge=1, le=DAYS_IN_WEEK)
    title: Text
    exercises: list[_Exercise] = Field(min_length=1, max_length=MAX_EXERCISES_PER_DAY)


class _Draft(_Answer):
    planSummary: Text
    days: list[_Day] = Field(min_length=1, max_length=DAYS_IN_WEEK)
    nutritionTips: list[Text] = Field(default_factory=list, max_length=MAX_TIPS)
    progressionNotes: Text = ""


def _unfenced(text: str) -> str:
    """The answer without a Markdown code fence around it (models in JSON mode still add one)."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        if stripped.rstrip().endswith("```"):
            stripped = stripped.rstrip()[:-3]
    return stripped.strip()


def _path(location: tuple[int | str, ...]) -> str:
    """("days", 0, "exercises", 2, "sets") -> "days[0].exercises[2].sets"."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the answer)"


def _problem(error: Any) -> str:
    place = _path(tuple(error["loc"]))
    if error["type"] == "missing":
        return f"{place}: is missing"
    if error["type"] == "string_pattern_mismatch":
        return f"{place}: must be a number or a range like 8-12, not {error['input']!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{place}: {message[:1].lower()}{message[1:]}"


def parse_draft(text: str) -> Draft:
    """The draft in a model's answer; `DraftFormatError` (a `ProviderError` of kind `malformed`) names each
    problem with its path in the answer (`days[0].exercises[2].sets: ...`), ready for a repair round."""
    body = _unfenced(text or "")
    if not body:
        raise DraftFormatError(["the answer is empty: answer with the JSON object"])
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise DraftFormatError(
            [f"the answer is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"]
        ) from None
    if not isinstance(data, dict):
        raise DraftFormatError(["the answer must be one JSON object with planSummary, days, ..."])
    try:
        parsed = _Draft.model_validate(data)
    except ValidationError as exc:
        raise DraftFormatError([_problem(error) for error in exc.errors()[:MAX_PROBLEMS]]) from None
    return Draft(
        plan_summary=parsed.planSummary,
        days=tuple(
            DraftDay(
                day_number=day.dayNumber,
                title=day.title,
                exercises=tuple(
                    DraftExercise(
                        exercise_id=exercise.exerciseId,
                        name=exercise.name,
                        sets=exercise.sets,
                        reps=exercise.reps,
                        rest=exercise.rest,
                        notes=exercise.notes,
                    )
                    for exercise in day.exercises
                ),
            )
            for day in parsed.days
        ),
        nutrition_tips=tuple(tip for tip in parsed.nutritionTips if tip),
        progression_notes=parsed.progressionNotes,
    )
