"""A Reflex client without a browser: python-socketio speaking the protocol the Reflex frontend speaks.

Connect to `/_event` with `?token=<uuid>` and the hydrate event in the handshake's auth payload (as the
frontend does), carrying the HttpOnly session cookie in the handshake headers; send events as
`{name, payload, router_data}`; every server message `{delta, events}` is merged into `state`.
`ProbingClient` also knows when an event and everything it chained have been processed.
The one socket client of the suite: realtime, security, e2e and system tests, and bench/realtime.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import socketio

from thrust.core.reflex_compat import ROOT_STATE
from thrust.core.reflex_compat import handler_name as handler_name

HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
SUFFIX = "_rx_state_"
PROBE_HANDLER = f"{ROOT_STATE}.set_is_hydrated"
PROBE_PARAM = "__probe"


_addresses = itertools.count(1)
_NET = random.randint(16, 31)


def fresh_ip() -> str:
    """A client address used by nobody else in this run (the server trusts one proxy hop)."""
    n = next(_addresses)
    return f"172.{_NET}.{n // 250 % 256}.{n % 250 + 1}"


def state_name(cls: Any) -> str:
    return cls.get_full_name()


def sign_in(base_url: str, email: str, password: str, *, ip: str) -> str:
    """Sign in through the API in cookie mode; the `Cookie:` header a browser would then send."""
    response = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": email, "password": password, "useCookies": True},
        headers={"Origin": base_url, "X-Forwarded-For": ip},
        timeout=30,
    )
    response.raise_for_status()
    return "; ".join(f"{name}={value}" for name, value in response.cookies.items())


class ReflexClient:
    """One browser tab's socket: its own client token, cookie and client address."""

    def __init__(
        self, base_url: str, *, cookie: str = "", ip: str = "10.0.0.1", token: str | None = None
    ) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.ip = ip
        self.token = token or str(uuid.uuid4())
        self.path = "/"
        self.state: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []  # client-side events the server asked for (toasts, redirects)
        self.messages = 0
        self.on_update: Callable[[ReflexClient, dict[str, Any]], None] | None = None
        self._changed = asyncio.Condition()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._receive, namespace="/_event")

    def _router_data(self) -> dict[str, Any]:
        return {"pathname": self.path, "asPath": self.path, "query": {}}

    async def connect(self, path: str = "/", *, origin: str | None = None, wait_timeout: int = 30) -> None:
        """Connect as a tab on `path` would; `origin`: the page's site (another makes a cross-site socket)."""
        self.path = path
        headers = {"Origin": origin or self.base_url, "X-Forwarded-For": self.ip}
        if self.cookie:
            headers["Cookie"] = self.cookie
        boot = {"name": HYDRATE, "payload": {}, "router_data": self._router_data()}
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            headers=headers,
            auth={"event": boot},
            wait_timeout=wait_timeout,
        )

    async def close(self) -> None:
        await self.sio.disconnect()

    async def emit(self, name: str, payload: dict[str, Any] | None = None) -> None:
        await self.sio.emit(
            "event",
            {"name": name, "payload": payload or {}, "router_data": self._router_data()},
            namespace="/_event",
        )

    async def _receive(self, update: dict[str, Any]) -> None:
        self.messages += 1
        for substate, values in (update.get("delta") or {}).items():
            bucket = self.state.setdefault(substate, {})
            for key, value in values.items():
                bucket[key.removesuffix(SUFFIX)] = value
        self.events.extend(update.get("events") or [])
        if self.on_update is not None:
            self.on_update(self, update)
        async with self._changed:
            self._changed.notify_all()

    def get(self, substate: str, var: str, default: Any = None) -> Any:
        return self.state.get(substate, {}).get(var, default)

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0, what: str = "") -> None:
        deadline = time.monotonic() + within
        async with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out waiting for {what or predicate}; state: {self.state}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)


# -- a client that knows when an event is done ----------------------------------------------------


@dataclass
class Message:
    """One server message for an event: its raw form and the state values it actually changed."""

    raw: dict[str, Any]
    changes: list[tuple[str, str, Any, Any]] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        return list(self.raw.get("events") or [])

    @property
    def text(self) -> str:
        return json.dumps(self.raw, default=str)


