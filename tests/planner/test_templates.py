"""Plan templates on both engines: the gym's library for staff, changed only by their author or an admin,
assigned to a member as a copy of their own."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.planner.conftest import Gym
from tests.planner.plans import plan_document
from thrust.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from thrust.models import WorkoutPlan, WorkoutPlanTemplate
from thrust.planner import service, templates


def test_a_template_is_saved_once_and_assigned_to_many_as_their_own_copies(gym: Gym) -> None:
    template = templates.create_template(
        gym.db, gym.coach, {"title": "Beginner full body", "planData": plan_document(weeks=2)}
    )
    ana_plan = templates.assign_template(gym.db, gym.coach, template.id, {"memberId": str(gym.ana.id)})
    bo_plan = templates.assign_template(
        gym.db,
        gym.other_coach,
        template.id,
        {"memberId": str(gym.bo.id), "title": "Bo's start", "isActive": False},
    )
    assert (ana_plan.title, ana_plan.is_active, ana_plan.member_id) == (
        "Beginner full body",
        True,
        gym.ana.id,
    )
    assert (bo_plan.title, bo_plan.is_active, bo_plan.created_by) == (
        "Bo's start",
        False,
        gym.other_coach.user_id,
    )
    assert ana_plan.plan_data == bo_plan.plan_data == template.plan_data
    # Changing the template later leaves the plans made from it alone, and the other way round.
    templates.update_template(
        gym.db, gym.coach, template.id, {"version": 1, "planData": plan_document(weeks=1)}
    )
    service.update_plan(gym.db, gym.coach, ana_plan.id, {"version": 1, "title": "Ana's own"})
    gym.db.expire_all()
    assert len(service.get_plan(gym.db, gym.coach, ana_plan.id).plan_data["weeks"]) == 2
    assert templates.get_template(gym.db, gym.coach, template.id).summary.title == "Beginner full body"
    templates.delete_template(gym.db, gym.coach, template.id)
    gym.db.expire_all()
    assert gym.db.exec(select(func.count()).select_from(WorkoutPlan)).one() == 2
    with pytest.raises(NotFound):
        templates.get_template(gym.db, gym.coach, template.id)


def test_staff_share_the_library_but_change_only_their_own_templates_unless_admin(gym: Gym) -> None:
    mine = templates.create_template(gym.db, gym.coach, {"title": "Coach's", "planData": plan_document()})
    listed = templates.list_templates(gym.db, gym.other_coach)
    assert [row.title for row in listed.rows] == ["Coach's"] and listed.rows[0].author_name
    assert templates.get_template(gym.db, gym.other_coach, mine.id).allowed_actions == ["assign"]
    assert templates.get_template(gym.db, gym.coach, mine.id).allowed_actions == ["edit", "delete", "assign"]
    for attempt in (
        lambda: templates.update_template(gym.db, gym.other_coach, mine.id, {"version": 1, "title": "Taken"}),
        lambda: templates.delete_template(gym.db, gym.other_coach, mine.id),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    templates.update_template(gym.db, gym.admin, mine.id, {"version": 1, "title": "Tidied by the admin"})
    with pytest.raises(Conflict) as refused:
        templates.update_template(gym.db, gym.coach, mine.id, {"version": 1, "title": "Coach's again"})
    assert refused.value.message.startswith("This template was changed by someone else since you opened it.")
    with pytest.raises(NotFound):  # a template goes only to members the trainer may see
        templates.assign_template(gym.db, gym.coach, mine.id, {"memberId": str(gym.bo.id)})


def test_members_have_no_library(gym: Gym) -> None:
    template = templates.create_template(gym.db, gym.admin, {"title": "Admin's", "planData": plan_document()})
    ana = gym.login_of(gym.ana)
    for attempt in (
        lambda: templates.list_templates(gym.db, ana),
        lambda: templates.get_template(gym.db, ana, template.id),
        lambda: templates.assign_template(gym.db, ana, template.id, {"memberId": str(gym.ana.id)}),
        lambda: templates.create_template(gym.db, ana, {"title": "Mine", "planData": plan_document()}),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


def test_a_template_obeys_the_plans_rules(gym: Gym) -> None:
    data = plan_document()
    data["weeks"][3]["days"][2]["exercises"][0]["rest"] = "forever"
    with pytest.raises(ValidationFailed) as refused:
        templates.create_template(gym.db, gym.coach, {"title": "", "planData": data})
    assert {p.field: p.message for p in refused.value.details} == {
        "title": "Title is required",
        "planData.weeks[3].days[2].exercises[0].rest": "Rest must be 0 to 600 seconds",
    }
    assert gym.db.exec(select(func.count()).select_from(WorkoutPlanTemplate)).one() == 0
