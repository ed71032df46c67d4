"""`@background_requires`: a background handler gets `@requires`'s policy and its check under the lock."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from reflex.state import State

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.support.states import call, client, run, said, sessions, signed_in
from thrust.auth.arguments import BadArgument
from thrust.auth.background import background_actor, background_requires
from thrust.auth.policy import DENIED_MESSAGE, handler_policy
from thrust.auth.rbac import Actor
from thrust.auth.state import AuthState
from thrust.core.reflex_compat import handler_name
from thrust.members.capabilities import CREATE_MEMBERS
from thrust.members.import_state import ImportState
from thrust.models import Role

ADMIN = Actor(uuid.uuid4(), "admin@thrust.com", Role.ADMIN, uuid.uuid4())
MEMBER = Actor(uuid.uuid4(), "sam.lee.1@example.com", Role.MEMBER, uuid.uuid4())
COOKIES = {"thrust_access=admin": ADMIN, "thrust_access=member": MEMBER}

refused: list[Any] = []


# Plain functions, not handlers of a test state: a state class defined here would join the app's
# registry (and the handler matrices) for the whole test session.
@background_requires(*CREATE_MEMBERS, on_refusal=refused.append)
async def job(self: State, n: int) -> Any:
    return ("ran", background_actor().email, n)


@background_requires(*CREATE_MEMBERS)
async def stepwise(self: State) -> Any:
    yield "first"
    yield background_actor().email


@background_requires()
async def picky(self: State, value: object) -> Any:
    raise BadArgument("value", "must be text")


@pytest.fixture(autouse=True)
def fake_sessions(monkeypatch: pytest.MonkeyPatch) -> dict[str, Actor]:
    refused.clear()
    return sessions(monkeypatch, COOKIES)


async def auth_of(cookie: str) -> AuthState:
    root = client(cookie, "/settings")
    if cookie:
        await signed_in(root)
    return await root.get_state(AuthState)


def test_a_permitted_caller_runs_the_handler_which_reads_the_verified_actor() -> None:
    async def scenario() -> None:
        state = await auth_of("thrust_access=admin")
        assert await job(state, 3) == ("ran", ADMIN.email, 3)
        assert [item async for item in stepwise(state)] == ["first", ADMIN.email]
        assert refused == []

    run(scenario())


def test_a_caller_without_the_permission_is_refused_and_nothing_runs() -> None:
    async def scenario() -> None:
        state = await auth_of("thrust_access=member")
        assert DENIED_MESSAGE in said([await job(state, 3)])
        assert refused == [state]  # the refusal hook ran (to put the state back)
        assert DENIED_MESSAGE in said([item async for item in stepwise(state)])

    run(scenario())


def test_an_ended_session_is_refused_with_the_sign_in_again_events() -> None:
    async def scenario() -> None:
        state = await auth_of("")
        out = said([await job(state, 1)])
        assert "ran" not in out and "session has ended" in out

    run(scenario())


def test_a_bad_argument_becomes_a_toast() -> None:
    async def scenario() -> None:
        state = await auth_of("thrust_access=member")
        assert "value must be text" in said([await picky(state, 1)])

    run(scenario())


def test_the_actor_is_only_known_inside_a_checked_handler() -> None:
    with pytest.raises(RuntimeError):
        background_actor()


def test_the_handler_keeps_its_policy_signature_and_background_mark() -> None:
    policy = handler_policy(handler_name(ImportState.run_import))
    assert policy.allows_role(Role.ADMIN) and not policy.allows_role(Role.MEMBER)
    assert ImportState.event_handlers["run_check"].is_background
    with pytest.raises(TypeError):
        background_requires()(lambda self: None)


def test_the_import_check_refused_mid_way_stops_its_spinner() -> None:
    async def scenario() -> None:
        root = client("thrust_access=member", "/settings")
        await signed_in(root)
        importer = await root.get_state(ImportState)
        importer.checking = True
        out = await call(ImportState.run_check, importer)
        assert DENIED_MESSAGE in said(out) and importer.checking is False

    run(scenario())
