"""The Staff tab's state without a server: the table, adding an account, and refusals shown where the
admin looks (field messages for the form, the notice above the table for a role or status change)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.auth.helpers import PASSWORD, make_account
from tests.factories import actor_for
from tests.support.states import call, client, run, said, scope_in, sessions, signed_in
from thrust.models import Role, User
from thrust.staff.service import LAST_ADMIN_DEMOTE, NOT_YOURSELF
from thrust.staff.state import StaffState
from thrust.ui import feedback
from thrust.ui.feedback import FIX_FIELDS

COOKIE = "thrust_access=admin"


@pytest.fixture
def admin(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[User]:
    user = make_account(db, Role.ADMIN, full_name="Gym Admin")
    sessions(monkeypatch, {COOKIE: actor_for(user)})
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    yield user


async def _staff() -> Any:
    root = client(COOKIE, "/settings")
    await signed_in(root)
    staff = await root.get_state(StaffState)
    await call(StaffState.load_staff, staff)
    return staff


def test_adding_an_account_and_its_field_messages(admin: User) -> None:
    async def scenario() -> None:
        staff = await _staff()
        assert [(r.name, r.is_you) for r in staff.rows] == [("Gym Admin", True)] and staff.loaded

        form = {
            "fullName": "Coach Carter",
            "email": "coach@example.com",
            "role": "TRAINER",
            "password": "short",
        }
        out = await call(StaffState.add_staff, staff, form)
        assert set(staff.errors) == {"password"} and FIX_FIELDS in said(out)
        assert staff.add_key == 0 and len(staff.rows) == 1

        out = await call(StaffState.add_staff, staff, {**form, "password": PASSWORD})
        assert staff.errors == {} and staff.add_key == 1
        assert "Saved: Coach Carter can now sign in" in said(out)
        assert {r.email for r in staff.rows} == {admin.email, "coach@example.com"}

    run(scenario())


def test_a_refused_change_shows_the_notice_and_the_stored_table(admin: User) -> None:
    async def scenario() -> None:
        staff = await _staff()
        out = await call(StaffState.change_role, staff, str(admin.id), "TRAINER")
        assert staff.notice == LAST_ADMIN_DEMOTE and LAST_ADMIN_DEMOTE in said(out)
        assert [r.role for r in staff.rows] == ["ADMIN"]  # reloaded: what is stored

        out = await call(StaffState.set_active, staff, str(admin.id), False)
        assert staff.notice == NOT_YOURSELF and NOT_YOURSELF in said(out)

        await call(StaffState.dismiss_notice, staff)
        assert staff.notice == ""

    run(scenario())


def test_a_change_that_goes_through_clears_the_notice(db: Session, admin: User) -> None:
    coach = make_account(db, Role.TRAINER, full_name="Coach Carter")

    async def scenario() -> None:
        staff = await _staff()
        await call(StaffState.set_active, staff, str(admin.id), False)
        assert staff.notice == NOT_YOURSELF

        out = await call(StaffState.change_role, staff, str(coach.id), "ADMIN")
        assert staff.notice == "" and "Saved: role is now Admin" in said(out)
        assert {r.name: r.role for r in staff.rows}["Coach Carter"] == "ADMIN"

        out = await call(StaffState.set_active, staff, str(coach.id), False)
        assert "Saved: account deactivated and signed out" in said(out)
        assert {r.name: r.active for r in staff.rows}["Coach Carter"] is False

    run(scenario())
