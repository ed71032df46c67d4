"""The front desk's state against the database (both engines): search, keyboard, check-in and check-out,
the service's refusals as the desk shows them, and the capacity override.

State handlers run as Reflex runs them for one client token (tests/support/states.py), with the cookie
-> actor lookup replaced by a table and the unit of work bound to the test's rolled-back session.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from reflex.state import State
from sqlmodel import Session, select

from tests.checkins.support import client, open_visits
from tests.factories import make_member, make_user, make_visit
from tests.planner.plans import plan_document
from tests.support.states import load_page, run, signed_in
from thrust.auth.rbac import Actor
from thrust.checkins.state import FrontDeskState, LiveState
from thrust.core.reflex_compat import call_handler
from thrust.gym import clock
from thrust.models import CheckIn, GymSettings, MemberStatus, Role, User
from thrust.planner import service as plans


async def desk(cookie: str = "thrust_access=staff") -> tuple[State, FrontDeskState]:
    root = client(cookie)
    await signed_in(root)
    state = await root.get_state(FrontDeskState)
    await call_handler(FrontDeskState.open_desk, state)
    return root, state


def test_type_arrow_enter_checks_the_highlighted_member_in_and_shows_the_card(
    db: Session, bound: dict[str, Actor]
) -> None:
    for n in range(12):
        make_member(db, full_name=f"Deskrow Tester{n:02d}")
    before = open_visits(db)

    async def scenario() -> None:
        root, state = await desk()
        await call_handler(FrontDeskState.search, state, "deskrow")
        assert len(state.results) == 8  # never more than eight rows in state
        await call_handler(FrontDeskState.key_down, state, "ArrowDown")
        await call_handler(FrontDeskState.key_down, state, "ArrowDown")
        await call_handler(FrontDeskState.key_down, state, "ArrowUp")
        assert state.highlight == 1
        chosen = state.results[1]
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert state.has_card and state.card.name == chosen.name and state.card.inside
        assert state.card.visits == chosen.visits + 1
        assert state.card.headline.startswith("Checked in at")
        assert state.results == [] and state.query == ""
        assert (await root.get_state(LiveState)).current == before + 1
        assert open_visits(db) == before + 1

        # The same member, found again, is inside: Enter now checks them out.
        await call_handler(FrontDeskState.search, state, chosen.name)
        assert state.results[0].inside
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert state.card.headline.startswith("Checked out at") and not state.card.inside
        assert open_visits(db) == before

    run(scenario())


def test_the_cards_check_out_button_checks_the_member_on_the_card_out(
    db: Session, bound: dict[str, Actor]
) -> None:
    make_member(db, full_name="Cardout Tester")
    before = open_visits(db)

    async def scenario() -> None:
        _, state = await desk()
        await call_handler(FrontDeskState.search, state, "cardout")
        await call_handler(FrontDeskState.key_down, state, "Enter")
        checked_in = state.card
        assert checked_in.inside and open_visits(db) == before + 1
        await call_handler(FrontDeskState.check_out_card, state)
        card = state.card
        assert not card.inside and card.headline.startswith("Checked out at")
        assert card.detail.startswith("Visit of")
        assert (card.id, card.name, card.initials, card.tier, card.visits) == (
            checked_in.id,
            checked_in.name,
            checked_in.initials,
            checked_in.tier,
            checked_in.visits,
        )
        assert open_visits(db) == before

    run(scenario())


@pytest.mark.parametrize(
    ("status", "end_days", "reason", "cue"),
    [
        (MemberStatus.FROZEN, 30, "membership is frozen", "Frozen"),
        (MemberStatus.INACTIVE, 30, "membership is inactive", "Inactive"),
        # Not the trainer's member: neither the row nor the refusal says when it ended (outside their scope).
        (MemberStatus.ACTIVE, -1, "membership has ended", "Expired"),
    ],
)
def test_a_refusal_shows_the_services_reason_and_writes_nothing(
    db: Session, bound: dict[str, Actor], status: MemberStatus, end_days: int, reason: str, cue: str
) -> None:
    end = date.today() + timedelta(days=end_days)
    member = make_member(db, full_name="Refused Person", status=status, end=end)
    before = open_visits(db)

    async def scenario() -> None:
        _, state = await desk()
        await call_handler(FrontDeskState.search, state, str(member.id))
        assert [row.name for row in state.results] == ["Refused Person"]
        assert state.results[0].warning == cue  # the desk sees the problem before pressing Enter
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert reason in state.refusal and state.refusal.startswith("Refused Person")
        assert str(end.year) not in state.refusal
        assert not state.has_card and not state.can_override and not state.overridable
        assert open_visits(db) == before

    run(scenario())


def _fill_the_gym(db: Session) -> None:
    gym = db.get(GymSettings, 1)
    assert gym is not None
    gym.max_capacity = open_visits(db) + 1
    db.add(gym)
    make_visit(db, make_member(db, full_name="Last One In"), minutes=None)
    db.flush()


def test_at_capacity_a_trainer_is_refused_and_an_admin_may_override_with_a_reason(
    db: Session, bound: dict[str, Actor]
) -> None:
    _fill_the_gym(db)
    guest = make_member(db, full_name="Over Capacity")
    before = open_visits(db)

    async def scenario() -> None:
        _, trainer = await desk("thrust_access=staff")
        await call_handler(FrontDeskState.search, trainer, str(guest.id))
        await call_handler(FrontDeskState.key_down, trainer, "Enter")
        assert trainer.refusal_code == "AT_CAPACITY" and "full" in trainer.refusal
        assert trainer.overridable and not trainer.can_override  # the page says only an admin can
        await call_handler(FrontDeskState.open_override, trainer)
        assert not trainer.override_open

        _, admin = await desk("thrust_access=admin")
        await call_handler(FrontDeskState.search, admin, str(guest.id))
        await call_handler(FrontDeskState.key_down, admin, "Enter")
        assert admin.overridable and admin.can_override
        await call_handler(FrontDeskState.open_override, admin)
        assert admin.override_open
        await call_handler(FrontDeskState.override, admin, {"reason": "  "})
        assert admin.override_error and open_visits(db) == before
        await call_handler(FrontDeskState.override, admin, {"reason": "Booked PT session"})
        assert admin.has_card and "over capacity" in admin.card.headline

    run(scenario())
    visit = db.exec(select(CheckIn).where(CheckIn.member_id == guest.id)).one()
    assert visit.override_reason == "Booked PT session"
    assert open_visits(db) == before + 1


def test_escape_clears_and_a_member_cannot_use_the_desk(db: Session, bound: dict[str, Actor]) -> None:
    make_member(db, full_name="Escape Artist")

    async def scenario() -> None:
        _, state = await desk()
        await call_handler(FrontDeskState.search, state, "escape")
        assert state.results
        await call_handler(FrontDeskState.key_down, state, "Escape")
        assert state.results == [] and state.query == ""

        root = client("thrust_access=member")
        auth, _redirect = await load_page(root)  # a member is sent away from the desk, still signed in
        assert auth.is_authenticated
        member_desk = await root.get_state(FrontDeskState)
        await call_handler(FrontDeskState.search, member_desk, "escape")
        assert member_desk.results == []

    run(scenario())


def test_the_card_shows_todays_plan_day_to_those_who_may_see_the_members_plans(
    db: Session, bound: dict[str, Actor]
) -> None:
    admin, trainer = bound["thrust_access=admin"], bound["thrust_access=staff"]
    other_trainer = make_user(db, role=Role.TRAINER)
    planned = make_member(db, full_name="Planned Person", trainer=db.get(User, trainer.user_id))
    elsewhere = make_member(db, full_name="Elsewhere Person", trainer=other_trainer)
    make_member(db, full_name="Unplanned Person", trainer=db.get(User, trainer.user_id))
    for member in (planned, elsewhere):
        body = {
            "memberId": str(member.id),
            "title": "Strength",
            "planData": plan_document(exercises=4),
            "startsOn": clock.today(db).isoformat(),  # today is week 1, day 1
        }
        plans.create_plan(db, admin, body)

    async def check_in(cookie: str, name: str) -> FrontDeskState:
        _, state = await desk(cookie)
        await call_handler(FrontDeskState.search, state, name)
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert state.card.inside and state.card.name == name
        return state

    async def scenario() -> None:
        card = (await check_in("thrust_access=staff", "Planned Person")).card
        assert card.plan_day == "Week 1 · Day 1: Day 1"
        assert card.plan_exercises == "4 exercises: Exercise 1.1.1, Exercise 1.1.2, Exercise 1.1.3 and 1 more"
        # The trainer checks in another trainer's member, but does not see their plan.
        card = (await check_in("thrust_access=staff", "Elsewhere Person")).card
        assert (card.plan_day, card.plan_exercises) == ("", "")
        state = await check_in("thrust_access=staff", "Unplanned Person")
        assert state.card.plan_day == ""
        # Checked out: a goodbye, not today's plan.
        await call_handler(FrontDeskState.check_out_card, state)
        assert not state.card.inside and state.card.plan_day == ""
        await call_handler(FrontDeskState.search, state, "Elsewhere Person")
        await call_handler(FrontDeskState.key_down, state, "Enter")  # out again, then in as the admin
        card = (await check_in("thrust_access=admin", "Elsewhere Person")).card
        assert card.plan_day == "Week 1 · Day 1: Day 1"

    run(scenario())
