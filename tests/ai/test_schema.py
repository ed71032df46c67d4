"""The draft's JSON schema (strict structured output's subset) and the parser's messages, which name the
place in the answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.fake_openai import draft_json
from thrust.ai.draft import Draft
from thrust.ai.errors import DraftFormatError, ProviderError
from thrust.ai.schema import DRAFT_SCHEMA, parse_draft

PAIRS = [(f"id-{n}", f"Exercise {n}") for n in range(8)]


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = [schema] if schema.get("type") == "object" else []
    for value in schema.get("properties", {}).values():
        found += _objects(value)
    if "items" in schema:
        found += _objects(schema["items"])
    return found


def test_the_schema_fits_strict_structured_output() -> None:
    objects = _objects(DRAFT_SCHEMA)
    assert len(objects) == 3  # the draft, a day, an exercise
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    assert "$ref" not in json.dumps(DRAFT_SCHEMA)
    assert list(DRAFT_SCHEMA["properties"]) == ["planSummary", "days", "nutritionTips", "progressionNotes"]


def _problems(data: object) -> tuple[str, ...]:
    with pytest.raises(DraftFormatError) as caught:
        parse_draft(data if isinstance(data, str) else json.dumps(data))
    assert isinstance(caught.value, ProviderError) and caught.value.kind == "malformed"
    return caught.value.problems


def test_a_good_answer_becomes_a_draft() -> None:
    data = draft_json(PAIRS, days=4)
    data["days"][0]["exercises"][0]["reps"] = 10  # plain JSON mode's habit
    data["days"][0]["extra"] = "ignored"

    draft = parse_draft("```json\n" + json.dumps(data) + "\n```")

    assert isinstance(draft, Draft)
    assert [day.day_number for day in draft.days] == [1, 3, 5, 6]
    first = draft.days[0].exercises[0]
    assert (first.exercise_id, first.name, first.sets, first.reps, first.rest) == (
        "id-0",
        "Exercise 0",
        3,
        "10",
        90,
    )
    assert draft.nutrition_tips == ("Eat protein with every meal.", "Drink water through the day.")


def test_problems_name_their_path() -> None:
    data = draft_json(PAIRS, days=3)
    data["days"][1]["exercises"][2]["rest"] = 900
    data["days"][2]["exercises"][0]["reps"] = "30s"
    data["days"][2]["exercises"][1]["reps"] = "12-8"
    del data["planSummary"]

    problems = _problems(data)

    assert problems == (
        "planSummary: is missing",
        "days[1].exercises[2].rest: input should be less than or equal to 600",
        "days[2].exercises[0].reps: must be a number or a range like 8-12, not '30s'",
        "days[2].exercises[1].reps: a rep range goes from low to high, like 8-12",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the answer is empty: answer with the JSON object"),
        (
            '{"planSummary": "x", ',
            "the answer is not valid JSON (Expecting property name enclosed in double quotes",
        ),
        ("[1, 2]", "the answer must be one JSON object"),
        (
            '{"planSummary": "x", "days": []}',
            "days: list should have at least 1 item after validation, not 0",
        ),
    ],
)
def test_unusable_answers(text: str, problem: str) -> None:
    assert _problems(text)[0].startswith(problem)
