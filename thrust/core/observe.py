"""Seeing what THRUST does: each HTTP request counted, timed and logged by route, errors sent to Sentry.

Routes are labelled by their template (`/api/v1/members/{member_id}`), never by the path a client
sent, so ids and tokens stay out of logs and metric labels stay few.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.types import Scope

from thrust.core.metrics import observe_request

log = logging.getLogger("thrust.http")

API_PREFIX = "/api/v1"

# Reflex's own endpoints, by prefix; everything else it serves is the built frontend.
_REFLEX_PATHS = ("/_event", "/_upload", "/_health", "/ping", "/_all_routes")
# Probes and scrapes every few seconds: counted, but logged only at debug level.
_QUIET_ROUTES = frozenset({"/api/v1/health", "/api/v1/ready", "/metrics"})


def route_label(scope: Scope) -> str:
    """The matched route's template, a Reflex endpoint, or "frontend"."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    path = str(scope.get("path", ""))
    if isinstance(template, str) and template and not template.startswith("/{"):
        # An included router's route keeps its own path; the API mounts every one under /api/v1.
        if path.startswith(API_PREFIX + "/") and not template.startswith(API_PREFIX + "/"):
            template = API_PREFIX + template
        return template
    for prefix in _REFLEX_PATHS:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return "frontend"


def observed_request(scope: Scope, status: int, seconds: float) -> None:
    """Count and time one answered request; log API requests (the request id is in the context)."""
    route = route_label(scope)
    method = str(scope.get("method", "GET"))
    observe_request(method, route, status, seconds)
    level = logging.INFO if route.startswith("/api/") and route not in _QUIET_ROUTES else logging.DEBUG
    if status >= 500:
        level = logging.WARNING
    log.log(level, "%s %s %s %.1f ms", method, route, status, seconds * 1000)


# -- error reporting ------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_REQUEST_KEYS_KEPT = ("url", "method")


def scrub(text: str) -> str:
    """Remove what looks like an e-mail address or a phone number from a message."""
    return _PHONE.sub("[number]", _EMAIL.sub("[email]", text))


def _scrub_event(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's before_send: keep where and what failed, drop who and with what data."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: request[key] for key in _REQUEST_KEYS_KEPT if key in request}
    event.pop("user", None)
    event.pop("server_name", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub(exception["value"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = scrub(logentry[key])
        logentry.pop("params", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        if isinstance(crumb.get("message"), str):
            crumb["message"] = scrub(crumb["message"])
        crumb.pop("data", None)
    return event


def init_error_reporting(dsn: str | None, *, release: str) -> bool:
    """Report unhandled errors (and error log lines) to Sentry when a DSN is set; no personal data."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        release=release,
        send_default_pii=False,
        include_local_variables=False,  # a frame's variables may hold a password or an e-mail
        max_request_body_size="never",
        traces_sample_rate=None,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        before_send=_scrub_event,  # type: ignore[arg-type]  # sentry types events as its TypedDict; we read it as a dict
    )
    return True
