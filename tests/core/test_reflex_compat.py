"""Contracts with the installed Reflex: one test per internal that thrust/core/reflex_compat.py uses.

When Reflex is upgraded, whatever it moved fails here, by name, before anything else does.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from reflex.app import EventNamespace
from reflex.state import State, StateUpdate
from reflex.utils.token_manager import SocketRecord
from reflex_base.constants import Endpoint
from reflex_base.vars.base import Var

import thrust.thrust  # noqa: F401  (registers every state, as the running app does)
from thrust.auth.policy import POLICY_ATTRIBUTE
from thrust.auth.state import AuthState
from thrust.checkins.state import LiveState
from thrust.core import reflex_compat as compat
from thrust.staff.state import StaffState


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def new_tree() -> State:
    return State(_reflex_internal_init=True)


# -- the version -----------------------------------------------------------------------------------


def test_the_installed_reflex_is_the_verified_release() -> None:
    # Fails on purpose after an upgrade: run this file, fix reflex_compat.py, then bump the constant.
    assert compat.installed_reflex_versions() == dict.fromkeys(
        compat.REFLEX_DISTRIBUTIONS, compat.VERIFIED_REFLEX_VERSION
    )
    assert compat.reflex_version_problem() is None and compat.check_reflex_version()


def test_another_reflex_is_reported_at_start_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        compat, "installed_reflex_versions", lambda: {"reflex": "0.11.0", "reflex-base": "0.10.1"}
    )
    with caplog.at_level(logging.ERROR, logger="thrust.app"):
        assert compat.check_reflex_version() is False
    assert "verified against Reflex 0.10.1 but reflex 0.11.0 is installed" in caplog.text
    assert "tests/core/test_reflex_compat.py" in caplog.text


# -- handlers --------------------------------------------------------------------------------------


def test_the_boot_handlers_are_registered_under_the_names_we_allow() -> None:
    registered = set(compat.registered_handlers())
    assert registered >= compat.BOOT_HANDLERS
    assert compat.HYDRATE_HANDLERS <= compat.BOOT_HANDLERS
    assert State.get_full_name() == compat.ROOT_STATE
    assert compat.handler_name(State.hydrate) in compat.HYDRATE_HANDLERS


def test_the_registry_names_every_app_handler_and_keeps_our_decorated_function() -> None:
    entry = compat.registered_handlers()[compat.handler_name(StaffState.load_staff)]
    fn = compat.registered_function(entry)
    # The policy our decorators attach must be on the function the registry hands back.
    assert getattr(fn, POLICY_ATTRIBUTE).permissions
    assert fn is compat.handler_function(StaffState.load_staff)


def test_handler_name_is_the_protocol_name() -> None:
    assert compat.handler_name(AuthState.require_login) == (
        "reflex___state____state.thrust___auth___state____auth_state.require_login"
    )


def test_call_handler_runs_the_body_on_the_given_state() -> None:
    root = new_tree()
    assert not root.is_hydrated
    compat.call_handler(State.set_is_hydrated, root, True)
    assert root.is_hydrated


# -- answering without running the event -----------------------------------------------------------


def test_update_instead_sends_what_changed_once_with_the_events() -> None:
    async def scenario() -> None:
        root = new_tree()
        live = await root.get_state(LiveState)
        live.paused = True
        update = await compat.update_instead(live, [State.set_is_hydrated(True)])
        assert isinstance(update, StateUpdate)
        assert update.delta[LiveState.get_full_name()]["paused_rx_state_"] is True
        assert [e.name for e in update.events] == [compat.handler_name(State.set_is_hydrated)]
        again = await compat.update_instead(live, [])
        assert LiveState.get_full_name() not in again.delta  # marked as sent

    run(scenario())


def test_dropped_is_an_empty_update() -> None:
    update = compat.dropped()
    assert isinstance(update, StateUpdate) and not update.delta and not update.events


# -- sockets of this worker ------------------------------------------------------------------------


def app_with_namespace() -> Any:
    app = SimpleNamespace()
    app.event_namespace = EventNamespace(compat.EVENT_PATH, app)  # type: ignore[arg-type]  # a stand-in app
    return app


def test_local_sockets_are_only_this_workers_sockets() -> None:
    app = app_with_namespace()
    manager = app.event_namespace._token_manager

    async def scenario() -> None:
        await manager.link_token_to_sid("mine", "sid-1")

    run(scenario())
    manager.token_to_socket["theirs"] = SocketRecord(instance_id="another-worker", sid="sid-2")
    assert compat.local_sockets(app) == {"mine": "sid-1"}
    assert compat.local_sockets(SimpleNamespace(event_namespace=None)) == {}  # type: ignore[arg-type]  # a stand-in app without sockets


def test_send_to_sockets_emits_once_the_delta_reflex_itself_would_send() -> None:
    app = app_with_namespace()
    namespace = app.event_namespace
    sent: list[tuple[str, Any, Any]] = []

    async def emit(event: str, update: StateUpdate, to: Any) -> None:
        sent.append((event, update, to))

    namespace.emit = emit

    async def scenario() -> dict[str, Any]:
        paused = {LiveState.get_full_name(): {"paused": True}}
        await compat.send_to_sockets(app, ["sid-1", "sid-2"], paused)
        await compat.send_to_sockets(app, [], paused)  # nobody: nothing sent
        root = new_tree()
        live = await root.get_state(LiveState)
        live.paused = True
        return await root._get_resolved_delta()

    reflex_delta = run(scenario())
    [(event, update, to)] = sent
    assert event == "event" and to == ["sid-1", "sid-2"]  # one emit for all the sockets
    assert update.delta == {LiveState.get_full_name(): {"paused_rx_state_": True}}
    assert set(update.delta[LiveState.get_full_name()]) <= set(reflex_delta[LiveState.get_full_name()])


def test_socketio_takes_a_list_of_sids_as_rooms_and_encodes_the_packet_once() -> None:
    """What send_to_sockets relies on in python-socketio: each socket is a room of its own, a list of
    rooms is accepted, and a callback-less emit builds one packet for all of them."""
    import socketio  # Reflex's own dependency

    server = socketio.AsyncServer(async_mode="asgi")
    manager = server.manager
    manager.set_server(server)
    manager.initialize()
    for sid in ("a", "b", "c"):
        manager.basic_enter_room(sid, "/_event", None, eio_sid=f"eio-{sid}")
        manager.basic_enter_room(sid, "/_event", sid)
    assert sorted(sid for sid, _ in manager.get_participants("/_event", ["a", "c"])) == ["a", "c"]
    source = inspect.getsource(type(manager).emit)
    assert "can be generated once and reused" in source


def test_the_socket_hooks_have_the_signatures_we_wrap_and_come_back() -> None:
    connect = inspect.signature(EventNamespace.on_connect)
    disconnect = inspect.signature(EventNamespace.on_disconnect)
    assert inspect.iscoroutinefunction(EventNamespace.on_connect)
    assert list(connect.parameters) == ["self", "sid", "environ", "auth"]
    assert not inspect.iscoroutinefunction(EventNamespace.on_disconnect)
    assert list(disconnect.parameters) == ["self", "sid"]

    app = app_with_namespace()
    namespace = app.event_namespace
    original = namespace.on_connect, namespace.on_disconnect
    calls: list[str] = []

    def wrap(name: str) -> Any:
        def wrapper(hook: Any) -> Any:
            def called(*args: Any) -> Any:
                calls.append(name)
                return hook

            return called

        return wrapper

    undo = compat.wrap_socket_hooks(app, wrap("connect"), wrap("disconnect"))
    assert undo is not None
    namespace.on_connect("sid", {}, None)
    namespace.on_disconnect("sid")
    assert calls == ["connect", "disconnect"]
    undo()
    assert (namespace.on_connect, namespace.on_disconnect) == original
    assert compat.wrap_socket_hooks(SimpleNamespace(event_namespace=None), wrap("c"), wrap("d")) is None  # type: ignore[arg-type]  # a stand-in app without sockets


# -- the HTTP side ---------------------------------------------------------------------------------


def test_the_endpoints_and_upload_headers_are_reflexs() -> None:
    from reflex_components_core.core import _upload

    assert str(Endpoint.EVENT) == compat.EVENT_PATH
    assert str(Endpoint.UPLOAD) == compat.UPLOAD_PATH
    source = inspect.getsource(_upload)
    for header in (compat.UPLOAD_TOKEN_HEADER, compat.UPLOAD_HANDLER_HEADER):
        assert f'request.headers.get("{header.decode()}")' in source


def test_the_built_frontend_dir_is_under_reflexs_web_dir() -> None:
    from reflex.utils.prerequisites import get_web_dir

    folder = compat.built_frontend_dir()
    assert isinstance(folder, Path)
    assert folder.is_relative_to(get_web_dir()) and folder != Path(get_web_dir())


def test_the_connection_lost_var_is_a_frontend_var() -> None:
    var = compat.connection_lost_var()
    assert isinstance(var, Var)
    assert "connectErrors" in str(var)


# -- the reflex command line -----------------------------------------------------------------------


def test_run_prod_calls_the_build_steps_we_skip_through_their_modules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import reflex.reflex as reflex_cli
    from reflex.utils import build

    # `_run_prod` looks both up at call time, so replacing the module attributes takes effect.
    source = inspect.getsource(reflex_cli._run_prod)
    assert "_compile_app(" in source and "build.setup_frontend_prod(" in source
    monkeypatch.setattr(reflex_cli, "_compile_app", reflex_cli._compile_app)
    monkeypatch.setattr(build, "setup_frontend_prod", build.setup_frontend_prod)
    assert compat.skip_prod_build_steps() is True
    assert reflex_cli._compile_app(avoid_dirty_check=False) is None
    assert build.setup_frontend_prod(Path.cwd()) is None
    assert reflex_cli._compile_app is build.setup_frontend_prod


def test_the_output_supervisor_is_asked_only_in_reflexs_json_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from reflex_base.utils import log as reflex_log

    assert callable(reflex_log.supervise_output)
    assert list(inspect.signature(reflex_log.supervise_output).parameters) == ["args"]
    monkeypatch.delenv("REFLEX_LOG_JSON", raising=False)
    assert compat.output_needs_supervisor() is False
    monkeypatch.setattr(reflex_log, "is_json_mode", lambda: True)
    monkeypatch.setattr(reflex_log, "is_output_supervised", lambda: False)
    assert compat.output_needs_supervisor() is True


# -- the embedded state store ---------------------------------------------------------------------------


def test_the_disk_state_store_purges_in_the_method_we_throttle() -> None:
    from reflex.istate.manager.disk import StateManagerDisk

    assert "_purge_expired_states" in inspect.getsource(StateManagerDisk._process_write_queue)
    assert compat.throttle_disk_state_purge() is True  # applied once (at import of the app), kept since
    assert getattr(StateManagerDisk._purge_expired_states, "_thrust_throttled", False)


def test_the_throttled_purge_still_removes_expired_states_at_most_once_a_minute(tmp_path: Path) -> None:
    import os
    import time

    from reflex.istate.manager.disk import StateManagerDisk

    store = SimpleNamespace(states_directory=tmp_path, token_expiration=60)

    def expired(name: str) -> Path:
        path = tmp_path / f"{name}.pkl"
        path.write_bytes(b"")
        an_hour_ago = time.time() - 3600
        os.utime(path, (an_hour_ago, an_hour_ago))
        return path

    first = expired("first")
    StateManagerDisk._purge_expired_states(store)  # type: ignore[arg-type]  # a stand-in with the two fields it reads
    assert not first.exists()
    second = expired("second")
    StateManagerDisk._purge_expired_states(store)  # type: ignore[arg-type]
    assert second.exists()  # within the minute: left for the next purge
