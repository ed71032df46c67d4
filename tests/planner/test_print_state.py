"""The print view's state without a server (both engines): the plan the address names, worded for paper,
within the planner's scope; anything else is the same plain "plan not found"."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.planner.approval import awaiting
from tests.planner.conftest import Gym
from tests.planner.plans import exercise, plan_document
from tests.support.states import call, client, run, scope_in, sessions, signed_in
from thrust.auth.rbac import Actor
from thrust.planner import service
from thrust.planner.print_state import PlanPrintState
from thrust.ui import feedback, routes


@pytest.fixture
def cookies(gym: Gym, db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Actor]]:
    table = {
        "thrust_access=admin": gym.admin,
        "thrust_access=coach": gym.coach,
        "thrust_access=other": gym.other_coach,
        "thrust_access=ana": gym.login_of(gym.ana),
        "thrust_access=bo": gym.login_of(gym.bo),
    }
    live = sessions(monkeypatch, table)
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    yield live


async def opened(cookie: str, path: str) -> PlanPrintState:
    root = client(cookie, path)
    await signed_in(root)
    state = await root.get_state(PlanPrintState)
    await call(PlanPrintState.open_print, state)
    return state


def test_the_plan_is_worded_for_paper_with_dated_days_and_a_box_per_set(
    gym: Gym, cookies: dict[str, Actor]
) -> None:
    document = plan_document(weeks=2, days=2)
    document["weeks"][0]["days"][0]["exercises"][0] = exercise("Goblet squat", sets=4, rest=75, notes="Slow")
    plan = gym.plan(gym.ana, "Spring strength", planData=document, startsOn="2027-03-01")

    async def scenario() -> None:
        state = await opened("thrust_access=coach", routes.plan_print_url(plan.id))
        printed = state.plan
        assert state.loaded and not state.missing
        assert (printed.title, printed.member_name, printed.starts) == (
            "Spring strength",
            "Ana Ruiz",
            "1 Mar 2027",
        )
        assert printed.summary == "Full body three times a week"
        assert [w.heading for w in printed.weeks] == ["Week 1", "Week 2"]
        week = printed.weeks[1]
        assert (week.focus, week.dates) == ("Week 2 focus", "8 Mar 2027 – 14 Mar 2027")
        assert [(d.heading, d.date) for d in week.days] == [
            ("Day 1 · Day 1", "Mon 8 Mar 2027"),
            ("Day 3 · Day 2", "Wed 10 Mar 2027"),
        ]
        squat = printed.weeks[0].days[0].exercises[0]
        assert (squat.name, squat.sets, squat.reps, squat.rest, squat.notes) == (
            "Goblet squat",
            4,
            "8-12",
            "75 s",
            "Slow",
        )
        assert squat.boxes == [0, 1, 2, 3]
        assert printed.tips == ["Protein with every meal"]
        assert printed.progression.startswith("Add 2.5 kg")

    run(scenario())


def test_the_member_prints_their_own_plan_and_an_undated_plan_has_no_dates(
    gym: Gym, cookies: dict[str, Actor]
) -> None:
    plan = gym.plan(gym.ana, isActive=False)  # an inactive plan keeps no start date

    async def scenario() -> None:
        state = await opened("thrust_access=ana", routes.plan_print_url(plan.id))
        assert not state.missing and state.plan.starts == "No start date"
        assert state.plan.weeks[0].dates == "" and state.plan.weeks[0].days[0].date == ""

    run(scenario())


@pytest.mark.parametrize(
    ("cookie", "path"),
    [
        ("thrust_access=other", None),  # another trainer's member
        ("thrust_access=bo", None),  # another member's plan
        ("thrust_access=admin", f"/planner/print/{uuid.uuid4()}"),  # no such plan
        ("thrust_access=admin", "/planner/print/not-an-id"),
    ],
)
def test_a_plan_the_viewer_may_not_see_is_not_found(
    gym: Gym, cookies: dict[str, Actor], cookie: str, path: str | None
) -> None:
    plan = gym.plan(gym.ana)

    async def scenario() -> None:
        state = await opened(cookie, path or routes.plan_print_url(plan.id))
        assert state.loaded and state.missing and state.plan.title == ""

    run(scenario())


def test_the_admin_prints_any_members_plan(gym: Gym, cookies: dict[str, Actor]) -> None:
    plan = gym.plan(gym.cy, startsOn=date(2027, 1, 4).isoformat())

    async def scenario() -> None:
        state = await opened("thrust_access=admin", routes.plan_print_url(plan.id))
        assert state.plan.member_name == "Cy Park" and len(state.plan.weeks) == 4

    run(scenario())


def test_a_plan_awaiting_approval_prints_for_the_trainer_not_for_its_member(
    gym: Gym, cookies: dict[str, Actor]
) -> None:
    plan = awaiting(gym.db, gym.plan(gym.ana, "Generated"))

    async def scenario() -> None:
        member = await opened("thrust_access=ana", routes.plan_print_url(plan.id))
        assert member.loaded and member.missing and member.plan.title == ""
        trainer = await opened("thrust_access=coach", routes.plan_print_url(plan.id))
        assert not trainer.missing and trainer.plan.title == "Generated"
        service.approve_plan(gym.db, gym.coach, plan.id)
        member = await opened("thrust_access=ana", routes.plan_print_url(plan.id))
        assert not member.missing and member.plan.title == "Generated"

    run(scenario())
