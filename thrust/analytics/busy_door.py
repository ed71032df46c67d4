"""The public page /busy over HTTP: a 404 (the app's "Page not found" page) while the gym keeps how busy it
is to itself, and framable by any website only while it publishes it (Settings > Gym).

The page itself says the same when the socket loads it (thrust/analytics/busy_state.py); this layer is
for what a browser, a search engine or an <iframe> sees before any script runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from thrust.analytics.public import is_published
from thrust.core.db import session_scope
from thrust.core.security_headers import NO_FRAMING
from thrust.ui import routes

log = logging.getLogger("thrust.http")

# Any website may show the page in a frame once the gym publishes it: that is what it is for.
ANY_SITE = "*"
PLAIN_NOT_FOUND = b"<!doctype html><title>Page not found</title><p>There is nothing at this address.</p>"


def published_now() -> bool:
    """The gym's switch, read now (a blocking read: call it off the event loop)."""
    with session_scope(read_only=True) as session:
        return is_published(session)


def busy_frame_ancestors() -> str:
    """Who may frame /busy now: any site while the gym publishes it, nobody otherwise."""
    return ANY_SITE if published_now() else NO_FRAMING


@lru_cache(maxsize=1)
def built_not_found_page() -> bytes:
    """The built frontend's "Page not found" page (read once: a new build means a restart)."""
    try:
        from thrust.core.reflex_compat import built_frontend_dir

        return (built_frontend_dir() / "404.html").read_bytes()
    except OSError:  # no build (a unit test, a dev server): a plain page says the same
        return PLAIN_NOT_FOUND


def _is_busy(path: str) -> bool:
    return (path.rstrip("/") or "/") == routes.BUSY


class BusyDoor:
    """Answers GET and HEAD of /busy with a 404 while the gym does not publish its occupancy."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        published: Callable[[], bool] = published_now,
        not_found_page: Callable[[], bytes] = built_not_found_page,
    ) -> None:
        self.app = app
        self.published = published
        self.not_found_page = not_found_page

    async def _is_open(self) -> bool:
        try:
            return await asyncio.to_thread(self.published)
        except Exception:  # cannot tell (the database is down): keep it closed
            log.exception("could not read whether the gym publishes its occupancy; /busy answers 404")
            return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or not _is_busy(scope.get("path", ""))
            or await self._is_open()
        ):
            await self.app(scope, receive, send)
            return
        body = self.not_found_page()
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    # Switched on a minute later, the page must show: no cache may keep this answer.
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
