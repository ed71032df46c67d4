"""A generated plan awaiting a trainer's approval (the gym's setting), on both engines: its member does not
see it anywhere they read plans (list, plan, "My plan", progress, profile card) until staff who edit
plans approve or activate it; staff see, edit and approve it; who may approve; approving twice."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.planner.approval import awaiting, generated_plan, require_approval
from tests.planner.conftest import Gym
from tests.planner.test_plans_api import PLANS, Doors
from thrust.auth.rbac import Actor
from thrust.core.errors import NotFound, PermissionDenied
from thrust.core.http import create_api
from thrust.gym import clock
from thrust.models import WorkoutPlan
from thrust.planner import my_plan, progress, service
from thrust.planner.api import router
from thrust.planner.overview import plan_overview
from thrust.planner.today import todays_day


def ids(gym: Gym, actor: Actor) -> set[uuid.UUID]:
    """Ana's plans in the list as `actor` reads it."""
    return {row.id for row in service.list_plans(gym.db, actor, member_id=gym.ana.id).rows}


def test_the_gyms_setting_decides_whether_a_generated_plan_awaits_approval(gym: Gym) -> None:
    free = generated_plan(gym, gym.ana)
    assert not free.awaiting_approval and free.generation is not None
    require_approval(gym.db)
    held = generated_plan(gym, gym.ana)
    assert held.awaiting_approval and held.is_ai_generated
    detail = service.get_plan(gym.db, gym.coach, held.id)
    assert detail.summary.awaiting_approval and detail.generation == held.generation
    assert "approve" in detail.allowed_actions
    assert ids(gym, gym.login_of(gym.ana)) == {free.id}


def test_a_plan_awaiting_approval_is_hidden_from_its_member_wherever_they_read_plans(gym: Gym) -> None:
    ana = gym.login_of(gym.ana)
    earlier = gym.plan(gym.ana, "Earlier", isActive=False)
    today = clock.today(gym.db).isoformat()
    held = awaiting(gym.db, gym.plan(gym.ana, "Generated", by=gym.coach, startsOn=today))
    # The member: not listed, not readable, not on "My plan", no progress, not on their profile's card.
    assert ids(gym, ana) == {earlier.id}
    with pytest.raises(NotFound):
        service.get_plan(gym.db, ana, held.id)
    mine = my_plan.read_my_plan(gym.db, ana)
    assert mine.detail is None and [p.summary.id for p in mine.earlier] == [earlier.id]
    with pytest.raises(NotFound):
        my_plan.read_my_plan(gym.db, ana, held.id)
    with pytest.raises(NotFound):
        progress.record_progress(gym.db, ana, held.id, {"weekNumber": 1, "dayNumber": 1})
    card = plan_overview(gym.db, ana, gym.ana.id)
    assert card.active is None and card.other_plans == 1
    # Staff who edit plans: listed, readable with "approve" on offer, editable, on the desk's card.
    for staff in (gym.coach, gym.admin):
        assert ids(gym, staff) == {earlier.id, held.id}
        detail = service.get_plan(gym.db, staff, held.id)
        assert detail.summary.awaiting_approval and "approve" in detail.allowed_actions
        desk = todays_day(gym.db, staff, gym.ana.id)
        assert desk is not None and desk.plan_title == "Generated"
    assert plan_overview(gym.db, gym.coach, gym.ana.id).active is not None
    service.update_plan(gym.db, gym.coach, held.id, {"version": 1, "title": "Reviewed"})
    progress.record_progress(gym.db, gym.coach, held.id, {"weekNumber": 1, "dayNumber": 1})
    assert gym.db.get(WorkoutPlan, held.id).awaiting_approval  # type: ignore[union-attr]


def test_approving_shows_the_plan_to_its_member_and_twice_changes_nothing(gym: Gym) -> None:
    ana = gym.login_of(gym.ana)
    require_approval(gym.db)
    held = generated_plan(gym, gym.ana, isActive=True)
    # Awaiting approval it is stored inactive, whatever was asked: the member keeps their current plan.
    assert not held.is_active and my_plan.read_my_plan(gym.db, ana).detail is None
    approved = service.approve_plan(gym.db, gym.coach, held.id)
    assert not approved.awaiting_approval
    service.activate_plan(gym.db, gym.coach, held.id)
    stamp = approved.updated_at
    mine = my_plan.read_my_plan(gym.db, ana)
    assert mine.detail is not None and mine.detail.summary.id == held.id and mine.current
    assert service.get_plan(gym.db, ana, held.id).allowed_actions == ["recordProgress"]
    assert "approve" not in service.get_plan(gym.db, gym.coach, held.id).allowed_actions
    progress.record_progress(gym.db, ana, held.id, {"weekNumber": 1, "dayNumber": 1})
    again = service.approve_plan(gym.db, gym.admin, held.id)
    assert not again.awaiting_approval and again.updated_at == stamp


