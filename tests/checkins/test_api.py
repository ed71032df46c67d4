"""Check-ins over HTTP: the seed's shapes, refusals as 409 with a reason code, capacity and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_member, make_user, make_visit
from tests.members.test_api import bearer
from thrust.analytics.api import history_router
from thrust.checkins.api import router
from thrust.core.http import create_api
from thrust.models import MemberStatus, Role, User


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router, history_router]))


def utc_today() -> date:
    return datetime.now(UTC).date()


def test_check_in_answers_data_and_capacity_meta(client: TestClient, db: Session) -> None:
    desk = bearer(db, make_user(db, role=Role.TRAINER))
    member = make_member(db)
    response = client.post("/api/v1/check-ins", json={"memberId": str(member.id)}, headers=desk)
    assert response.status_code == 201
    body = response.json()
    assert body["meta"] == {"capacity": {"current": 1, "max": 100}}
    assert body["data"]["memberId"] == str(member.id) and body["data"]["checkOutTime"] is None

    again = client.post("/api/v1/check-ins", json={"memberId": str(member.id)}, headers=desk)
    assert again.status_code == 409 and again.json()["error"]["code"] == "ALREADY_INSIDE"

    out = client.patch(f"/api/v1/check-ins/{body['data']['id']}", headers=desk)
    assert out.status_code == 200 and out.json()["meta"]["capacity"]["current"] == 0
    twice = client.patch(f"/api/v1/check-ins/{body['data']['id']}", headers=desk)
    assert twice.status_code == 409 and "already checked out" in twice.json()["error"]["message"]


def test_refusal_codes(client: TestClient, db: Session) -> None:
    desk = bearer(db, make_user(db, role=Role.ADMIN))
    frozen = make_member(db, status=MemberStatus.FROZEN)
    response = client.post("/api/v1/check-ins", json={"memberId": str(frozen.id)}, headers=desk)
    assert response.status_code == 409 and response.json()["error"]["code"] == "MEMBERSHIP_FROZEN"
    assert client.post("/api/v1/check-ins", json={"memberId": "x"}, headers=desk).status_code == 422


def test_members_see_capacity_but_not_the_desk_or_others_visits(client: TestClient, db: Session) -> None:
    mine = make_member(db, full_name="Me Myself")
    other = make_member(db, full_name="Some One")
    make_visit(db, other, minutes=None)
    me = bearer(db, db.get(User, mine.user_id))
    assert client.get("/api/v1/check-ins/current", headers=me).json()["data"] == {
        "current": 1,
        "max": 100,
        "percent": 1,
    }
    assert client.post("/api/v1/check-ins", json={"memberId": str(mine.id)}, headers=me).status_code == 403
    listing = client.get("/api/v1/check-ins", headers=me).json()
    assert listing["pagination"]["total"] == 0
    assert client.get("/api/v1/check-ins", params={"memberId": str(other.id)}, headers=me).status_code == 403
    assert client.get("/api/v1/check-ins/current").status_code == 401


def test_history_counts_check_ins_per_hour(client: TestClient, db: Session) -> None:
    desk = bearer(db, make_user(db, role=Role.TRAINER))
    member = make_member(db)
    make_visit(db, member, hours_ago=3)
    make_visit(db, member, hours_ago=3.2)
    days = {"from": str(utc_today() - timedelta(days=1)), "to": str(utc_today())}  # the test gym keeps UTC
    hours = client.get("/api/v1/check-ins/history", params=days, headers=desk).json()["data"]
    assert len(hours) == 48 and sum(h["checkIns"] for h in hours) == 2
    too_long = client.get(
        "/api/v1/check-ins/history", params={"from": "2026-01-01", "to": "2026-03-01"}, headers=desk
    )
    assert too_long.status_code == 400 and too_long.json()["error"]["details"][0]["field"] == "to"


def test_a_trainer_lists_visits_of_their_assigned_members_only(client: TestClient, db: Session) -> None:
    coach = make_user(db, role=Role.TRAINER)
    mine = make_member(db, full_name="Mine Assigned", trainer=coach)
    theirs = make_member(db, full_name="Not Mine", trainer=make_user(db, role=Role.TRAINER))
    for member in (mine, theirs, make_member(db, full_name="Nobody's Member")):
        make_visit(db, member, hours_ago=1)
    desk = bearer(db, coach)
    listing = client.get("/api/v1/check-ins", headers=desk).json()
    assert [v["memberName"] for v in listing["data"]] == ["Mine Assigned"]
    assert listing["pagination"]["total"] == 1
    other = client.get("/api/v1/check-ins", params={"memberId": str(theirs.id)}, headers=desk).json()
    assert other["data"] == [] and other["pagination"]["total"] == 0
    # The admin lists everyone's (positive control); the hourly history counts every visit, names none.
    admin = bearer(db, make_user(db, role=Role.ADMIN))
    assert client.get("/api/v1/check-ins", headers=admin).json()["pagination"]["total"] == 3
    days = {"from": str(utc_today() - timedelta(days=1)), "to": str(utc_today())}
    hours = client.get("/api/v1/check-ins/history", params=days, headers=desk).json()["data"]
    assert sum(h["checkIns"] for h in hours) == 3
