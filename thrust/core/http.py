"""The /api/v1 FastAPI app: request ids, the seed's error JSON for every failure, OpenAPI docs."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic.alias_generators import to_camel
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from thrust.core.db import session_scope, tracking_units
from thrust.core.errors import DomainError, FieldProblem
from thrust.core.logs import request_id as request_id_var
from thrust.core.logs import set_request_id
from thrust.core.metrics import router as metrics_router
from thrust.core.observe import observed_request
from thrust.core.schemas import ErrorOut
from thrust.core.settings import VERSION

API_PREFIX = "/api/v1"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_SCOPE_KEY = "thrust.request_id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = logging.getLogger("thrust.api")
DATABASE_UNAVAILABLE = "The database is not reachable right now. Try again in a moment."


# -- request ids --------------------------------------------------------------------------------


def scope_request_id(scope: Scope) -> str:
    """The request's id, the same for every layer that asks: kept from a sane incoming header, else new."""
    request_id = scope.get(_REQUEST_ID_SCOPE_KEY)
    if not request_id:
        incoming = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.lower().encode(), b"")
        text = incoming.decode("latin-1")
        request_id = text if _INCOMING_ID.match(text) else f"req_{secrets.token_hex(8)}"
        scope[_REQUEST_ID_SCOPE_KEY] = request_id
    return str(request_id)


class RequestIdMiddleware:
    """Give every HTTP request an id (kept from a sane incoming header) and echo it back.

    The id is also the log context of everything the request does (thrust/core/logs.py); the request
    is counted and timed by route template (thrust/core/observe.py).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope_request_id(scope)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            observed_request(scope, status, time.perf_counter() - started)
            request_id_var.reset(token)


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


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer with the seed's error JSON from an ASGI layer outside the FastAPI app (default wording
    from the status)."""
    default_code, default_message = _HTTP_CODES.get(
        status, ("HTTP_ERROR", "The request could not be completed")
    )
    code, message = code or default_code, message or default_message
    request_id = scope_request_id(scope)
    body = json.dumps({"error": {"code": code, "message": message, "requestId": request_id}}).encode()
    raw = {**(headers or {}), "content-type": "application/json", "content-length": str(len(body))}
    raw[REQUEST_ID_HEADER.lower()] = request_id
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in raw.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
    # ("body", "fullName") -> "fullName"; ("query", "page") -> "page"; nested -> "a.b.0". Pydantic's
    # tags for union members ("function-after[...]", "literal['']") are not fields.
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    parts = [p for p in parts if not any(ch in str(p) for ch in "[-")]
    return ".".join(to_camel(str(p)) if not str(p).isdigit() else str(p) for p in parts) or "body"


def install_error_handlers(api: FastAPI) -> None:
    """Map every failure, expected or not, to the seed's error JSON."""

    @api.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
        return error_response(request, exc.status, exc.code, exc.message, exc.details, headers)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details: dict[str, FieldProblem] = {}
        for err in exc.errors():  # the first problem of a field is enough
            field = _field_name(tuple(err.get("loc", ())))
            details.setdefault(field, FieldProblem(field, str(err.get("msg", "Invalid value"))))
        return error_response(request, 422, "VALIDATION_ERROR", "Invalid input data", details.values())

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            # Starlette names only the first route that matched the path; every route of it counts.
            return method_not_allowed(request, allowed_methods(api, request.url.path))
        code, message = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", "The request could not be completed"))
        if isinstance(exc.detail, str) and exc.status_code not in _HTTP_CODES:
            message = exc.detail
        headers = dict(exc.headers) if exc.headers else None
        return error_response(request, exc.status_code, code, message, headers=headers)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    @api.exception_handler(DisconnectionError)
    @api.exception_handler(PoolTimeout)
    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        # The database is restarting or unreachable: say so, and let the client retry (the pool
        # checks connections before use, so the first request after it returns succeeds).
        log.warning("database unavailable on %s: %s", request.method, type(exc).__name__)
        return error_response(
            request, 503, "SERVICE_UNAVAILABLE", DATABASE_UNAVAILABLE, headers={"Retry-After": "5"}
        )

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        request_id = request_id_of(request)
        # The traceback goes to the log under the request id; the client only gets the id.
        log.error("unhandled error on %s %s [%s]", request.method, request.url.path, request_id, exc_info=exc)
        return error_response(request, 500, "INTERNAL_ERROR", "An unexpected error occurred")


# -- unknown /api/v1 paths and methods ----------------------------------------------------------------

_UNMATCHED = "thrust_unmatched_api_path"


def allowed_methods(api: FastAPI, path: str) -> set[str]:
    """Every method some route of the app answers on this path (empty: no route has the path)."""
    allowed: set[str] = set()
    for route in iter_route_contexts(api.routes):
        regex = getattr(route, "path_regex", None)
        if route.name != _UNMATCHED and regex is not None and regex.match(path):
            allowed |= set(route.methods or ())
    return allowed


def method_not_allowed(request: Request, allowed: set[str]) -> JSONResponse:
    """405 with the `Allow` header RFC 9110 asks for; a path no route has is a 404 instead."""
    if not allowed:
        code, message = _HTTP_CODES[404]
        return error_response(request, 404, code, message)
    code, message = _HTTP_CODES[405]
    return error_response(request, 405, code, message, headers={"Allow": ", ".join(sorted(allowed))})


def _unmatched_api_route(api: FastAPI) -> APIRouter:
    """Answer unknown /api/v1 paths with JSON 404 (or 405) instead of the web app's HTML page."""
    router = APIRouter(include_in_schema=False)
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    @router.api_route(API_PREFIX + "/{path:path}", methods=methods, name=_UNMATCHED)
    async def _unmatched(request: Request, path: str) -> JSONResponse:
        # A route that matches the path but not the method makes this a 405, not a 404.
        return method_not_allowed(request, allowed_methods(api, request.url.path))

    return router