class ProbingClient:
    """A ReflexClient that can tell when an event and everything it chained have been processed.

    Reflex processes one token's (foreground) events in order, so after an event we send a probe
    (the public root `set_is_hydrated(True)`) under a router URL carrying a fresh `?__probe=n`: the
    server's answer to it names n in its router delta, so we know exactly which messages came before.
    Events chained by the handler are queued behind the first probe, so we probe until a round trip
    brings nothing else. The router data of every event equals that of the probe before it, so no
    router var changes with the event under test; its messages hold only what the event did.
    """

    def __init__(
        self, base_url: str, *, cookie: str = "", ip: str | None = None, token: str | None = None
    ) -> None:
        self.rc = ReflexClient(base_url, cookie=cookie, ip=ip or fresh_ip(), token=token)
        self.rc.on_update = self._on_update
        self.base_url = base_url
        self.path = "/"
        self.mirror: dict[str, dict[str, Any]] = {}
        self.messages: list[Message] = []
        self._probe = 0
        self._answered = 0
        self._wake = asyncio.Event()

    @property
    def token(self) -> str:
        return self.rc.token

    @property
    def connected(self) -> bool:
        return bool(self.rc.sio.connected)

    async def connect(self, path: str = "/") -> None:
        self.path = path
        await self.rc.connect(path)
        await self.settle()

    async def connect_from(self, origin: str, path: str = "/") -> None:
        """Connect as a page on `origin` would (a cross-site socket): same handshake, other Origin."""
        self.path = path
        await self.rc.connect(path, origin=origin, wait_timeout=15)

    async def close(self) -> None:
        if self.connected:
            await self.rc.sio.disconnect()
        http = getattr(self.rc.sio.eio, "http", None)  # a refused handshake leaves its session open
        if http is not None and not http.closed:
            await http.close()

    def _router(self) -> dict[str, Any]:
        if not self._probe:
            return {"pathname": self.path, "asPath": self.path, "query": {}}
        return {
            "pathname": self.path,
            "asPath": f"{self.path}?{PROBE_PARAM}={self._probe}",
            "query": {PROBE_PARAM: str(self._probe)},
        }

    def _on_update(self, _client: ReflexClient, update: dict[str, Any]) -> None:
        delta = update.get("delta") or {}
        url = (delta.get(ROOT_STATE) or {}).get(f"rx_router_url{SUFFIX}")
        probe = None
        if isinstance(url, dict) and str(url.get("query", "")).startswith(f"{PROBE_PARAM}="):
            probe = int(str(url["query"]).split("=", 1)[1])
        found = []
        for state, values in delta.items():
            bucket = self.mirror.setdefault(state, {})
            for key, value in values.items():
                var = key.removesuffix(SUFFIX)
                if var not in bucket or bucket[var] != value:
                    found.append((state, var, bucket.get(var, "<unset>"), value))
                bucket[var] = value
        if probe is not None:
            self._answered = max(self._answered, probe)
        else:
            self.messages.append(Message(update, found))
        self._wake.set()

    async def emit(self, name: str, payload: dict[str, Any] | None = None) -> None:
        await self.rc.sio.emit(
            "event",
            {"name": name, "payload": payload or {}, "router_data": self._router()},
            namespace="/_event",
        )

    async def _round_trip(self, within: float) -> None:
        self._probe += 1
        wanted = self._probe
        await self.emit(PROBE_HANDLER, {"value": True})
        deadline = asyncio.get_running_loop().time() + within
        while self._answered < wanted:
            if not self.connected:
                raise ConnectionError("the server closed the socket")
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"no answer to probe {wanted} within {within}s")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(remaining, 0.25))

    async def settle(self, *, background: bool = False, within: float = 20.0) -> None:
        """Wait until the events sent so far, and what they chained, are done."""
        rounds = 0
        while True:
            before = len(self.messages)
            if background:
                await asyncio.sleep(0.3)  # background events skip the per-token queue
            await self._round_trip(within)
            rounds += 1
            if rounds >= 2 and len(self.messages) == before:
                return
            if rounds > 12:
                raise TimeoutError("the event keeps producing messages")

    async def call(
        self, name: str, payload: dict[str, Any] | None = None, *, background: bool = False
    ) -> list[Message]:
        """Send one event; the messages it (and its chain) produced.

        A server push that arrived meanwhile (a delta of a broadcast state only, no events) is not
        counted, unless the event is a handler of that very state.
        """
        start = len(self.messages)
        await self.emit(name, payload)
        await self.settle(background=background)
        state = name.rsplit(".", 1)[0]
        pushed = PUSHED_STATES - {state}
        return [
            m
            for m in self.messages[start:]
            if m.events or not (set(m.raw.get("delta") or {}) <= pushed) or not m.raw.get("delta")
        ]

    def seen(self) -> str:
        """Everything this socket received, as text (for leak checks)."""
        return json.dumps([m.raw for m in self.messages], default=str) + json.dumps(self.mirror, default=str)


def _pushed_states() -> frozenset[str]:
    """States the server writes on its own (the live occupancy broadcaster), not only in answer to an
    event: their pushes may land while any event is being checked."""
    try:
        from thrust.checkins.state import LiveStaffState, LiveState
    except ImportError:
        return frozenset()
    return frozenset({LiveState.get_full_name(), LiveStaffState.get_full_name()})


PUSHED_STATES = _pushed_states()
