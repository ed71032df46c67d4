"""Workout plans over HTTP: the seed's envelope and errors, field messages at JSON paths, 409 for a stale
save, idempotent progress, who may call what, templates, and the routes in the OpenAPI document."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from tests.planner.conftest import Gym
from tests.planner.plans import plan_document
from thrust.auth import sessions
from thrust.auth.rbac import Actor
from thrust.core.body_limit import DEFAULT_BODY_LIMIT, BodyLimit
from thrust.core.http import create_api
from thrust.models import User, WorkoutProgress
from thrust.planner.api import BODY_LIMITS, PLAN_BODY_LIMIT, router
from thrust.planner.document import plan_problems

PLANS = "/api/v1/workout-plans"
TEMPLATES = "/api/v1/workout-plan-templates"


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router]))


def bearer(db: Session, actor: Actor) -> dict[str, str]:
    user = db.get(User, actor.user_id)
    assert user is not None
    tokens = sessions.start_session(db, user, user_agent="pytest", ip="127.0.0.1")
    return {"Authorization": f"Bearer {tokens.access_token}"}


class Doors:
    def __init__(self, gym: Gym) -> None:
        self.admin = bearer(gym.db, gym.admin)
        self.coach = bearer(gym.db, gym.coach)
        self.other_coach = bearer(gym.db, gym.other_coach)
        self.ana = bearer(gym.db, gym.login_of(gym.ana))


@pytest.fixture
def doors(gym: Gym) -> Doors:
    return Doors(gym)


def create(client: TestClient, gym: Gym, headers: dict[str, str], **fields: Any) -> Any:
    body = {"memberId": str(gym.ana.id), "title": "Strength", "planData": plan_document(), **fields}
    return client.post(PLANS, json=body, headers=headers)


def test_a_plan_is_created_read_and_listed_in_the_seeds_envelope(
    client: TestClient, gym: Gym, doors: Doors
) -> None:
    data = plan_document(weeks=2, days=3, exercises=2)
    data["weeks"][0]["days"][0]["exercises"][0]["rest"] = "90s"
    created = create(client, gym, doors.coach, planData=data)
    assert created.status_code == 201, created.text
    plan = created.json()["data"]
    assert (plan["title"], plan["memberName"], plan["isActive"], plan["version"]) == (
        "Strength",
        "Ana Ruiz",
        True,
        1,
    )
    assert plan["planData"]["weeks"][0]["days"][0]["exercises"][0]["rest"] == 90
    assert plan["completion"]["plannedDays"] == 6 and plan["completion"]["percent"] == 0
    assert plan["allowedActions"] == ["edit", "delete", "deactivate", "recordProgress"]
    mine = client.get(f"{PLANS}/{plan['id']}", headers=doors.ana).json()["data"]
    assert mine["planData"] == plan["planData"] and mine["allowedActions"] == ["recordProgress"]
    listed = client.get(
        PLANS, params={"memberId": str(gym.ana.id), "active": "true"}, headers=doors.ana
    ).json()
    assert listed["pagination"] == {"total": 1, "page": 1, "limit": 50, "totalPages": 1}
    assert listed["data"][0]["id"] == plan["id"] and "planData" not in listed["data"][0]


def test_the_plans_problems_come_back_as_the_seeds_error_with_json_paths(
    client: TestClient, gym: Gym, doors: Doors
) -> None:
    data = plan_document(weeks=2)
    data["weeks"][1]["days"][0]["exercises"][2 - 1]["sets"] = 11
    data["weeks"][0]["days"][1]["exercises"] = []
    response = create(client, gym, doors.coach, planData=data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["requestId"]
    assert error["details"] == [
        {"field": "planData.weeks[0].days[1].exercises", "message": "A day needs at least one exercise"},
        {
            "field": "planData.weeks[1].days[0].exercises[1].sets",
            "message": "Sets must be a whole number from 1 to 10",
        },
    ]
    wrong_type = create(client, gym, doors.coach, isActive="yes")
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["details"][0]["field"] == "isActive"


def test_a_stale_save_is_a_409_that_says_why(client: TestClient, gym: Gym, doors: Doors) -> None:
    plan = create(client, gym, doors.coach).json()["data"]
    url = f"{PLANS}/{plan['id']}"
    saved = client.patch(url, json={"version": 1, "title": "Coach's"}, headers=doors.coach)
    assert saved.status_code == 200 and saved.json()["data"]["version"] == 2
    stale = client.patch(url, json={"version": 1, "title": "Admin's"}, headers=doors.admin)
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "CONFLICT" and "changed by someone else since you opened it" in error["message"]
    assert client.get(url, headers=doors.admin).json()["data"]["title"] == "Coach's"
    missing = client.patch(url, json={"title": "No version"}, headers=doors.admin)
    assert missing.status_code == 400 and missing.json()["error"]["details"][0]["field"] == "version"
    assert client.patch(url, json={}, headers=doors.admin).status_code == 422
    copied = client.post(f"{url}/copy-week", json={"weekNumber": 1, "version": 2}, headers=doors.coach)
    assert copied.status_code == 200 and copied.json()["data"]["version"] == 3


def test_progress_is_idempotent_and_answers_with_the_completion(
    client: TestClient, gym: Gym, doors: Doors
) -> None:
    plan = create(client, gym, doors.coach).json()["data"]
    url = f"{PLANS}/{plan['id']}/progress"
    body = {
        "weekNumber": 1,
        "dayNumber": 3,
        "exercises": [{"exerciseIndex": 0, "actualReps": 12, "loadKg": 20}],
    }
    first = client.post(url, json=body, headers=doors.ana)
    second = client.post(url, json=body, headers=doors.ana)
    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["day"] == second.json()["data"]["day"]
    day = second.json()["data"]["day"]
    assert day["completed"] and day["exercises"][0]["exerciseName"] == "Exercise 1.2.1"
    assert second.json()["data"]["completion"]["completedDays"] == 1
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 1
    missing_day = client.post(url, json={"weekNumber": 1, "dayNumber": 2}, headers=doors.ana)
    assert missing_day.status_code == 400
    assert {d["field"] for d in missing_day.json()["error"]["details"]} == {"weekNumber", "dayNumber"}
    assert (
        client.post(url, json={"weekNumber": 1, "dayNumber": 1}, headers=doors.other_coach).status_code == 404
    )


def test_who_may_call_what(client: TestClient, gym: Gym, doors: Doors) -> None:
    plan = create(client, gym, doors.admin).json()["data"]
    url = f"{PLANS}/{plan['id']}"
    assert client.get(PLANS).status_code == 401
    assert create(client, gym, doors.ana).status_code == 403
    assert client.patch(url, json={"isActive": False}, headers=doors.ana).status_code == 403
    assert client.delete(url, headers=doors.ana).status_code == 403
    assert client.get(url, headers=doors.other_coach).status_code == 404
    assert client.delete(url, headers=doors.other_coach).status_code == 404
    assert client.get(PLANS, headers=doors.other_coach).json()["data"] == []
    assert client.get(TEMPLATES, headers=doors.ana).status_code == 403
    assert client.delete(url, headers=doors.coach).status_code == 204
    assert client.get(url, headers=doors.admin).status_code == 404


def test_templates_are_saved_and_assigned(client: TestClient, gym: Gym, doors: Doors) -> None:
    saved = client.post(
        TEMPLATES, json={"title": "Beginner", "planData": plan_document(weeks=1)}, headers=doors.coach
    )
    assert saved.status_code == 201
    template = saved.json()["data"]
    assert template["allowedActions"] == ["edit", "delete", "assign"]
    assert client.get(TEMPLATES, headers=doors.other_coach).json()["pagination"]["total"] == 1
    refused = client.patch(
        f"{TEMPLATES}/{template['id']}", json={"version": 1, "title": "Mine"}, headers=doors.other_coach
    )
    assert refused.status_code == 403
    assigned = client.post(
        f"{TEMPLATES}/{template['id']}/assign", json={"memberId": str(gym.ana.id)}, headers=doors.coach
    )
    assert assigned.status_code == 201
    plan = assigned.json()["data"]
    assert (plan["title"], plan["memberId"], plan["isActive"]) == ("Beginner", str(gym.ana.id), True)
    assert plan["planData"] == template["planData"]
    assert client.delete(f"{TEMPLATES}/{template['id']}", headers=doors.admin).status_code == 204


def test_the_routes_are_documented_with_the_plans_schema_and_their_errors(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert set(paths[PLANS]) == {"get", "post"}
    assert "404" in paths[PLANS]["post"]["responses"]  # a member the caller may not see
    assert set(paths[PLANS + "/{plan_id}"]) == {"get", "patch", "delete"}
    assert set(paths[PLANS + "/{plan_id}/progress"]) == {"post"}
    assert set(paths[TEMPLATES + "/{template_id}/assign"]) == {"post"}
    patch = paths[PLANS + "/{plan_id}"]["patch"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(patch["responses"])
    update = document["components"]["schemas"]["PlanUpdate"]
    assert update["dependentRequired"]["planData"] == ["version"]
    plan_data = update["properties"]["planData"]
    assert plan_data["properties"]["weeks"]["maxItems"] == 4


def test_the_largest_plan_fits_its_routes_body_limit_and_other_routes_keep_theirs() -> None:
    largest = plan_document(weeks=4, days=7, exercises=20)
    for week in largest["weeks"]:
        week["focus"] = "f" * 120
        for day in week["days"]:
            day["title"] = "t" * 120
            for exercise in day["exercises"]:
                exercise |= {"name": "n" * 120, "notes": "n" * 500, "exerciseId": str(uuid.uuid4())}
    body = {"memberId": str(uuid.uuid4()), "title": "T" * 120, "planData": largest}
    assert plan_problems(largest) == []
    assert len(json.dumps(body).encode()) < PLAN_BODY_LIMIT
    layer = BodyLimit(None, limits=BODY_LIMITS)  # type: ignore[arg-type]  # only its limits are asked for
    assert layer.limit_for(PLANS) == layer.limit_for(f"{PLANS}/{uuid.uuid4()}/progress") == PLAN_BODY_LIMIT
    assert layer.limit_for(f"{TEMPLATES}/{uuid.uuid4()}/assign") == PLAN_BODY_LIMIT
    assert layer.limit_for("/api/v1/members") == layer.limit_for(PLANS + "-elsewhere") == DEFAULT_BODY_LIMIT
