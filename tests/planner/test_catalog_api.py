"""/api/v1/exercises over HTTP on both engines: the seed's envelope and errors, filters in the query string,
one exercise and its swaps, and adding the gym's own (staff only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from tests.factories import make_user
from tests.members.test_api import bearer
from thrust.core.http import create_api
from thrust.models import Exercise, Role
from thrust.planner.catalog_api import router
from thrust.planner.catalog_file import catalog_id

URL = "/api/v1/exercises"
SQUAT = str(catalog_id("Barbell_Full_Squat"))
NEW = {
    "name": "Viking Press",
    "level": "intermediate",
    "equipment": "barbell",
    "primaryMuscles": ["shoulders"],
    "secondaryMuscles": ["triceps"],
    "instructions": "Face the landmine.\nPress it up and forward.",
}


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router]))


@pytest.fixture
def logins(db: Session) -> dict[str, dict[str, str]]:
    return {role.value: bearer(db, make_user(db, role=role)) for role in Role}


def test_a_search_answers_in_the_seeds_envelope(client: TestClient, logins: dict) -> None:
    response = client.get(URL, params={"q": "FÚLL", "limit": 2}, headers=logins["MEMBER"])
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"total": 3, "page": 1, "limit": 2, "totalPages": 2}
    first, second = body["data"]
    assert first["name"] == "Full Range-Of-Motion Lat Pulldown"  # begins with the search
    assert second == {
        "id": SQUAT,
        "name": "Barbell Full Squat",
        "level": "intermediate",
        "category": "strength",
        "equipment": "barbell",
        "mechanic": "compound",
        "force": "push",
        "primaryMuscles": ["quadriceps"],
        "secondaryMuscles": ["calves", "glutes", "hamstrings", "lower back"],
        "instructions": None,
        "isCustom": False,
        "sourceId": "Barbell_Full_Squat",
        "createdAt": second["createdAt"],
    }
    last = client.get(URL, params={"q": "full", "limit": 2, "page": 2}, headers=logins["MEMBER"]).json()
    assert [row["name"] for row in last["data"]] == ["Medicine Ball Full Twist"]
    assert last["pagination"]["page"] == 2


def test_filters_repeat_in_the_query_string(client: TestClient, logins: dict) -> None:
    params = [
        ("equipment", "dumbbell"),
        ("equipment", "e-z curl bar"),
        ("muscle", "biceps"),
        ("limit", "100"),
    ]
    rows = client.get(URL, params=params, headers=logins["TRAINER"]).json()["data"]
    assert rows and {row["equipment"] for row in rows} == {"dumbbell", "e-z curl bar"}
    assert all(row["primaryMuscles"][0] == "biceps" for row in rows)
    helpers = client.get(
        URL, params=[*params, ("includeSecondary", "true")], headers=logins["TRAINER"]
    ).json()["pagination"]["total"]
    assert helpers > len(rows)
    expert = client.get(URL, params={"level": "expert", "category": "strongman"}, headers=logins["ADMIN"])
    assert {(row["level"], row["category"]) for row in expert.json()["data"]} == {("expert", "strongman")}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"equipment": "spaceship"}, "equipment"),
        ({"muscle": "wings"}, "muscle"),
        ({"level": "master"}, "level"),
        ({"limit": 101}, "limit"),
        ({"page": 0}, "page"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(
    client: TestClient, logins: dict, params: dict, field: str
) -> None:
    response = client.get(URL, params=params, headers=logins["MEMBER"])
    assert response.status_code == 422
    error = response.json()["error"]
    # A repeated parameter's value is named with its place: "equipment.0".
    assert error["code"] == "VALIDATION_ERROR" and [d["field"].split(".")[0] for d in error["details"]] == [
        field
    ]


def test_one_exercise_and_its_swaps(client: TestClient, logins: dict) -> None:
    one = client.get(f"{URL}/{SQUAT}", headers=logins["MEMBER"])
    assert one.status_code == 200 and one.json()["data"]["name"] == "Barbell Full Squat"
    swaps = client.get(f"{URL}/{SQUAT}/similar", params={"limit": 5}, headers=logins["MEMBER"]).json()["data"]
    assert len(swaps) == 5 and SQUAT not in {swap["id"] for swap in swaps}
    assert {(swap["equipment"], swap["primaryMuscles"][0]) for swap in swaps} == {("barbell", "quadriceps")}
    nobody = "5e0c1b7a-0000-4000-8000-00000000dead"
    for path in (f"{URL}/{nobody}", f"{URL}/{nobody}/similar", f"{URL}/not-an-id"):
        missing = client.get(path, headers=logins["MEMBER"])
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND", path


def test_reading_needs_a_sign_in(client: TestClient) -> None:
    for path in (URL, f"{URL}/{SQUAT}", f"{URL}/{SQUAT}/similar"):
        response = client.get(path)
        assert response.status_code == 401 and response.json()["error"]["code"] == "UNAUTHORIZED"


def _customs(db: Session) -> int:
    return db.exec(select(func.count()).select_from(Exercise).where(Exercise.is_custom)).one()


def test_staff_add_exercises_members_may_not(client: TestClient, logins: dict, db: Session) -> None:
    refused = client.post(URL, json=NEW, headers=logins["MEMBER"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"
    assert client.post(URL, json=NEW).status_code == 401
    assert _customs(db) == 0

    added = client.post(URL, json=NEW, headers=logins["TRAINER"])
    assert added.status_code == 201
    data = added.json()["data"]
    assert data["isCustom"] and data["sourceId"] is None and data["category"] == "strength"  # the default
    assert data["instructions"] == NEW["instructions"]
    found = client.get(URL, params={"q": "viking"}, headers=logins["MEMBER"]).json()["data"]
    assert [row["id"] for row in found] == [data["id"]]

    again = client.post(URL, json={**NEW, "name": "viking-PRESS"}, headers=logins["ADMIN"])
    assert again.status_code == 400
    assert again.json()["error"]["details"] == [
        {"field": "name", "message": 'The gym already has an exercise called "Viking Press"'}
    ]
    assert _customs(db) == 1


def test_a_new_exercise_the_document_calls_invalid_is_refused_naming_the_field(
    client: TestClient, logins: dict
) -> None:
    for body, field in (
        ({**NEW, "name": "  "}, "name"),
        ({**NEW, "equipment": "spaceship"}, "equipment"),
        ({**NEW, "primaryMuscles": []}, "primaryMuscles"),
        ({k: v for k, v in NEW.items() if k != "level"}, "level"),
    ):
        response = client.post(URL, json=body, headers=logins["TRAINER"])
        assert response.status_code == 422, body
        assert [d["field"] for d in response.json()["error"]["details"]] == [field]
