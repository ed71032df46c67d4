"""The socket's access control without a server: handler policies, the middleware and @requires.

States are built as Reflex builds them for a new client token (tests/support/states.py); the cookie ->
actor lookup is replaced by a table, so these tests need no database and run in milliseconds.
"""

from __future__ import annotations

import inspect
import uuid
from typing import Any

import pytest
from reflex.istate.data import RouterData
from reflex.state import State, StateUpdate
from reflex_base.event import Event, EventHandler

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.support.states import client, reconnect, run, sessions, signed_in
from thrust.auth.account_state import AccountProfileState
from thrust.auth.arguments import BadArgument, form_values, int_arg, text_arg, uuid_arg
from thrust.auth.middleware import AuthMiddleware
from thrust.auth.policy import (
    DENIED_MESSAGE,
    REFLEX_PUBLIC_HANDLERS,
    SESSION_ENDED_MESSAGE,
    all_handler_policies,
    handler_policy,
)
from thrust.auth.rbac import Actor, Permission
from thrust.auth.state import AuthState
from thrust.core.reflex_compat import call_handler, handler_function, handler_name
from thrust.demo.state import DemoDataState
from thrust.gym.state import GymSettingsState, SettingsState
from thrust.models import Role
from thrust.staff.state import StaffState
from thrust.ui.routes import login_url, safe_next_path

ADMIN = Actor(uuid.uuid4(), "admin@thrust.com", Role.ADMIN, uuid.uuid4())
MEMBER = Actor(uuid.uuid4(), "sam.lee.1@example.com", Role.MEMBER, uuid.uuid4())
COOKIES = {"thrust_access=admin": ADMIN, "thrust_access=member": MEMBER}

EXPECTED_PUBLIC = REFLEX_PUBLIC_HANDLERS | {
    "reflex___state____state.thrust___auth___state____auth_state.require_login",
    "reflex___state____state.thrust___auth___state____auth_state.redirect_if_signed_in",
    "reflex___state____state.thrust___ui___state____shell_state.load_shell",
    # The public /busy page's figures: nothing while the gym keeps it off, no one's data when on.
    "reflex___state____state.thrust___analytics___busy_state____busy_state.load_busy",
}


name_of = handler_name


@pytest.fixture(autouse=True)
def fake_sessions(monkeypatch: pytest.MonkeyPatch) -> dict[str, Actor]:
    """Cookie header -> actor, editable by a test (deleting an entry = the session ended)."""
    return sessions(monkeypatch, COOKIES, display_name=lambda actor: actor.email.split("@")[0].title())


def new_client(cookie: str = "", path: str = "/settings") -> State:
    return client(cookie, path)


async def preprocess(root: State, handler: Any) -> StateUpdate | None:
    return await AuthMiddleware().preprocess(app=None, state=root, event=Event(name=name_of(handler)))  # type: ignore[arg-type]  # the middleware never reads the app


def toasts(update: StateUpdate | None) -> list[str]:
    if update is None:
        return []
    return [str(ev.payload).replace("\\", "") for ev in update.events if ev.name == "_call_function"]


# -- policies ---------------------------------------------------------------------------------------


def test_only_the_expected_handlers_are_public_and_the_rest_default_to_signed_in() -> None:
    policies = all_handler_policies()
    public = {name for name, policy in policies.items() if policy.public}
    assert public == EXPECTED_PUBLIC
    # Reflex's own setvar of every state is not public: it is "any signed-in user" like anything unmarked.
    assert handler_policy("reflex___state____state.setvar").describe() == "signed-in"
    assert handler_policy(name_of(GymSettingsState.save_gym)).permissions == {Permission.SETTINGS_MANAGE}
    assert handler_policy(name_of(StaffState.set_active)).permissions == {Permission.STAFF_MANAGE}
    # Removing the demo data: admins only (the banner's loader asks the service, which tells only them).
    for handler in (DemoDataState.ask_removal, DemoDataState.confirm_removal, DemoDataState.run_removal):
        policy = handler_policy(name_of(handler))
        assert policy.permissions == {Permission.DEMO_DATA_REMOVE}
        assert [role for role in Role if policy.allows_role(role)] == [Role.ADMIN]
    assert not handler_policy(name_of(AccountProfileState.save_profile)).allows_role(None)
    assert handler_policy(name_of(AccountProfileState.save_profile)).allows_role(Role.MEMBER)
    assert not handler_policy(name_of(GymSettingsState.save_gym)).allows_role(Role.TRAINER)
    with pytest.raises(KeyError):
        handler_policy("reflex___state____state.no_such_handler")