def test_only_staff_who_edit_the_members_plans_approve(gym: Gym) -> None:
    held = awaiting(gym.db, gym.plan(gym.ana, by=gym.coach))
    with pytest.raises(PermissionDenied):
        service.approve_plan(gym.db, gym.login_of(gym.ana), held.id)
    with pytest.raises(NotFound):
        service.approve_plan(gym.db, gym.other_coach, held.id)  # Ana is not theirs to see
    assert gym.db.get(WorkoutPlan, held.id).awaiting_approval  # type: ignore[union-attr]


@pytest.mark.parametrize("how", ["activate", "patch"])
def test_activating_a_plan_awaiting_approval_approves_it(gym: Gym, how: str) -> None:
    current = gym.plan(gym.ana, "Current")
    held = awaiting(gym.db, gym.plan(gym.ana, "Generated", isActive=False))
    if how == "activate":
        service.activate_plan(gym.db, gym.coach, held.id)
    else:
        service.update_plan(gym.db, gym.coach, held.id, {"isActive": True})
    assert held.is_active and not held.awaiting_approval and not current.is_active
    mine = my_plan.read_my_plan(gym.db, gym.login_of(gym.ana))
    assert mine.detail is not None and mine.detail.summary.id == held.id


# -- over HTTP ---------------------------------------------------------------------------------------------


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router]))


@pytest.fixture
def doors(gym: Gym) -> Doors:
    return Doors(gym)


def test_over_http_the_member_gets_404_until_a_trainer_approves(
    client: TestClient, gym: Gym, doors: Doors
) -> None:
    start = (clock.today(gym.db) - timedelta(days=1)).isoformat()
    held = awaiting(gym.db, gym.plan(gym.ana, "Generated", by=gym.coach, startsOn=start))
    url = f"{PLANS}/{held.id}"
    day = {"weekNumber": 1, "dayNumber": 1}
    assert client.get(PLANS, headers=doors.ana).json()["data"] == []
    assert client.get(url, headers=doors.ana).status_code == 404
    assert client.post(f"{url}/progress", json=day, headers=doors.ana).status_code == 404
    seen = client.get(url, headers=doors.coach).json()["data"]
    assert seen["awaitingApproval"] is True and seen["generation"] == {"provider": "offline", "notice": ""}
    assert seen["allowedActions"] == ["edit", "delete", "deactivate", "approve", "recordProgress"]
    listed = client.get(PLANS, headers=doors.coach).json()["data"]
    assert [(p["id"], p["awaitingApproval"]) for p in listed] == [(str(held.id), True)]

    assert client.post(f"{url}/approve", headers=doors.ana).status_code == 403
    assert client.post(f"{url}/approve", headers=doors.other_coach).status_code == 404
    approved = client.post(f"{url}/approve", headers=doors.coach)
    assert approved.status_code == 200, approved.text
    assert approved.json()["data"]["awaitingApproval"] is False
    assert "approve" not in approved.json()["data"]["allowedActions"]
    again = client.post(f"{url}/approve", headers=doors.admin)
    assert again.status_code == 200 and again.json()["data"] == approved.json()["data"]
    mine = client.get(url, headers=doors.ana)
    assert mine.status_code == 200 and mine.json()["data"]["awaitingApproval"] is False
    assert client.post(f"{url}/progress", json=day, headers=doors.ana).status_code == 200


def test_a_plan_written_by_hand_has_no_generation_record(client: TestClient, gym: Gym, doors: Doors) -> None:
    plan = gym.plan(gym.ana)
    data = client.get(f"{PLANS}/{plan.id}", headers=doors.ana).json()["data"]
    assert data["generation"] is None and data["awaitingApproval"] is False


def test_the_approve_route_is_documented(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    approve = paths[PLANS + "/{plan_id}/approve"]["post"]
    assert {"200", "401", "403", "404"} <= set(approve["responses"])
    assert approve["summary"] == "Approve a generated plan for its member"
