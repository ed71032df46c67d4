"""The Profile and Password tabs' state without a server: what a refusal puts next to each field, and
the toasts (the handlers' units of work run in the test's rolled-back transaction, both engines)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.auth.helpers import NEW_PASSWORD, PASSWORD, make_account
from tests.factories import actor_for
from tests.support.states import call, client, run, said, scope_in, sessions, signed_in
from thrust.auth.account_state import PASSWORD_CHANGED, AccountPasswordState, AccountProfileState
from thrust.auth.service import WRONG_CURRENT_PASSWORD
from thrust.auth.state import AuthState
from thrust.core.validation import EMAIL_TAKEN
from thrust.models import Role, User
from thrust.ui import feedback
from thrust.ui.feedback import FIX_FIELDS

COOKIE = "thrust_access=me"


@pytest.fixture
def me(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[User]:
    user = make_account(db, Role.TRAINER, full_name="Marcus Reid")
    sessions(monkeypatch, {COOKIE: actor_for(user)})
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    yield user


async def _tab(cls: Any) -> Any:
    root = client(COOKIE, "/settings")
    await signed_in(root)
    return await root.get_state(cls)


def test_profile_saves_and_a_refusal_shows_next_to_its_field(db: Session, me: User) -> None:
    taken = make_account(db, Role.MEMBER).email

    async def scenario() -> None:
        profile = await _tab(AccountProfileState)
        await call(AccountProfileState.load_profile, profile)
        assert (profile.full_name, profile.email, profile.loaded) == ("Marcus Reid", me.email, True)
        key = profile.form_key

        form = {"fullName": "Marcus Reid", "phone": "", "email": taken}
        out = await call(AccountProfileState.save_profile, profile, form)
        assert profile.errors == {"email": EMAIL_TAKEN} and EMAIL_TAKEN in said(out)
        assert profile.email == me.email and profile.form_key == key  # what is stored stays shown

        out = await call(
            AccountProfileState.save_profile, profile, {**form, "fullName": "Marc Reid", "email": me.email}
        )
        assert profile.errors == {} and profile.full_name == "Marc Reid" and profile.form_key == key + 1
        assert '["success"]("Saved")' in said(out)
        assert (await profile.get_state(AuthState)).display_name == "Marc Reid"

    run(scenario())


def test_password_form_checks_then_the_service_then_changes(me: User) -> None:
    async def scenario() -> None:
        password = await _tab(AccountPasswordState)
        form = {"currentPassword": "", "newPassword": NEW_PASSWORD, "repeatPassword": "Other-Staple-94"}
        out = await call(AccountPasswordState.change_password, password, form)
        assert password.errors == {
            "currentPassword": "Enter your current password",
            "repeatPassword": "The passwords do not match",
        }
        assert FIX_FIELDS in said(out)

        form = {
            "currentPassword": "Wrong-Password-1",
            "newPassword": NEW_PASSWORD,
            "repeatPassword": NEW_PASSWORD,
        }
        out = await call(AccountPasswordState.change_password, password, form)
        assert password.errors == {"currentPassword": WRONG_CURRENT_PASSWORD} and FIX_FIELDS in said(out)
        assert password.form_key == 0

        out = await call(
            AccountPasswordState.change_password, password, {**form, "currentPassword": PASSWORD}
        )
        assert password.errors == {} and password.form_key == 1 and PASSWORD_CHANGED in said(out)

    run(scenario())
