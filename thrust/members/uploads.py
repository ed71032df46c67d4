"""Refuse oversized uploads to Reflex's /_upload before they are read: the members import takes 5 MB.

Reflex parses the whole multipart body (spooling it to disk) before any handler can look at it, and the
endpoint exists for anyone once a page uses `rx.upload`. This ASGI wrapper answers 413 as soon as the
declared length is too big, and stops a body without a length once it grows past the limit.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from thrust.members.csv_import import MAX_IMPORT_BYTES

# The file plus the multipart envelope and Reflex's own form fields.
MAX_UPLOAD_BODY = MAX_IMPORT_BYTES + 64 * 1024
UPLOAD_PATH_SUFFIX = "/_upload"


class _TooLarge(Exception):
    pass


def _refusal() -> tuple[Message, Message]:
    body = json.dumps({"detail": f"The file is larger than {MAX_IMPORT_BYTES // 2**20} MB"}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


def limit_upload_size(app: ASGIApp) -> ASGIApp:
    """Wrap the app (Reflex's `api_transformer` accepts this) so that /_upload bodies stay small."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").rstrip("/").endswith(UPLOAD_PATH_SUFFIX):
            await app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BODY:
            for message in _refusal():
                await send(message)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_UPLOAD_BODY:
                    raise _TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                for message in _refusal():
                    await send(message)

    return guarded
