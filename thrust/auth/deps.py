"""FastAPI dependencies: the acting user (bearer token or access cookie), CSRF origin check, client IP.

Every router is authenticated by default: build it with `authenticated_router()`. A route that must be
reachable without a session goes on a `public_router()`, so the exception is visible where it is made.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from thrust.auth.cookies import ACCESS_COOKIE
from thrust.auth.rbac import Actor
from thrust.auth.sessions import actor_from_access_token
from thrust.core.errors import PermissionDenied, Unauthorized
from thrust.core.http import UnitOfWork, declare_errors, get_session
from thrust.core.settings import get_settings

SessionDep = Annotated[Session, Depends(get_session)]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE_REFUSED = "Cross-site request refused: the request's Origin is not allowed"


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Invalid or expired token")
    return token.strip()


def request_origin(request: Request) -> str | None:
    """`scheme://host[:port]` the request came from: its Origin header, else its Referer's."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/")
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return None


def require_trusted_origin(request: Request) -> None:
    """CSRF defence for requests a browser sends with our cookies: the page must be one of ours."""
    origin = request_origin(request)
    if origin is None or origin not in get_settings().allowed_origins:
        raise PermissionDenied(CROSS_SITE_REFUSED)


def current_actor(request: Request, unit_of_work: UnitOfWork) -> Actor:
    """The signed-in user: from `Authorization: Bearer`, or from the access cookie (plus CSRF check).

    Checked in a reading unit of work of its own that ends before the route runs: the route's own
    session (if any) begins only when it is used, and never holds a transaction the route did not ask for.
    """
    token = bearer_token(request)
    if token is None:
        token = request.cookies.get(ACCESS_COOKIE)
        if not token:
            raise Unauthorized()
        if request.method in UNSAFE_METHODS:
            require_trusted_origin(request)
    # Bearer tokens are never sent by a browser on its own, so they need no origin check.
    with unit_of_work(read_only=True) as session:
        return actor_from_access_token(token, session=session)


CurrentActor = Annotated[Actor, Depends(current_actor)]
# Every route behind the signed-in user can answer 401 (no or bad token) and 403 (no permission, or a
# cookie request from a foreign Origin); the document says how to sign in.
declare_errors(
    current_actor,
    401,
    403,
    security={
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "cookie": {"type": "apiKey", "in": "cookie", "name": ACCESS_COOKIE},
    },
)


def user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


def authenticated_router(**kwargs: Any) -> APIRouter:
    """A router whose every route requires a signed-in user (the default for every domain)."""
    dependencies = [Depends(current_actor), *kwargs.pop("dependencies", [])]
    return APIRouter(dependencies=dependencies, **kwargs)


def public_router(**kwargs: Any) -> APIRouter:
    """A router whose routes are reachable WITHOUT a session: sign-in, sign-up, refresh, logout, health."""
    return APIRouter(**kwargs)