# -- the documented error answers -------------------------------------------------------------------

ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"
_ERROR_DESCRIPTIONS = {
    400: "The input breaks a rule (VALIDATION_ERROR, one `details` entry per field)",
    401: "Not signed in, or the token is invalid, expired or revoked (UNAUTHORIZED)",
    403: "Signed in without the permission, or a cookie request from a foreign Origin (FORBIDDEN)",
    404: "No such resource, or not one you may see (NOT_FOUND)",
    409: "The request conflicts with the current state (CONFLICT)",
    413: "The request body is too large (PAYLOAD_TOO_LARGE)",
    422: "The request does not match this document (VALIDATION_ERROR, one `details` entry per field)",
    429: "Too many attempts; wait the `Retry-After` seconds (RATE_LIMIT_EXCEEDED)",
    500: "An unexpected error; quote the requestId (INTERNAL_ERROR)",
    503: "A dependency is unreachable",
}
# What a dependency adds to every route that uses it, e.g. the signed-in user -> 401, 403.
_DEPENDENCY_ERRORS: dict[Callable[..., Any], frozenset[int]] = {}
# Dependencies that authenticate the caller, with the OpenAPI security schemes they accept.
_AUTHENTICATING: dict[Callable[..., Any], dict[str, dict[str, Any]]] = {}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, each with the error JSON's schema.

    Use it on a route for the answers its dependencies do not imply: `responses=errors(409, 429)`.
    """
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "description": _ERROR_DESCRIPTIONS.get(status, "Error"),
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
        }
        if status == 429:
            entry["headers"] = {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            }
        out[status] = entry
    return out


def documented(summary: str, model: Any = None, *refusals: int) -> dict[str, Any]:
    """A route decorator's documentation in one call: its summary, the model of its answer (if it has
    one) and the errors it may answer with beyond those its dependencies imply (see `errors`)::

        @router.patch("/staff/{userId:uuid}", **documented("Change a staff account", Data[StaffOut], 409))
    """
    keywords: dict[str, Any] = {"summary": summary}
    if model is not None:
        keywords["response_model"] = model
    if refusals:
        keywords["responses"] = errors(*refusals)
    return keywords


def declare_errors(
    dependency: Callable[..., Any], *statuses: int, security: dict[str, dict[str, Any]] | None = None
) -> None:
    """Document `statuses` on every route that depends on `dependency`; `security` names the OpenAPI
    security schemes it accepts when it authenticates the caller (any one of them is enough)."""
    _DEPENDENCY_ERRORS[dependency] = frozenset(statuses)
    if security:
        _AUTHENTICATING[dependency] = security


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for each in _dependants(dependant):
        if each.call is not None:
            yield each.call


def api_routes(api: FastAPI) -> Iterator[Any]:
    """The app's documented API routes as FastAPI sees them once included (prefix and router
    dependencies applied): `.path_format`, `.methods`, `.dependant`, `.responses`."""
    for route in iter_route_contexts(api.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            yield route


def implied_errors(route: Any) -> set[int]:
    """The error statuses a route can answer by construction: any route 500; its dependencies' own;
    path parameters 404; any parameter or body 400 and 422; a body 413."""
    statuses = {500}
    for call in _calls(route.dependant):
        statuses |= _DEPENDENCY_ERRORS.get(call, frozenset())
    every = list(_dependants(route.dependant))
    if any(d.path_params for d in every):
        statuses |= {404, 422}
    if any(d.query_params or d.header_params or d.cookie_params or d.body_params for d in every):
        statuses |= {400, 422}
    if any(d.body_params for d in every):
        statuses |= {413}
    return statuses


def security_schemes(route: Any) -> dict[str, dict[str, Any]]:
    """The security schemes that sign a caller in to this route (empty: the route is public)."""
    schemes: dict[str, dict[str, Any]] = {}
    for call in _calls(route.dependant):
        schemes.update(_AUTHENTICATING.get(call, {}))
    return schemes


def _openapi(api: FastAPI) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        document = get_openapi(
            title=api.title, version=api.version, description=api.description, routes=api.routes
        )
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(
            by_alias=True, mode="serialization", ref_template="#/components/schemas/{model}"
        )
        schemas.update(error_schema.pop("$defs", {}))
        schemas["ErrorOut"] = error_schema
        # FastAPI's own 422 body ({"detail": [...]}) is never sent: ours is the error JSON.
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        for route in api_routes(api):
            implied = errors(*implied_errors(route))
            schemes = security_schemes(route)
            for method in route.methods:
                operation = document["paths"][route.path_format][method.lower()]
                responses = operation.setdefault("responses", {})
                for status, entry in implied.items():
                    if str(status) not in responses or (status == 422 and status not in route.responses):
                        responses[str(status)] = entry
                if schemes:
                    components.setdefault("securitySchemes", {}).update(schemes)
                    operation["security"] = [{name: []} for name in sorted(schemes)]
        api.openapi_schema = document
        return document

    return build


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
    for router in routers:
        api.include_router(router, prefix=API_PREFIX)
    api.include_router(metrics_router)
    # Every route's error answers are documented from its dependencies and inputs (see implied_errors).
    api.openapi = _openapi(api)  # type: ignore[method-assign]  # FastAPI's documented way to change the schema
    api.include_router(_unmatched_api_route(api))
    api.add_middleware(RequestIdMiddleware)
    api.add_middleware(UnitsOfWorkMiddleware)
    return api
