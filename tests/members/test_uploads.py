"""Oversized uploads to Reflex's /_upload are refused before the app reads them."""

from __future__ import annotations

import asyncio
from typing import Any

from thrust.members.uploads import MAX_UPLOAD_BODY, limit_upload_size


def _call(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    seen: dict[str, Any] = {"read": 0, "app": False, "status": None, "body": b""}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen["app"] = True
        more = True
        while more:
            message = await receive()
            seen["read"] += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    pending = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return pending.pop(0)

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
        else:
            seen["body"] += message.get("body", b"")

    scope = {"type": "http", "method": "POST", "path": path, "headers": headers or []}
    asyncio.run(limit_upload_size(app)(scope, receive, send))
    return seen


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    seen = _call("/_upload", [b"x"], [(b"content-length", str(MAX_UPLOAD_BODY + 1).encode())])
    assert seen["status"] == 413 and not seen["app"] and b"5 MB" in seen["body"]


def test_a_body_without_a_length_is_stopped_once_it_grows_too_big() -> None:
    chunk = b"x" * (1024 * 1024)
    seen = _call("/_upload", [chunk] * 7)
    assert seen["status"] == 413 and seen["read"] <= MAX_UPLOAD_BODY


def test_small_uploads_and_other_paths_pass() -> None:
    assert _call("/_upload", [b"x" * 1000], [(b"content-length", b"1000")])["status"] == 200
    big = [(b"content-length", str(MAX_UPLOAD_BODY * 2).encode())]
    assert _call("/api/v1/members/import", [b"x"], big)["status"] == 200  # the API checks its own