def test_the_guard_keeps_the_signature_reflex_reads() -> None:
    fn = handler_function(GymSettingsState.set_day_open)
    assert list(inspect.signature(fn).parameters) == ["self", "day", "is_open"]
    assert inspect.iscoroutinefunction(fn)
    assert fn.__name__ == "set_day_open"


# -- identity ---------------------------------------------------------------------------------------


def test_a_protected_page_sends_anonymous_visitors_to_sign_in_and_back() -> None:
    async def scenario() -> None:
        root = new_client(path="/settings")
        auth = await root.get_state(AuthState)
        redirect = await call_handler(AuthState.require_login, auth)
        assert f"{login_url('/settings')}" in str(redirect.args)
        assert not auth.is_authenticated

    run(scenario())


def test_the_cookie_establishes_identity_in_backend_vars_only() -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=admin")
        auth = await signed_in(root)
        assert auth._user_id == str(ADMIN.user_id)
        assert auth.is_authenticated and auth.role_label == "Admin" and auth.initials == "A"
        sent = await root._get_resolved_delta()
        text = str(sent)
        assert str(ADMIN.user_id) not in text and "_user_id" not in text and "_role" not in text

    run(scenario())


def test_the_login_page_sends_a_signed_in_user_on_to_a_local_next_only() -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=member", path="/login")
        auth = await root.get_state(AuthState)
        for query, target in (("next=/settings", "/settings"), ("next=//evil.example", "/"), ("", "/")):
            root.router = RouterData.from_router_data(
                {**root.router_data, "asPath": f"/login?{query}", "pathname": "/login"}
            )
            redirect = await call_handler(AuthState.redirect_if_signed_in, auth)
            assert f"'{target}'" in str(redirect.args) or f'"{target}"' in str(redirect.args)

    run(scenario())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/settings", "/settings"),
        ("/members?page=2", "/members?page=2"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("/login", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        (None, "/"),
        (["/settings"], "/"),
    ],
)
def test_next_is_always_a_local_path(value: object, expected: str) -> None:
    assert safe_next_path(value) == expected


def test_a_page_loads_its_data_only_for_users_who_may_open_it() -> None:
    async def scenario() -> None:
        admin = await signed_in(new_client("thrust_access=admin", path="/settings"))
        loaders = await call_handler(AuthState.require_login, admin)
        # The one every page has first (the admins' demo-data banner, above the page), then the page's.
        assert [name_of(h) for h in loaders] == [
            name_of(DemoDataState.load_banner),
            name_of(SettingsState.load_settings),
        ]
        # A member typing the front desk's address is sent to the dashboard, and nothing loads.
        member = await (new_client("thrust_access=member", path="/front-desk")).get_state(AuthState)
        result = await call_handler(AuthState.require_login, member)
        text = str(result)
        assert "_redirect" in text or "redirect" in text
        assert not any(isinstance(item, EventHandler) for item in result)
        # Anonymous visitors get no loaders either: they are sent to sign in.
        anonymous = await new_client(path="/settings").get_state(AuthState)
        assert "login" in str(await call_handler(AuthState.require_login, anonymous))

    run(scenario())


# -- the middleware ----------------------------------------------------------------------------------


def test_anonymous_sockets_may_call_only_public_handlers() -> None:
    async def scenario() -> None:
        root = new_client()
        assert await preprocess(root, AuthState.require_login) is None
        for handler in (AccountProfileState.load_profile, GymSettingsState.save_gym, StaffState.set_active):
            update = await preprocess(root, handler)
            assert isinstance(update, StateUpdate)  # dropped
            assert toasts(update) == []  # nobody to tell: it never had a session

    run(scenario())


def test_a_member_is_refused_admin_handlers_with_a_toast() -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=member")
        await signed_in(root)
        assert await preprocess(root, AccountProfileState.save_profile) is None
        update = await preprocess(root, GymSettingsState.save_gym)
        assert update is not None and DENIED_MESSAGE in " ".join(toasts(update))

    run(scenario())


def test_an_ended_session_drops_the_event_forgets_the_user_and_says_so(fake_sessions: dict) -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=admin")
        auth = await signed_in(root)
        del fake_sessions["thrust_access=admin"]  # logged out elsewhere / deactivated / password changed
        update = await preprocess(root, AccountProfileState.load_profile)
        assert update is not None
        assert SESSION_ENDED_MESSAGE in " ".join(toasts(update))
        assert any(ev.name == "_redirect" for ev in update.events)
        assert auth._user_id == "" and not auth.is_authenticated and auth.display_name == ""

    run(scenario())


