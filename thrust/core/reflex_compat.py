"""Every use THRUST makes of Reflex internals, in one place, checked against the Reflex it was verified on.

Reflex has no public API for a few things THRUST needs: the table of registered handlers (for the
default-deny policy), the delta of a state outside an event (to drop an event and still answer),
this worker's own sockets (for the live page), a var set straight over one socket, the names of the
handlers a browser calls before anyone signs in, and the steps of `reflex run --env prod` that a
recorded build makes unnecessary. Each is one small function or constant here; the rest of the app
imports these, never Reflex's private names. `tests/core/test_reflex_compat.py` holds one contract
test per entry, so a Reflex upgrade that moves one of them fails there, by name.

Upgrading Reflex: bump the pin in requirements.txt, run `tests/core/test_reflex_compat.py`, fix
what fails here, then set `VERIFIED_REFLEX_VERSION`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import reflex as rx
    from reflex.state import BaseState, StateUpdate

log = logging.getLogger("thrust.app")

# The Reflex release every function below was read against and tested on.
VERIFIED_REFLEX_VERSION = "0.10.1"
# The Reflex distributions whose internals are used here (all released together, same version).
REFLEX_DISTRIBUTIONS = ("reflex", "reflex-base", "reflex-components-core")

# -- the installed version ----------------------------------------------------------------------------


def installed_reflex_versions() -> dict[str, str]:
    """distribution -> installed version, for the Reflex packages this module reaches into."""
    versions: dict[str, str] = {}
    for name in REFLEX_DISTRIBUTIONS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def reflex_version_problem() -> str | None:
    """A sentence saying which installed Reflex package differs from the verified release, or None."""
    other = {name: v for name, v in installed_reflex_versions().items() if v != VERIFIED_REFLEX_VERSION}
    if not other:
        return None
    found = ", ".join(f"{name} {version}" for name, version in sorted(other.items()))
    return (
        f"THRUST was verified against Reflex {VERIFIED_REFLEX_VERSION} but {found} is installed; "
        "the Reflex internals THRUST relies on may have changed: run tests/core/test_reflex_compat.py "
        "and see thrust/core/reflex_compat.py."
    )


def check_reflex_version() -> bool:
    """At start: log (as an error) when the installed Reflex is not the verified one; True when it is.

    Logged, not raised: requirements.txt pins the verified release, so a mismatch is a deliberate
    upgrade, and the contract tests are what decide whether it works. Refusing to start would also
    stop the test suite from importing the app, hiding which internal moved. What breaks here breaks
    loudly (an exception from the function below that lost its internal), not silently.
    """
    problem = reflex_version_problem()
    if problem is not None:
        log.error(problem)
    return problem is None


# -- handlers: names, the registry, calling one directly ----------------------------------------------

# Reflex's own handlers that a browser calls before anyone can have signed in: connect/hydrate, the
# page-load chain, client-storage sync and the client's error reports.
ROOT_STATE = "reflex___state____state"
HYDRATE_HANDLERS = frozenset({f"{ROOT_STATE}.hydrate", f"{ROOT_STATE}.hydrate_and_load"})
BOOT_HANDLERS = HYDRATE_HANDLERS | frozenset(
    {
        f"{ROOT_STATE}.set_is_hydrated",
        f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal",
        f"{ROOT_STATE}.reflex___state____on_load_internal_state.set_is_hydrated",
        f"{ROOT_STATE}.reflex___state____update_vars_internal_state.update_vars_internal",
        f"{ROOT_STATE}.reflex___state____frontend_event_exception_state.handle_frontend_exception",
    }
)


def registered_handlers() -> Mapping[str, Any]:
    """Every event handler of every state Reflex knows, by the full name the socket protocol uses
    (values: Reflex's registry entries; read the function with `registered_function`)."""
    from reflex_base.registry import RegistrationContext

    return RegistrationContext.ensure_context().event_handlers


def registered_function(entry: Any) -> Callable[..., Any]:
    """The function a registry entry runs: the one our decorators marked (policies live on it)."""
    fn: Callable[..., Any] = entry.handler.fn
    return fn


def handler_function(handler: Any) -> Callable[..., Any]:
    """The plain function behind a state's event handler (`State.handler`), callable as fn(state, ...)."""
    fn: Callable[..., Any] = handler.fn
    return fn


def call_handler(handler: Any, state: BaseState, *args: Any) -> Any:
    """Run another state's handler body on `state` directly, without dispatching a new event (same
    lock, same delta): `handler` is `SomeState.handler`, `state` an instance of SomeState or a subclass."""
    return handler_function(handler)(state, *args)


def handler_name(handler: Any) -> str:
    """The full name the socket protocol uses for a state's event handler."""
    from reflex.utils.format import format_event_handler

    name: str = format_event_handler(handler)
    return name


# -- answering without running the event ---------------------------------------------------------------


async def update_instead(state: BaseState, events: list[Any]) -> StateUpdate:
    """For a middleware dropping an event: what changed in the state tree so far (then marked as sent)
    and `events` to run on the client instead."""
    from reflex.state import StateUpdate
    from reflex_base.event import Event

    root = state._get_root_state()
    delta = await root._get_resolved_delta()
    root._clean()  # type: ignore[no-untyped-call]  # unannotated in Reflex
    return StateUpdate(delta=delta, events=Event.from_event_type(events))


def dropped() -> StateUpdate:
    """For a middleware: drop the event and send nothing."""
    from reflex.state import StateUpdate

    return StateUpdate()


# -- sockets of this worker -----------------------------------------------------------------------------


def local_sockets(app: rx.App) -> dict[str, str]:
    """token -> socket id of the sockets connected to this worker process. Reflex's public
    `token_to_sid` also caches other workers' sockets when Redis is used; only its token manager's
    records say which worker holds each."""
    namespace = app.event_namespace
    if namespace is None:
        return {}
    manager = namespace._token_manager
    mine = manager.instance_id
    records = list(manager.token_to_socket.items())
    return {token: record.sid for token, record in records if record.instance_id == mine}


async def send_to_sockets(app: rx.App, sids: Sequence[str], delta: Mapping[str, Mapping[str, Any]]) -> None:
    """Send one update to these sockets of this worker, encoded once for all of them, in the shape a
    handler's delta has (`{state's full name: {var: value}}`), without touching Reflex's state store.
    The page applies it as it applies any delta; a socket gone meanwhile is skipped by Socket.IO."""
    from reflex.state import StateUpdate
    from reflex_base.constants import SocketEvent
    from reflex_base.constants.state import FIELD_MARKER

    namespace = app.event_namespace
    if namespace is None or not sids:
        return
    marked = {
        state: {f"{name}{FIELD_MARKER}": value for name, value in values.items()}
        for state, values in delta.items()
    }
    # A list of sids is a list of rooms (each socket is a room of its own): python-socketio encodes the
    # packet once and queues it to each, like a broadcast to one room.
    await namespace.emit(str(SocketEvent.EVENT), StateUpdate(delta=marked), to=list(sids))


SocketHook = Callable[..., Any]


def wrap_socket_hooks(
    app: rx.App,
    wrap_connect: Callable[[SocketHook], SocketHook],
    wrap_disconnect: Callable[[SocketHook], SocketHook],
) -> Callable[[], None] | None:
    """Wrap the socket namespace's connect and disconnect handlers (Reflex's `on_connect(sid, environ,
    auth)` is async; its `on_disconnect(sid)` is synchronous and takes the sid alone). Returns the
    undo, or None when the app has no socket namespace."""
    namespace = app.event_namespace
    if namespace is None:
        return None
    connect, disconnect = namespace.on_connect, namespace.on_disconnect
    namespace.on_connect = wrap_connect(connect)  # type: ignore[method-assign]  # instance hooks python-socketio calls
    namespace.on_disconnect = wrap_disconnect(disconnect)  # type: ignore[method-assign]  # (same)

    def undo() -> None:
        namespace.on_connect, namespace.on_disconnect = connect, disconnect  # type: ignore[method-assign]  # (same)

    return undo


# -- the HTTP side: endpoints, upload headers, the built frontend --------------------------------------------

EVENT_PATH = "/_event"
UPLOAD_PATH = "/_upload"
# The headers the Reflex frontend sends with an upload: the tab's client token and the handler to run.
UPLOAD_TOKEN_HEADER = b"reflex-client-token"
UPLOAD_HANDLER_HEADER = b"reflex-event-handler"


def built_frontend_dir() -> Path:
    """Where `reflex run --env prod` serves the built pages from (REFLEX_WEB_WORKDIR is honoured)."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base.constants import Dirs

    return Path(get_web_dir()) / Dirs.STATIC


def connection_lost_var() -> Any:
    """The frontend var that is true while the socket is disconnected (Reflex's own banner uses it)."""
    from reflex_components_core.core.banner import has_connection_errors

    return has_connection_errors


# -- the embedded state store ----------------------------------------------------------------------------

# How often the disk state store (the default without Redis) looks for expired tab states. Reflex does
# it after every write batch, about every two seconds: it lists the states folder and reads every file's
# modification time, in a thread holding the interpreter lock for most of it. With hundreds of tabs
# open that is thousands of files every two seconds, and the live pushes queue behind it (the p95 of
# bench/realtime.py at 500 screens). Tabs expire after an hour or more, so once a minute loses nothing.
DISK_PURGE_EVERY_SECONDS = 60.0


def throttle_disk_state_purge(every_seconds: float = DISK_PURGE_EVERY_SECONDS) -> bool:
    """Let the disk state store purge expired states at most every `every_seconds`. False (Reflex's own
    pace kept) when the purge is no longer where Reflex 0.10 keeps it."""
    import time

    from reflex.istate.manager.disk import StateManagerDisk

    purge = getattr(StateManagerDisk, "_purge_expired_states", None)
    if purge is None or getattr(purge, "_thrust_throttled", False):
        return purge is not None
    last: dict[int, float] = {}

    def throttled(self: Any) -> None:
        now = time.monotonic()
        if now - last.get(id(self), float("-inf")) < every_seconds:
            return
        last[id(self)] = now
        purge(self)

    throttled._thrust_throttled = True  # type: ignore[attr-defined]  # marks the wrapper, so it is applied once
    StateManagerDisk._purge_expired_states = throttled  # type: ignore[method-assign]  # the seam: one named place
    return True


# -- the reflex command line ---------------------------------------------------------------------------------

_PROD_BUILD_STEPS = (("reflex.reflex", "_compile_app"), ("reflex.utils.build", "setup_frontend_prod"))


def skip_prod_build_steps() -> bool:
    """Make `reflex run --env prod` (in this process) skip compiling the pages and bundling the
    frontend, whose results are already on disk. False (nothing skipped: Reflex builds again, slow
    but correct) when a step is no longer where Reflex 0.10 keeps it."""
    modules = [(importlib.import_module(module), name) for module, name in _PROD_BUILD_STEPS]
    if not all(hasattr(module, name) for module, name in modules):
        return False
    for module, name in modules:
        setattr(module, name, _already_done)
    return True


def _already_done(*args: object, **kwargs: object) -> None:
    """Stands in for a compile or build step whose result is already on disk."""


def output_needs_supervisor() -> bool:
    """Whether Reflex asked for JSON output (its parent process reads it) that no supervisor wraps yet."""
    from reflex_base.utils import log as reflex_log

    return bool(reflex_log.is_json_mode() and not reflex_log.is_output_supervised())


def supervise_output(command: list[str]) -> int:
    """Run `command` under Reflex's JSON output supervisor; its exit code."""
    from reflex_base.utils import log as reflex_log

    code: int = reflex_log.supervise_output(command)
    return code
