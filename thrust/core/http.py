"""The /api/v1 FastAPI app: request ids, the seed's error JSON for every failure, OpenAPI docs."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic.alias_generators import to_camel
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from thrust.core.db import session_scope, tracking_units
from thrust.core.errors import DomainError, FieldProblem
from thrust.core.settings import VERSION

API_PREFIX = "/api/v1"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_SCOPE_KEY = "thrust.request_id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = logging.getLogger("thrust.api")


# -- request ids --------------------------------------------------------------------------------


class RequestIdMiddleware:
    """Give every HTTP request an id (kept from a sane incoming header) and echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = incoming if _INCOMING_ID.match(incoming) else f"req_{secrets.token_hex(8)}"
        scope[_REQUEST_ID_SCOPE_KEY] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


def request_id_of(request: Request) -> str:
    return str(request.scope.get(_REQUEST_ID_SCOPE_KEY) or f"req_{secrets.token_hex(8)}")


# -- the seed's error JSON ------------------------------------------------------------------------


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Iterable[FieldProblem] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """`{"error": {"code", "message", "details"?, "requestId"}}` with the given status."""
    request_id = request_id_of(request)
    body: dict[str, Any] = {"code": code, "message": message}
    problems = [{"field": p.field, "message": p.message} for p in details]
    if problems:
        body["details"] = problems
    body["requestId"] = request_id
    return JSONResponse(
        {"error": body}, status_code=status, headers={**(headers or {}), REQUEST_ID_HEADER: request_id}
    )


_HTTP_CODES = {
    400: ("BAD_REQUEST", "The request is malformed"),
    401: ("UNAUTHORIZED", "Authentication required"),
    403: ("FORBIDDEN", "You don't have permission to access this resource"),
    404: ("NOT_FOUND", "The requested resource was not found"),
    405: ("METHOD_NOT_ALLOWED", "This method is not allowed on this resource"),
    413: ("PAYLOAD_TOO_LARGE", "The request body is too large"),
    429: ("RATE_LIMIT_EXCEEDED", "Too many attempts. Try again later."),
}


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "fullName") -> "fullName"; ("query", "page") -> "page"; nested -> "a.b.0"
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    return ".".join(to_camel(str(p)) if not str(p).isdigit() else str(p) for p in parts) or "body"


def install_error_handlers(api: FastAPI) -> None:
    """Map every failure, expected or not, to the seed's error JSON."""

    @api.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
        return error_response(request, exc.status, exc.code, exc.message, exc.details, headers)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            FieldProblem(_field_name(tuple(err.get("loc", ()))), str(err.get("msg", "Invalid value")))
            for err in exc.errors()
        ]
        return error_response(request, 422, "VALIDATION_ERROR", "Invalid input data", details)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", "The request could not be completed"))
        if isinstance(exc.detail, str) and exc.status_code not in _HTTP_CODES:
            message = exc.detail
        return error_response(request, exc.status_code, code, message, headers=exc.headers)

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        request_id = request_id_of(request)
        # The traceback goes to the log under the request id; the client only gets the id.
        log.error("unhandled error on %s %s [%s]", request.method, request.url.path, request_id, exc_info=exc)
        return error_response(request, 500, "INTERNAL_ERROR", "An unexpected error occurred")


# -- unknown /api/v1 paths --------------------------------------------------------------------------


def _unmatched_api_route(domain_routers: list[APIRouter]) -> APIRouter:
    """Answer unknown /api/v1 paths with JSON 404 (or 405) instead of the web app's HTML page."""
    router = APIRouter(include_in_schema=False)
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    def allowed_methods(path: str) -> set[str]:
        # A route that matches the path but not the method makes this a 405, not a 404.
        scope = {"type": "http", "path": path.removeprefix(API_PREFIX), "root_path": "", "headers": []}
        allowed: set[str] = set()
        for domain_router in domain_routers:
            for route in domain_router.routes:
                match, _ = route.matches({**scope, "method": "GET"})
                if match is not Match.NONE:
                    allowed |= set(getattr(route, "methods", None) or ())
        return allowed

    @router.api_route(API_PREFIX + "/{path:path}", methods=methods)
    async def _unmatched(request: Request, path: str) -> JSONResponse:
        allowed = allowed_methods(request.url.path)
        if allowed and request.method not in allowed:
            code, message = _HTTP_CODES[405]
            return error_response(request, 405, code, message, headers={"Allow": ", ".join(sorted(allowed))})
        code, message = _HTTP_CODES[404]
        return error_response(request, 404, code, message)

    return router


# -- dependencies ---------------------------------------------------------------------------------


READING_METHODS = frozenset({"GET", "HEAD"})


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request (sync routes run in FastAPI's thread pool, off the event loop).

    GET and HEAD get a reading unit: it never takes (or waits for) SQLite's write lock, and refuses writes.
    """
    with session_scope(read_only=request.method in READING_METHODS) as session:
        yield session


def get_session_factory() -> Callable[..., AbstractContextManager[Session]]:
    """For work that outlives the request's own session (a streamed download): a unit-of-work factory."""
    return session_scope


# A route parameter receiving that factory: `unit_of_work: UnitOfWork`.
UnitOfWork = Annotated[Callable[..., AbstractContextManager[Session]], Depends(get_session_factory)]


class UnitsOfWorkMiddleware:
    """One list of open units of work per request, shared by its dependencies and its route (each run
    in a thread pool with a copy of the request's context), so bcrypt can tell if any holds a transaction."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with tracking_units():
            await self.app(scope, receive, send)


def create_api(routers: Iterable[APIRouter] = ()) -> FastAPI:
    """Build the REST API with the given domain routers mounted under /api/v1."""
    api = FastAPI(
        title="THRUST API",
        version=VERSION,
        description="Members, check-ins, live capacity and workout plans of a THRUST gym.",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    install_error_handlers(api)
    domain_routers = list(routers)
    for router in domain_routers:
        api.include_router(router, prefix=API_PREFIX)
    api.include_router(_unmatched_api_route(domain_routers))
    api.add_middleware(RequestIdMiddleware)
    api.add_middleware(UnitsOfWorkMiddleware)
    return api