def test_a_client_token_reused_with_another_users_cookie_gets_nothing_of_the_first() -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=admin")
        await signed_in(root)
        profile = await root.get_state(AccountProfileState)
        profile.full_name = "Admin's private name"
        # Same client token, another user's cookie: the recorded user no longer matches.
        reconnect(root, "thrust_access=member")
        update = await preprocess(root, AccountProfileState.load_profile)
        assert update is not None and SESSION_ENDED_MESSAGE in " ".join(toasts(update))
        # And a hydrate from an anonymous socket with that token wipes the user's data before it is sent.
        root2 = new_client("thrust_access=admin")
        await signed_in(root2)
        (await root2.get_state(AccountProfileState)).full_name = "Admin's private name"
        reconnect(root2, "")
        assert await preprocess(root2, State.hydrate) is None
        assert (await root2.get_state(AccountProfileState)).full_name == ""
        assert not (await root2.get_state(AuthState)).is_authenticated

    run(scenario())


# -- @requires and arguments -----------------------------------------------------------------------------


def test_the_guard_refuses_inside_the_handler_too_and_changes_nothing() -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=member")
        await signed_in(root)
        gym = await root.get_state(GymSettingsState)
        before = list(gym.days)
        result = await call_handler(GymSettingsState.set_day_open, gym, "mon", False)
        assert DENIED_MESSAGE in str(result)
        assert gym.days == before

    run(scenario())


def test_bad_arguments_get_a_clear_toast_and_change_nothing() -> None:
    async def scenario() -> None:
        root = new_client("thrust_access=admin")
        await signed_in(root)
        gym = await root.get_state(GymSettingsState)
        gym.days = auth_state_days()
        for day, is_open in (({"$gt": 1}, False), ("mon", "yes"), ("x" * 10_000, False), ("someday", True)):
            result = await call_handler(GymSettingsState.set_day_open, gym, day, is_open)
            assert "not understood" in str(result)
        assert all(d.is_open for d in gym.days)

    run(scenario())


def auth_state_days() -> list[Any]:
    from thrust.gym.state import _days_from
    from thrust.models import default_opening_hours

    return _days_from(default_opening_hours())


def test_argument_readers() -> None:
    assert form_values({"a": "x", "extra": "y"}, {"a": 5, "b": 5}) == {"a": "x", "b": ""}
    # A control the page did not show comes as null: absent.
    assert form_values({"a": None, "hidden_ref": None}, {"a": 5}) == {"a": ""}
    for bad in ({"a": ["x"]}, {"a": {"b": "c"}}, {"a": 1}, ["a"], "a", {f"k{i}": "" for i in range(100)}):
        with pytest.raises(BadArgument):
            form_values(bad, {"a": 5})
    with pytest.raises(BadArgument):
        form_values({"a": "x" * 6}, {"a": 5})
    with pytest.raises(BadArgument):
        text_arg(None, "name")
    with pytest.raises(BadArgument):
        int_arg(True, "n")
    with pytest.raises(BadArgument):
        uuid_arg("not-a-uuid", "id")
    assert uuid_arg(str(ADMIN.user_id), "id") == ADMIN.user_id


def test_every_registered_handler_is_refused_to_whom_its_policy_refuses() -> None:
    """The middleware layer of the authorization matrix: every handler the app registers (so a handler
    added later is covered too), for an anonymous socket and a signed-in member."""

    async def scenario() -> int:
        checked = 0
        for name, policy in all_handler_policies().items():
            event = Event(name=name)
            anonymous = new_client()
            update = await AuthMiddleware().preprocess(app=None, state=anonymous, event=event)  # type: ignore[arg-type]  # the middleware never reads the app
            assert (update is None) == policy.public, name
            member = new_client("thrust_access=member")
            await signed_in(member)
            update = await AuthMiddleware().preprocess(app=None, state=member, event=event)  # type: ignore[arg-type]  # the middleware never reads the app
            assert (update is None) == policy.allows_role(Role.MEMBER), name
            if update is not None:
                assert DENIED_MESSAGE in " ".join(toasts(update)), name
            checked += 2
        return checked

    assert run(scenario()) >= 2 * len(EXPECTED_PUBLIC)
