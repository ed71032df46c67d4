"""Request body limits for every HTTP route, counted while the body is read (an ASGI layer).

A declared `Content-Length` over the route's limit is refused at once, before anything reads the
body or looks at credentials; a body that claims less or none (chunked) is counted as the app reads
it and cut the moment it passes the limit. Either way the client gets 413 with the seed's error JSON
(`PAYLOAD_TOO_LARGE`) and `Connection: close`, so the server stops reading instead of draining the
rest (up to one more megabyte is read and thrown away first: a server that hangs up on unread bytes
resets the connection, and the client may never see the answer). Routes that take bigger bodies
declare their own limit once, next to what they accept (e.g. the members import's 5 MB in
`thrust.members.uploads`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from thrust.core.http import send_error

# JSON bodies: the largest legitimate one (a bulk action on 1,000 member ids) is about 40 KB.
DEFAULT_BODY_LIMIT = 64 * 1024
# After an early answer, how much of the rest is read and dropped (and for how long) before hanging up.
DISCARD_BYTES = 1024 * 1024
DISCARD_SECONDS = 2.0


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the body passes its limit; an HTTPException so frameworks re-raise it."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))
        self.limit = limit


def too_large_message(limit: int) -> str:
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    return f"The request body is larger than {size}"


def _declared_length(scope: Scope) -> int | None:
    """The largest Content-Length the request declares (None: none, or not a number)."""
    lengths = [value for name, value in scope.get("headers") or [] if name.lower() == b"content-length"]
    numbers = [int(value) for value in lengths if value.strip().isdigit()]
    return max(numbers) if numbers else None


class BodyLimit:
    """Refuse request bodies over their route's limit: `limits` maps exact paths, or a path and everything
    under it when it ends with "/*" ("/api/v1/workout-plans/*"); the rest get `default`."""

    def __init__(self, app: ASGIApp, *, limits: Mapping[str, int], default: int = DEFAULT_BODY_LIMIT) -> None:
        self.app = app
        exact = {path: limit for path, limit in limits.items() if not path.endswith("/*")}
        self.limits = {path.rstrip("/") or "/": limit for path, limit in exact.items()}
        self.subtrees = {
            path.removesuffix("/*"): limit for path, limit in limits.items() if path.endswith("/*")
        }
        self.default = default

    def limit_for(self, path: str) -> int:
        path = path.rstrip("/") or "/"
        if path in self.limits:
            return self.limits[path]
        for root, limit in self.subtrees.items():
            if path == root or path.startswith(root + "/"):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            await discard_body(receive)
            return

        received = 0
        exceeded = False
        started = False
        finished = False  # the whole body arrived (or the client left)

        async def counting_receive() -> Message:
            nonlocal received, exceeded, finished
            if exceeded:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
                finished = not message.get("more_body", False)
            else:
                finished = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                # Whatever the app made of the cut body (FastAPI's 413, Starlette's text 413, Reflex's
                # 400 for a broken form) becomes our one answer below.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # Once the body was cut, whatever the app raised about it (directly, or wrapped in a task
            # group's exception group) is answered by the 413 below.
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(scope, send, limit)
            await discard_body(receive)
        elif not exceeded and not finished:
            # The app answered without reading the body (a 401/403 before an upload is parsed): drop
            # a small rest, so the client is not reset before it reads the answer.
            await discard_body(counting_receive)


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    # Connection: close, so the server hangs up rather than reading (and discarding) the rest.
    await send_error(scope, send, 413, message=too_large_message(limit), headers={"Connection": "close"})


async def discard_body(
    receive: Receive, budget: int = DISCARD_BYTES, seconds: float = DISCARD_SECONDS
) -> None:
    """Read and drop what is left of a request body after an early answer, up to `budget` bytes or
    `seconds`: a small body then ends cleanly; a big one is cut (the answer said Connection: close)."""
    with contextlib.suppress(TimeoutError, HTTPException, OSError):
        async with asyncio.timeout(seconds):
            while budget > 0:
                message = await receive()
                if message["type"] != "http.request":
                    return
                budget -= len(message.get("body", b""))
                if not message.get("more_body", False):
                    return
