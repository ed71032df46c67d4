"""A Reflex client without a browser: python-socketio speaking the protocol the Reflex frontend speaks.

Connect to `/_event` with `?token=<uuid>` and the hydrate event in the handshake's auth payload (as the
frontend does), carrying the HttpOnly session cookie in the handshake headers; send events as
`{name, payload, router_data}`; every server message `{delta, events}` is merged into `state`.
Used by the realtime tests and by bench/realtime.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import socketio

HYDRATE = "reflex___state____state.hydrate_and_load"
SUFFIX = "_rx_state_"


def handler_name(handler: Any) -> str:
    """The full name the socket protocol uses for a state's event handler."""
    from reflex.utils.format import format_event_handler

    return format_event_handler(handler)


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

    async def connect(self, path: str = "/") -> None:
        self.path = path
        headers = {"Origin": self.base_url, "X-Forwarded-For": self.ip}
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
            wait_timeout=30,
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
