"""Refuse oversized uploads to Reflex's /_upload before they are read: the members import takes 5 MB.
Also: sweeping the import's stored uploads that nobody finished importing.

Reflex parses the whole multipart body (spooling it to disk) before any handler can look at it, and the
endpoint exists for anyone once a page uses `rx.upload`. This ASGI wrapper answers 413 as soon as the
declared length is too big, and stops a body without a length once it grows past the limit.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from thrust.members.csv_import import MAX_IMPORT_BYTES

# The file plus the multipart envelope and Reflex's own form fields.
MAX_UPLOAD_BODY = MAX_IMPORT_BYTES + 64 * 1024
UPLOAD_PATH_SUFFIX = "/_upload"
# An import's upload stays on disk while its dialog works with it; older ones were abandoned.
STALE_UPLOAD_SECONDS = 6 * 3600


def sweep_stale_uploads(folder: Path, *, older_than: float | None = None) -> int:
    """Delete stored import uploads last touched before `older_than` (epoch seconds); how many went."""
    cutoff = older_than if older_than is not None else time.time() - STALE_UPLOAD_SECONDS
    removed = 0
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            pass  # gone already (another worker's sweep), or not ours to remove
    return removed


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
