"""Untrusted handler arguments over the real socket.

Reflex hands a handler whatever JSON the client sent (type hints are not enforced). Every guarded
handler that takes arguments (enumerated from the app's registry) is called as ADMIN, so the guard
lets it run, with each argument in turn replaced by a hostile value: an operator dict, a list, a deeply
nested structure, a string of 900 kB, a value of another type. The server must answer with a clear
error toast or nothing, change no state value and nothing in the database, and keep the socket usable.
A message over the socket's 1 MB frame limit makes the server close that one socket (and nothing else).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import socketio

from tests.security.conftest import Cast
from tests.security.support import (
    GENERIC_ERROR,
    Database,
    Handler,
    app_handlers,
    changes,
    db_changes,
    dummy_args,
    refusals,
    toasts,
)
from tests.server import AppServer
from tests.support.socket_client import ROOT_STATE, ProbingClient
from thrust.auth.policy import BAD_REQUEST_MESSAGE
from thrust.models import Role

SOCKET_FRAME_LIMIT = 1_000_000  # REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE's default


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value, "b": [value] if depth < 3 else []}
    return value


def hostile_values(kind: str) -> dict[str, Any]:
    other_type = {
        "str": 12345,
        "int": "1 OR 1=1",
        "float": "NaN",
        "bool": "yes",
        "dict": "x",
        "list": {"a": 1},
    }
    return {
        "operator dict": {"$gt": 1},
        "list": ["a", {"$ne": None}],
        "nested 200 deep": nested(200),
        "900 kB string": "x" * 900_000,
        "another type": other_type.get(kind, {"$where": "1"}),
    }


@pytest.fixture(scope="module")
def handlers() -> list[Handler]:
    return app_handlers()


async def _attack(
    app_server: AppServer, cast: Cast, db: Database, handlers: list[Handler]
) -> tuple[int, list[str]]:
    client = ProbingClient(app_server.url, cookie=cast.admin.cookie)
    await client.connect("/")
    served = set(client.mirror)
    targets = [
        h
        for h in handlers
        if h.state in served and h.params and h.policy.permissions and h.allows(Role.ADMIN)
    ]
    failures: list[str] = []
    calls = 0
    try:
        for h in targets:
            for param in h.params:
                for what, value in hostile_values(param.kind).items():
                    payload = {**dummy_args(h), param.name: value}
                    before = db.snapshot()
                    messages = await client.call(h.name, payload, background=h.background)
                    calls += 1
                    label = f"{h.short}({param.name}={what})"
                    diff = db_changes(before, db.snapshot())
                    if diff:
                        failures.append(f"{label}: CHANGED THE DATABASE: {diff}")
                    said = toasts(messages)
                    if any(GENERIC_ERROR in t for t in said):
                        failures.append(f"{label}: the handler crashed (Reflex's generic error toast)")
                    elif changes(messages):
                        failures.append(f"{label}: changed state {changes(messages)[:3]} (toasts: {said})")
                    if refusals(messages):
                        failures.append(f"{label}: refused an ADMIN: {refusals(messages)}")
                    if not client.connected:
                        failures.append(f"{label}: the server closed the socket")
                        return calls, failures
    finally:
        await client.close()
    return calls, failures


def test_hostile_arguments_get_a_clear_refusal_and_change_nothing(
    app_server: AppServer, cast: Cast, server_db: Database, handlers: list[Handler]
) -> None:
    calls, failures = asyncio.run(_attack(app_server, cast, server_db, handlers))
    print(f"hostile handler arguments: {calls} calls")
    assert calls >= 20, "suspiciously few guarded handlers with arguments"
    assert not failures, f"{len(failures)} of {calls} calls failed:\n" + "\n".join(failures)


def test_the_validators_answer_in_words(app_server: AppServer, cast: Cast) -> None:
    """A sample: the toast names the argument and the problem (what the guard's validators say)."""
    save_gym = f"{ROOT_STATE}.thrust___gym___state____gym_settings_state.save_gym"

    async def scenario() -> list[str]:
        client = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        await client.connect("/settings")
        try:
            said = toasts(await client.call(save_gym, {"form_data": "x" * 900_000}))
            said += toasts(await client.call(save_gym, {"form_data": {"name": {"$gt": 1}}}))
            return said
        finally:
            await client.close()

    said = asyncio.run(scenario())
    assert len(said) == 2 and all(BAD_REQUEST_MESSAGE in t for t in said), said


def test_a_message_over_the_frame_limit_closes_only_that_socket(
    app_server: AppServer, cast: Cast, server_db: Database, handlers: list[Handler]
) -> None:
    target = next(h for h in handlers if any(p.kind == "str" for p in h.params) and h.policy.permissions)
    param = next(p for p in target.params if p.kind == "str")

    async def scenario() -> None:
        before = server_db.snapshot()
        client = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        await client.connect("/")
        with_frame = {**dummy_args(target), param.name: "x" * (1 << 20)}
        assert len(json.dumps(with_frame)) > SOCKET_FRAME_LIMIT
        try:
            await client.call(target.name, with_frame)
        except (ConnectionError, socketio.exceptions.BadNamespaceError):
            pass
        else:
            pytest.fail("a 1 MB message was accepted; expected the socket's frame limit to close it")
        finally:
            await client.close()
        assert db_changes(before, server_db.snapshot()) == []
        # The server is fine: a new socket works.
        again = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        await again.connect("/")
        try:
            assert not refusals(await again.call(target.name, dummy_args(target)))
        finally:
            await again.close()

    asyncio.run(scenario())


def test_setvar_cannot_reach_a_guarded_setter(
    app_server: AppServer, cast: Cast, server_db: Database, handlers: list[Handler]
) -> None:
    """Every state's `setvar` is open to any signed-in user and calls `set_<name>(value)`: as a MEMBER,
    aim it at every guarded `set_*` handler; nothing may change."""
    setters = [h for h in handlers if h.method.startswith("set_") and h.policy.permissions]

    async def scenario() -> list[str]:
        client = ProbingClient(app_server.url, cookie=cast.member.cookie)
        await client.connect("/")
        problems = []
        try:
            for h in setters:
                if h.state not in client.mirror:
                    continue
                value = next(iter(dummy_args(h).values()), "x")
                before = server_db.snapshot()
                messages = await client.call(
                    f"{h.state}.setvar", {"var_name": h.method.removeprefix("set_"), "value": value}
                )
                if changes(messages) or db_changes(before, server_db.snapshot()):
                    problems.append(f"{h.short} ran through setvar: {changes(messages)}")
        finally:
            await client.close()
        return problems

    assert setters, "no guarded set_* handler to aim at"
    problems = asyncio.run(scenario())
    assert not problems, "\n".join(problems)
