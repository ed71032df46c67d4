"""The AI planner's tests' helpers: a local OpenAI-compatible server and a config pointing at it; requests
and allowed exercises, made up for the prompt's tests or from the shipped catalog (no database needed)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.fake_openai import FakeOpenAI
from thrust.ai.draft import EquipmentAccess, FitnessLevel, GenerationInput, Goal
from thrust.ai.exercise_pool import ExerciseChoice, filter_exercises, shipped_exercises
from thrust.ai.inputs import parse_input
from thrust.ai.model_client import ModelConfig
from thrust.core.settings import get_settings


@dataclass(frozen=True)
class Choice:
    """An allowed exercise as exercise_pool.py's ExerciseChoice has it."""

    id: str
    name: str
    level: str = "beginner"
    equipment: str = "dumbbell"
    category: str = "strength"
    mechanic: str | None = "compound"
    force: str | None = "push"
    primary_muscles: tuple[str, ...] = ("chest",)
    secondary_muscles: tuple[str, ...] = ()


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeOpenAI]:
    """One server for the session (starting one takes milliseconds, but there is no need)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_openai(fake_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The local server with an empty script and no recorded requests."""
    fake_server.reset()
    yield fake_server
    fake_server.reset()


@pytest.fixture
def model_config(fake_openai: FakeOpenAI) -> ModelConfig:
    # A fresh model name per test: the client remembers servers that refused structured output.
    return ModelConfig(
        base_url=fake_openai.base_url,
        api_key=fake_openai.api_key,
        model=f"fake-model-{uuid.uuid4().hex[:8]}",
        timeout=5.0,
    )


@pytest.fixture
def choices() -> list[Choice]:
    return [
        Choice(str(uuid.uuid4()), "Dumbbell Bench Press", primary_muscles=("chest", "triceps")),
        Choice(str(uuid.uuid4()), "Goblet Squat", primary_muscles=("quadriceps",), force="push"),
        Choice(str(uuid.uuid4()), "One-Arm Dumbbell Row", primary_muscles=("middle back",), force="pull"),
        Choice(str(uuid.uuid4()), "Romanian Deadlift", primary_muscles=("hamstrings",), force="pull"),
        Choice(str(uuid.uuid4()), "Plank", equipment="none", primary_muscles=("abdominals",), mechanic=None),
        Choice(str(uuid.uuid4()), "Lateral Raise", primary_muscles=("shoulders",), mechanic="isolation"),
    ]


def request_for(injuries: str = "", days: int = 3) -> GenerationInput:
    return GenerationInput(
        age=34,
        gender="female",
        level=FitnessLevel.BEGINNER,
        goals=(Goal.MUSCLE_GAIN, Goal.STRENGTH),
        days_per_week=days,
        minutes_per_session=45,
        equipment=EquipmentAccess.HOME_BASIC,
        injuries=injuries,
    )


@pytest.fixture
def request_input() -> GenerationInput:
    return request_for()


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


@pytest.fixture
def with_model(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """THRUST configured to ask the local server (the settings read afresh)."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", fake_openai.api_key or "")
    monkeypatch.setenv("OPENAI_MODEL", "fake-model")
    get_settings.cache_clear()
    yield fake_openai
    get_settings.cache_clear()
