"""One harness for Reflex state tests without a server: a client's state tree, its cookie, its handlers.

Each client is a fresh state tree as Reflex builds it for a new tab, connected with a cookie in its
handshake (kept in the worker's memory as thrust/auth/connections.py does). `sessions()` replaces the
cookie -> actor lookup with a table, so a test decides who each cookie is (deleting an entry ends that
session). Handlers run through `call`, as Reflex would run them, and `run` starts the scenario.
"""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base.event import EventHandler
from sqlmodel import Session

from tests.support.handshake import handshake_headers
from thrust.auth import sessions as auth_sessions
from thrust.auth import state as auth_state
from thrust.auth.rbac import Actor
from thrust.auth.state import AuthState
from thrust.core.reflex_compat import call_handler

ORIGIN = "http://localhost:3000"


def sessions(
    monkeypatch: pytest.MonkeyPatch,
    table: Mapping[str, Actor],
    display_name: Callable[[Actor], str] = lambda actor: actor.email,
) -> dict[str, Actor]:
    """Cookie header -> actor, as a live table the test may edit; the display name without a database."""
    live = dict(table)
    monkeypatch.setattr(auth_sessions, "actor_from_cookie_header", lambda header: live.get(header))
    monkeypatch.setattr(auth_state, "_display_name", display_name)
    return live


def client(cookie: str = "", path: str = "/", *, origin: str | None = ORIGIN) -> State:
    """A fresh state tree for one new client token, connected with `cookie` (none: no cookie)."""
    root = State(_reflex_internal_init=True)
    headers = handshake_headers(cookie, origin=origin) if origin else handshake_headers(cookie)
    router_data = {
        "pathname": path.split("?")[0],
        "asPath": path,
        "headers": headers,
        "token": str(uuid.uuid4()),
        "sid": f"sid-{uuid.uuid4().hex[:6]}",
    }
    root.router_data = router_data
    root.router = RouterData.from_router_data(router_data)
    return root


def reconnect(root: State, cookie: str) -> None:
    """The same client token on a new socket that presents `cookie`."""
    router_data = {**root.router_data, "headers": handshake_headers(cookie)}
    root.router_data = router_data
    root.router = RouterData.from_router_data(router_data)


def run(coro: Any) -> Any:
    """Run a scenario to the end. In a thread of its own: Playwright's sync API (browser tests in the same
    session) keeps an event loop running in the main thread, where asyncio.run refuses to start. The
    thread gets this context too: Reflex keeps its handler registry in a context variable."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coro).result()


async def call(handler: Any, state: Any, *args: Any) -> list[Any]:
    """Run a handler as Reflex would (also a generator one) and collect what it returns or yields."""
    result = call_handler(handler, state, *args)
    out: list[Any] = []
    if hasattr(result, "__aiter__"):
        async for item in result:
            out.append(item)
        return out
    if asyncio.iscoroutine(result):
        result = await result
    return [result]


def said(events: list[Any]) -> str:
    """What a handler's returned or yielded events say (toasts, redirects), as one string."""
    return " ".join(str(e) for e in events).replace("\\", "")


async def load_page(root: State) -> tuple[AuthState, Any]:
    """The page-load check (`require_login`): the auth state after it, and what it returned (the page's
    loaders to run, or a redirect to sign in)."""
    auth = await root.get_state(AuthState)
    result = await call_handler(AuthState.require_login, auth)
    return auth, result


async def signed_in(root: State) -> AuthState:
    """The page-load check for a client whose cookie names a live session: the user is adopted."""
    auth, result = await load_page(root)
    assert auth.is_authenticated and "redirect" not in str(result), result
    assert result is None or all(isinstance(item, EventHandler) for item in result)  # the page's loaders
    return auth


def scope_in(db: Session) -> Callable[..., Any]:
    """A stand-in for `session_scope` that runs the unit of work in the test's transaction."""

    @contextmanager
    def scope(**_options: object) -> Iterator[Session]:
        yield db
        db.flush()

    return scope
