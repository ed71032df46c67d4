"""`POST /api/v1/ai/generate-workout` over HTTP: the offline planner by default, the configured model (a
local OpenAI-compatible server) otherwise, the month's budget, the seed's errors, who may call it, and the
hourly limit per trainer."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.ai.conftest import body as request_body
from tests.ai.test_generation import _passing_answer
from tests.planner.conftest import Gym
from tests.planner.test_plans_api import Doors
from tests.support import fake_openai as fake
from thrust.ai import generation
from thrust.ai.api import router
from thrust.ai.service import PLANS_PER_HOUR
from thrust.core.http import create_api
from thrust.core.ratelimit import get_rate_limiter
from thrust.gym.service import get_gym
from thrust.models import AIUsageLog, WorkoutPlan

GENERATE = "/api/v1/ai/generate-workout"


@pytest.fixture
def gym(db: Session) -> Gym:
    return Gym(db)


@pytest.fixture
def doors(gym: Gym) -> Doors:
    return Doors(gym)


@pytest.fixture
def client(make_client: Callable, db: Session) -> Iterator[TestClient]:
    get_rate_limiter().reset()
    yield make_client(create_api([router]))
    get_rate_limiter().reset()


def body(gym: Gym, **fields: Any) -> dict[str, Any]:
    """The AI tests' valid request, for Ana (the coach's member)."""
    return request_body(**{"memberId": str(gym.ana.id), **fields})


def test_the_offline_planner_answers_by_default_and_the_plan_waits_for_review(
    client: TestClient, gym: Gym, doors: Doors, db: Session
) -> None:
    answer = client.post(GENERATE, json=body(gym, injuries="sore left knee"), headers=doors.coach)
    assert answer.status_code == 201, answer.text
    data = answer.json()["data"]
    assert data["metadata"]["provider"] == generation.OFFLINE and data["metadata"]["tokens"] == 0
    assert data["metadata"]["stages"] == [generation.OFFLINE_PLANNING]
    plan = data["plan"]
    assert (plan["isAiGenerated"], plan["isActive"], plan["memberName"]) == (True, False, "Ana Ruiz")
    assert plan["inputParams"]["injuries"] == "sore left knee" and len(plan["planData"]["weeks"]) == 4
    stored = db.get(WorkoutPlan, uuid.UUID(plan["id"]))
    assert stored is not None and stored.generation and stored.generation["report"]["problems"] == []
    assert db.exec(select(AIUsageLog)).all() == []  # the offline planner costs nothing


def test_the_configured_model_answers_and_each_call_is_logged(
    client: TestClient, gym: Gym, doors: Doors, db: Session, with_model: fake.FakeOpenAI
) -> None:
    with_model.script(fake.malformed(), fake.text(_passing_answer(daysPerWeek=4, minutesPerSession=60)))
    answer = client.post(GENERATE, json=body(gym, isActive=True), headers=doors.coach)
    assert answer.status_code == 201, answer.text
    meta = answer.json()["data"]["metadata"]
    assert (meta["provider"], meta["model"], meta["repairs"]) == (
        generation.MODEL,
        "fake-model",
        1,
    )  # the model that answered
    assert meta["tokens"] > 0 and meta["promptVersion"]
    assert answer.json()["data"]["plan"]["isActive"] is True
    logs = db.exec(select(AIUsageLog)).all()
    assert len(logs) == 2 and all(log.endpoint == "generate-workout" and log.tokens_used > 0 for log in logs)


def test_a_spent_budget_sends_the_request_to_the_offline_planner_and_says_so(
    client: TestClient, gym: Gym, doors: Doors, db: Session, with_model: fake.FakeOpenAI
) -> None:
    get_gym(db).ai_monthly_budget_usd = 0.0
    db.flush()
    answer = client.post(GENERATE, json=body(gym), headers=doors.coach)
    assert answer.status_code == 201, answer.text
    meta = answer.json()["data"]["metadata"]
    assert meta["provider"] == generation.OFFLINE and "budget" in meta["notice"]
    assert with_model.completions == []


def test_bad_input_gets_the_seeds_error_and_stores_nothing(
    client: TestClient, gym: Gym, doors: Doors, db: Session
) -> None:
    answer = client.post(GENERATE, json=body(gym, daysPerWeek=9, goals=[]), headers=doors.coach)
    assert answer.status_code == 422  # refused by the document's schema, in the seed's error shape
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in error["details"]} >= {"daysPerWeek", "goals"}
    assert db.exec(select(WorkoutPlan)).all() == []


def test_who_may_generate(client: TestClient, gym: Gym, doors: Doors) -> None:
    assert client.post(GENERATE, json=body(gym)).status_code == 401
    assert client.post(GENERATE, json=body(gym), headers=doors.ana).status_code == 403
    # Another trainer's member is not found, as everywhere else.
    assert client.post(GENERATE, json=body(gym), headers=doors.other_coach).status_code == 404
    assert (
        client.post(GENERATE, json=body(gym, memberId=str(gym.bo.id)), headers=doors.admin).status_code == 201
    )


def test_a_trainer_may_generate_a_few_plans_an_hour(client: TestClient, gym: Gym, doors: Doors) -> None:
    for _ in range(PLANS_PER_HOUR):
        assert client.post(GENERATE, json=body(gym), headers=doors.coach).status_code == 201
    refused = client.post(GENERATE, json=body(gym), headers=doors.coach)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Try again in" in refused.json()["error"]["message"]
    # The limit is the trainer's own.
    assert client.post(GENERATE, json=body(gym), headers=doors.admin).status_code == 201
