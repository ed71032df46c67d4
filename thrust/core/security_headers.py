"""Security headers on every HTTP response (pages, static files, /api/v1, /_upload): an ASGI layer.

Every response gets `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, a
Content-Security-Policy and, when THRUST is served over https, HSTS. API responses are never stored
by a cache (`Cache-Control: no-store`): most carry someone's data.

The pages' policy is as strict as Reflex's production frontend allows:
- scripts only from our origin, plus the inline scripts of the built pages by their sha256 (React
  Router's hydration data and Reflex's theme script), read once from the build folder. Reflex runs
  the server's `call_script`/`call_function` events (toasts, redirects after sign-out) through
  `eval`, so 'unsafe-eval' stays; no inline script other than the built ones can run;
- styles inline too: emotion writes <style> elements at runtime and Radix sets style attributes;
- the socket's ws(s) URL in connect-src, framing refused unless a path says otherwise (a fixed list of
  who may frame it, or a function asked at each request: a page a setting opens to embedding).
API responses that are not HTML get a policy that allows nothing at all.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("thrust.http")

NO_FRAMING = "'none'"
HSTS = "max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# What an API response that is not a page may do: nothing (JSON opened as a document runs nothing).
LOCKED_DOWN = "default-src 'none'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
# Who may frame a path: CSP frame-ancestors sources, or a function answering them for each request (it
# may read the database: it runs in a worker thread, never on the event loop).
FrameAncestors = str | Callable[[], str]


def inline_script_hashes(html: str) -> set[str]:
    """CSP sources (`'sha256-…'`) allowing exactly the inline scripts of this HTML."""
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    }


@lru_cache(maxsize=1)
def frontend_script_hashes() -> frozenset[str]:
    """The inline scripts of every page of the built frontend (read once: a build never changes while
    the server runs; a new build means a restart)."""
    folder = _frontend_folder()
    hashes: set[str] = set()
    if folder is None or not folder.is_dir():
        log.warning("no built frontend found: pages are served without their inline scripts' hashes")
        return frozenset()
    for page in folder.rglob("*.html"):
        hashes |= inline_script_hashes(page.read_text(encoding="utf-8", errors="replace"))
    return frozenset(hashes)


def _frontend_folder() -> Path | None:
    # Where `reflex run --env prod` builds the pages it serves (REFLEX_WEB_WORKDIR is honoured).
    try:
        from thrust.core.reflex_compat import built_frontend_dir

        return built_frontend_dir()
    except ImportError:  # pragma: no cover - Reflex is always installed with THRUST
        return None


def socket_origin(public_url: str) -> str:
    """The socket's origin as connect-src must name it: ws://host:port, or wss:// under https."""
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def page_policy(
    *,
    script_hashes: Iterable[str],
    connect: Sequence[str],
    frame_ancestors: str = NO_FRAMING,
    extra: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The Content-Security-Policy of an HTML page."""
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'", *sorted(script_hashes)],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *connect],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [frame_ancestors],
    }
    for directive, sources in (extra or {}).items():
        directives.setdefault(directive, []).extend(s for s in sources if s not in directives[directive])
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeaders:
    """Adds the security headers to every HTTP response of the wrapped app (see the module docstring).

    `frame_ancestors` maps a path to who may frame it (every other path: nobody), fixed or decided per
    request by a function (see `FrameAncestors`); `extra_sources`
    maps a path to CSP sources it needs beyond the pages' policy (e.g. the API docs' CDN).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        public_url: str,
        api_prefix: str,
        frame_ancestors: Mapping[str, FrameAncestors] | None = None,
        extra_sources: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
        script_hashes: Callable[[], Iterable[str]] = frontend_script_hashes,
    ) -> None:
        self.app = app
        self.api_prefix = api_prefix.rstrip("/")
        self.https = public_url.startswith("https://")
        self.connect = [socket_origin(public_url)]
        self.frame_ancestors = {_key(path): value for path, value in (frame_ancestors or {}).items()}
        self.extra_sources = {_key(path): value for path, value in (extra_sources or {}).items()}
        self.script_hashes = script_hashes

    def _is_api(self, path: str) -> bool:
        return path == self.api_prefix or path.startswith(self.api_prefix + "/") or _key(path) == "/_upload"

    async def _ancestors(self, path: str) -> str:
        """Who may frame this path, asked once per request (before the response starts)."""
        found = self.frame_ancestors.get(_key(path), NO_FRAMING)
        if callable(found):
            try:
                return await asyncio.to_thread(found)
            except Exception:  # the question failed (say the database is down): frame nothing
                log.exception("could not decide who may frame %s; refusing framing", _key(path))
                return NO_FRAMING
        return found

    def _page_policy(self, path: str, ancestors: str, inline: Iterable[str] | None) -> str:
        key = _key(path)
        hashes = self.script_hashes() if inline is None else inline
        return page_policy(
            script_hashes=hashes,
            connect=self.connect,
            frame_ancestors=ancestors,
            extra=self.extra_sources.get(key),
        )

    def _headers(
        self, path: str, message: Message, ancestors: str, inline: Iterable[str] | None = None
    ) -> None:
        headers = MutableHeaders(raw=message.setdefault("headers", []))
        api = self._is_api(path)
        # Outside the API every response gets the pages' policy, whatever its type: a 304 that
        # revalidates a cached page has no content type, and its headers replace the cached page's.
        if not api or headers.get("content-type", "").startswith("text/html"):
            policy = self._page_policy(path, ancestors, inline)
        else:
            policy, ancestors = LOCKED_DOWN, NO_FRAMING
        headers["Content-Security-Policy"] = policy
        if ancestors == NO_FRAMING:
            headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        if self.https:
            headers["Strict-Transport-Security"] = HSTS
        if api:
            headers["Cache-Control"] = "no-store"
        message["headers"] = headers.raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        ancestors = await self._ancestors(path)
        held: Message | None = None
        chunks: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                if (
                    self._is_api(path)
                    and headers.get("content-type", "").startswith("text/html")
                    and "content-encoding" not in headers
                ):
                    # An HTML page of the API (its docs) is small and generated: hash its own inline
                    # scripts, so hold the start until the whole body is here.
                    held = message
                    return
                self._headers(path, message, ancestors)
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                self._headers(
                    path, held, ancestors, inline_script_hashes(body.decode("utf-8", errors="replace"))
                )
                await send(held)
                message = {"type": "http.response.body", "body": body}
                held = None
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _key(path: str) -> str:
    return path.rstrip("/") or "/"
