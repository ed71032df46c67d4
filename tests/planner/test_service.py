"""Plans through the service on both engines: who sees and changes which plans, one active plan per
member, a stale save refused, a week copied forward, plans leaving with their member."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlmodel import func, select

from tests.planner.conftest import Gym
from tests.planner.plans import plan_document
from thrust.core.errors import Conflict, NotFound, PermissionDenied, Unauthorized, ValidationFailed
from thrust.members import service as members
from thrust.models import WorkoutPlan, WorkoutProgress
from thrust.planner import progress, service
from thrust.planner.catalog_file import catalog_id
from thrust.planner.fields import NOT_IN_CATALOG
from thrust.planner.versioning import VERSION_REQUIRED


def titles(page: service.PlanPage) -> list[str]:
    return [row.title for row in page.rows]


def test_a_trainer_sees_and_builds_plans_for_assigned_members_only(gym: Gym) -> None:
    gym.plan(gym.ana, "Ana's")
    gym.plan(gym.bo, "Bo's")
    gym.plan(gym.cy, "Cy's")
    assert sorted(titles(service.list_plans(gym.db, gym.admin))) == ["Ana's", "Bo's", "Cy's"]
    assert titles(service.list_plans(gym.db, gym.coach)) == ["Ana's"]
    assert titles(service.list_plans(gym.db, gym.coach, member_id=gym.bo.id)) == []
    bos = service.list_plans(gym.db, gym.other_coach).rows[0]
    with pytest.raises(NotFound):
        service.get_plan(gym.db, gym.coach, bos.id)
    with pytest.raises(NotFound):
        service.update_plan(gym.db, gym.coach, bos.id, {"title": "Mine now", "version": 1})
    with pytest.raises(NotFound):
        service.delete_plan(gym.db, gym.coach, bos.id)
    with pytest.raises(NotFound):  # a member one may not see cannot be given a plan either
        gym.plan(gym.bo, "Sneaky", by=gym.coach)
    created = gym.plan(gym.ana, "Coach's own", by=gym.coach)
    assert created.created_by == gym.coach.user_id
    assert service.get_plan(gym.db, gym.coach, created.id).summary.author_name


def test_a_member_reads_their_own_plans_and_changes_none(gym: Gym) -> None:
    mine = gym.plan(gym.ana, "Ana's")
    gym.plan(gym.bo, "Bo's")
    ana = gym.login_of(gym.ana)
    assert titles(service.list_plans(gym.db, ana)) == ["Ana's"]
    detail = service.get_plan(gym.db, ana, mine.id)
    assert detail.allowed_actions == ["recordProgress"]
    assert detail.plan_data["weeks"][0]["days"][0]["exercises"][0]["name"] == "Exercise 1.1.1"
    bos = service.list_plans(gym.db, gym.admin, member_id=gym.bo.id).rows[0]
    with pytest.raises(NotFound):
        service.get_plan(gym.db, ana, bos.id)
    for attempt in (
        lambda: service.update_plan(gym.db, ana, mine.id, {"title": "Easy", "version": 1}),
        lambda: service.delete_plan(gym.db, ana, mine.id),
        lambda: service.activate_plan(gym.db, ana, mine.id),
        lambda: gym.plan(gym.ana, "Self-made", by=ana),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    with pytest.raises(Unauthorized):
        service.list_plans(gym.db, None)  # type: ignore[arg-type]


def test_creating_checks_every_field_and_names_the_plans_problems_by_path(gym: Gym) -> None:
    data = plan_document(weeks=2)
    data["weeks"][1]["days"][0]["exercises"][1]["sets"] = 12
    with pytest.raises(ValidationFailed) as refused:
        service.create_plan(gym.db, gym.admin, {"memberId": "nobody", "title": " ", "planData": data})
    assert {p.field: p.message for p in refused.value.details} == {
        "memberId": "Member is not a valid id",
        "title": "Title is required",
        "planData.weeks[1].days[0].exercises[1].sets": "Sets must be a whole number from 1 to 10",
    }
    with pytest.raises(ValidationFailed) as refused:
        service.create_plan(gym.db, gym.admin, {"memberId": str(gym.ana.id), "title": "No plan"})
    assert [p.field for p in refused.value.details] == ["planData"]
    assert gym.db.exec(select(func.count()).select_from(WorkoutPlan)).one() == 0


def test_an_exercise_the_catalog_does_not_have_is_refused_by_its_path(gym: Gym) -> None:
    data = plan_document(weeks=1)
    exercises = data["weeks"][0]["days"][1]["exercises"]
    exercises[0]["exerciseId"] = str(catalog_id("Barbell_Full_Squat"))  # shipped in every database
    exercises[1]["exerciseId"] = str(uuid.uuid4())
    body = {"memberId": str(gym.ana.id), "title": "T", "planData": data}
    with pytest.raises(ValidationFailed) as refused:
        service.create_plan(gym.db, gym.admin, body)
    assert {p.field: p.message for p in refused.value.details} == {
        "planData.weeks[0].days[1].exercises[1].exerciseId": NOT_IN_CATALOG
    }
    assert gym.db.exec(select(func.count()).select_from(WorkoutPlan)).one() == 0
    del exercises[1]["exerciseId"]
    made = service.create_plan(gym.db, gym.admin, body)
    named = made.plan_data["weeks"][0]["days"][1]["exercises"][0]["exerciseId"]
    assert named == str(catalog_id("Barbell_Full_Squat"))


def test_one_active_plan_per_member(gym: Gym) -> None:
    first = gym.plan(gym.ana, "First")
    assert first.is_active and first.starts_on is not None  # active from the gym's today
    second = gym.plan(gym.ana, "Second")
    draft = gym.plan(gym.ana, "Draft", isActive=False, startsOn="2026-03-02")
    others = gym.plan(gym.bo, "Bo's")
    gym.db.expire_all()

    def active() -> list[str]:
        rows = service.list_plans(gym.db, gym.admin, member_id=gym.ana.id, active=True).rows
        return [row.title for row in rows]

    assert active() == ["Second"] and not gym.db.get(WorkoutPlan, first.id).is_active  # type: ignore[union-attr]
    service.activate_plan(gym.db, gym.coach, draft.id)
    gym.db.expire_all()
    assert active() == ["Draft"] and gym.db.get(WorkoutPlan, draft.id).starts_on == date(2026, 3, 2)  # type: ignore[union-attr]
    service.update_plan(gym.db, gym.coach, first.id, {"isActive": True})
    gym.db.expire_all()
    assert active() == ["First"]
    assert gym.db.get(WorkoutPlan, others.id).is_active  # type: ignore[union-attr]  # another member's stays
    service.update_plan(gym.db, gym.coach, first.id, {"isActive": False})
    gym.db.expire_all()
    assert active() == []
    assert gym.db.get(WorkoutPlan, second.id).version == 1  # type: ignore[union-attr]  # activation is no edit


def test_a_save_from_an_older_version_is_refused_and_changes_nothing(gym: Gym) -> None:
    plan = gym.plan(gym.ana, "Strength")
    opened = service.get_plan(gym.db, gym.coach, plan.id).summary.version
    assert opened == 1
    changed = plan_document(weeks=1)
    service.update_plan(gym.db, gym.coach, plan.id, {"version": opened, "planData": changed, "title": "Mine"})
    with pytest.raises(Conflict) as refused:  # the admin opened it before the coach saved
        service.update_plan(gym.db, gym.admin, plan.id, {"version": opened, "title": "Admin's"})
    assert refused.value.status == 409
    assert refused.value.message == (
        "This plan was changed by someone else since you opened it. "
        "Reload it to see their changes, then make yours again."
    )
    gym.db.expire_all()
    detail = service.get_plan(gym.db, gym.admin, plan.id)
    assert (detail.summary.title, detail.summary.version, len(detail.plan_data["weeks"])) == ("Mine", 2, 1)
    for without in ({"title": "No version"}, {"title": "Null version", "version": None}):
        with pytest.raises(ValidationFailed) as refused_without:
            service.update_plan(gym.db, gym.admin, plan.id, without)
        assert [(p.field, p.message) for p in refused_without.value.details] == [
            ("version", VERSION_REQUIRED)
        ]
    service.update_plan(gym.db, gym.admin, plan.id, {"version": 2, "title": "Admin's", "startsOn": None})
    gym.db.expire_all()
    assert service.get_plan(gym.db, gym.admin, plan.id).summary.version == 3


def test_a_week_is_copied_forward_as_a_versioned_save(gym: Gym) -> None:
    plan = gym.plan(gym.ana, "Two weeks", planData=plan_document(weeks=2, days=2))
    service.copy_week(gym.db, gym.coach, plan.id, {"weekNumber": 2, "version": 1})
    gym.db.expire_all()
    detail = service.get_plan(gym.db, gym.coach, plan.id)
    weeks = detail.plan_data["weeks"]
    assert [w["weekNumber"] for w in weeks] == [1, 2, 3] and weeks[2]["days"] == weeks[1]["days"]
    assert detail.summary.version == 2
    with pytest.raises(Conflict):
        service.copy_week(gym.db, gym.coach, plan.id, {"weekNumber": 1, "version": 1})
    with pytest.raises(ValidationFailed) as refused:
        service.copy_week(gym.db, gym.coach, plan.id, {"weekNumber": 4, "version": 2})
    assert refused.value.details[0].field == "weekNumber"


def test_deleting_a_plan_deletes_its_progress(gym: Gym) -> None:
    plan = gym.plan(gym.ana, "Short-lived")
    progress.record_progress(gym.db, gym.login_of(gym.ana), plan.id, {"weekNumber": 1, "dayNumber": 1})
    service.delete_plan(gym.db, gym.coach, plan.id)
    gym.db.expire_all()
    assert gym.db.get(WorkoutPlan, plan.id) is None
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 0


def test_deleting_a_member_deletes_their_plans_and_the_confirmation_counts_them(gym: Gym) -> None:
    for title in ("One", "Two", "Three"):
        plan = gym.plan(gym.ana, title)
    progress.record_progress(gym.db, gym.coach, plan.id, {"weekNumber": 1, "dayNumber": 3})
    gym.plan(gym.bo, "Bo's")
    assert service.count_member_plans(gym.db, gym.ana.id) == 3
    assert members.deletion_impact(gym.db, gym.admin, gym.ana.id).workout_plans == 3
    ana_id = gym.ana.id
    members.delete_member(gym.db, gym.admin, ana_id)
    gym.db.expire_all()
    assert service.count_member_plans(gym.db, ana_id) == 0
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 0
    assert titles(service.list_plans(gym.db, gym.admin)) == ["Bo's"]


def test_a_plan_that_names_nothing_is_not_found(gym: Gym) -> None:
    with pytest.raises(NotFound):
        service.get_plan(gym.db, gym.admin, uuid.uuid4())
