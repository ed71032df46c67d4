"""The credential each socket connection and each /_upload request carries, kept in this worker's memory.

Reflex copies a socket's handshake headers into the state's router data, and the state is pickled to
disk or Redis with every event: the HttpOnly access cookie would be stored there. So an ASGI layer
takes the `Cookie` header out of every socket handshake before Reflex sees it, keeps it here under a
fresh connection id for as long as the socket is open, and hands Reflex that id instead
(`X-Thrust-Connection`: worthless outside this process, and a client cannot send one of its own).
`AuthState` finds its socket's cookie by that id on every event.

An upload (`POST /_upload`) is its own HTTP request, processed on whichever worker received it: it
acts with the cookie it carries itself, never with what a socket presented. The layer refuses an
upload without a live session before its body is read, and keeps its cookie here by client token
while Reflex runs the upload's event (one upload per tab at a time); the auth middleware checks that
cookie, not the socket's, for an event whose files only /_upload can have made.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
from typing import Any

import reflex as rx
from starlette.types import ASGIApp, Receive, Scope, Send

from thrust.auth.sessions import lookup_actor
from thrust.core.body_limit import discard_body
from thrust.core.http import send_error
from thrust.core.reflex_compat import EVENT_PATH, UPLOAD_HANDLER_HEADER, UPLOAD_PATH, UPLOAD_TOKEN_HEADER

log = logging.getLogger("thrust.auth")

CONNECTION_HEADER = "x-thrust-connection"
UPLOAD_BUSY_MESSAGE = "Another upload from this page is still running; wait for it to finish."

# connection id -> the handshake's Cookie header, for the sockets open on this worker.
_sockets: dict[str, str] = {}
# client token -> the Cookie header of the upload request in flight for that tab on this worker.
_uploads: dict[str, str] = {}
# The cookie the event being processed acts with, when it is not its socket's (an upload's).
_event_cookie: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "thrust_event_cookie", default=None
)


# -- sockets ----------------------------------------------------------------------------------------


def open_connection(cookie: str) -> str:
    """Remember a socket's cookie; the id its router data will carry instead."""
    connection = secrets.token_urlsafe(18)
    _sockets[connection] = cookie
    return connection


def close_connection(connection: str) -> None:
    _sockets.pop(connection, None)


def socket_cookie(router_headers: Any) -> str:
    """The Cookie header of the socket that sent the event (empty if it sent none, or is not ours)."""
    raw = getattr(router_headers, "raw_headers", None) or {}
    connection = raw.get(CONNECTION_HEADER, "")
    return _sockets.get(connection, "") if connection else ""


# -- uploads ----------------------------------------------------------------------------------------


def is_upload_event(payload: Any) -> bool:
    """Whether an event's arguments hold uploaded files, which only /_upload can make (a socket sends
    JSON: it cannot forge one)."""
    if not isinstance(payload, dict):
        return False
    return any(
        isinstance(value, list) and value and all(isinstance(item, rx.UploadFile) for item in value)
        for value in payload.values()
    )


def upload_cookie(token: str) -> str | None:
    """The Cookie header of the upload now running for this tab on this worker, if any."""
    return _uploads.get(token)


def act_with(cookie: str) -> None:
    """Make the event being processed (its own task) act with `cookie` instead of its socket's."""
    _event_cookie.set(cookie)


def event_cookie() -> str | None:
    """The cookie set by `act_with` for the event being processed, if any."""
    return _event_cookie.get()


# -- the ASGI layer ---------------------------------------------------------------------------------


def _headers_without(scope: Scope, *names: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in scope.get("headers") or [] if k.lower() not in names]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _cookie_header(scope: Scope) -> str:
    # Browsers send one Cookie header over HTTP/1.1; join any repeats the way HTTP/2 splits them.
    return "; ".join(v.decode("latin-1") for k, v in scope.get("headers") or [] if k.lower() == b"cookie")


class SocketCredentials:
    """The ASGI layer described in the module docstring: sockets' cookies out of Reflex's sight,
    uploads checked against their own cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] in ("websocket", "http") and path.rstrip("/") == EVENT_PATH:
            await self._socket(scope, receive, send)
        elif scope["type"] == "http" and path.rstrip("/") == UPLOAD_PATH and scope.get("method") == "POST":
            await self._upload(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection = open_connection(_cookie_header(scope))
        headers = _headers_without(scope, b"cookie", CONNECTION_HEADER.encode())
        headers.append((CONNECTION_HEADER.encode(), connection.encode()))
        try:
            await self.app({**scope, "headers": headers}, receive, send)
        finally:
            close_connection(connection)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _header(scope, UPLOAD_TOKEN_HEADER)
        refusal: tuple[int, str | None, str | None] | None = None
        if not token or not _header(scope, UPLOAD_HANDLER_HEADER):
            refusal = (400, None, None)
        # Nobody gets an upload's body parsed (or spooled to disk) without a live session.
        elif await lookup_actor(_cookie_header(scope)) is None:
            refusal = (401, None, None)
        elif token in _uploads:
            refusal = (409, "CONFLICT", UPLOAD_BUSY_MESSAGE)
        if refusal is not None:
            status, code, message = refusal
            await send_error(scope, send, status, code=code, message=message, headers={"Connection": "close"})
            await discard_body(receive)
            return
        _uploads[token] = _cookie_header(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            _uploads.pop(token, None)
