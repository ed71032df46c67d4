"""The OpenAPI document tells the truth by construction: each route's error answers come from its
dependencies and inputs, every 405 names the path's methods, and what the document calls invalid
(a time without its zone, text that cannot be stored) is refused with 422 and a field message."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.factories import make_member, make_user
from tests.members.test_api import bearer
from thrust.api import build_api
from thrust.auth.deps import authenticated_router, current_actor
from thrust.core.http import API_PREFIX, api_routes, create_api
from thrust.core.schemas import ApiModel
from thrust.core.validation import UNSTORABLE_TEXT
from thrust.models import CheckIn, Role

ERROR_REF = "#/components/schemas/ErrorOut"
METHODS = {"get", "post", "put", "patch", "delete"}
NUL, SURROGATE = "a\x00b", "a\ud800b"
PASSWORD = "Xy7!abcdef"
JSON = {"Content-Type": "application/json"}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _authenticated(api: Any) -> set[tuple[str, str]]:
    """(method, path) of every route behind the signed-in user, read from FastAPI's own routes."""

    def calls(dependant: Any) -> set[Any]:
        found = {dependant.call}
        for sub in dependant.dependencies:
            found |= calls(sub)
        return found

    return {
        (method, route.path_format)
        for route in api_routes(api)
        if current_actor in calls(route.dependant)
        for method in route.methods
    }


# A person opens these from an e-mail, in a browser: a link that is not valid gets a page, not JSON.
HTML_ANSWERS = {
    ("GET", "/api/v1/reminders/unsubscribe", "404"),
    ("POST", "/api/v1/reminders/unsubscribe", "404"),
}


def _missing_errors(document: dict[str, Any], authenticated: set[tuple[str, str]]) -> list[str]:
    problems = []
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        wanted = {"500"}
        if (method, path) in authenticated:
            wanted |= {"401", "403"}
            if "security" not in operation:
                problems.append(f"{method} {path}: no security requirement")
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters):
            wanted |= {"404", "422"}
        if parameters or "requestBody" in operation:
            wanted |= {"422"}
        if "requestBody" in operation:
            wanted |= {"413"}
        for status in sorted(wanted - set(responses)):
            problems.append(f"{method} {path}: {status} not documented")
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                content = response.get("content", {})
                if "application/json" not in content and (method, path, status) in HTML_ANSWERS:
                    continue
                schema = content.get("application/json", {}).get("schema", {})
                if schema.get("$ref") != ERROR_REF:
                    problems.append(f"{method} {path}: {status} without the error JSON's schema")
    return problems


def test_every_route_documents_the_errors_its_dependencies_imply() -> None:
    api = build_api()
    document = api.openapi()
    assert _missing_errors(document, _authenticated(api)) == []
    assert len(_operations(document)) >= 27
    # FastAPI's own 422 body is never sent, so the document does not describe it.
    assert "HTTPValidationError" not in document["components"]["schemas"]


class _NoteIn(ApiModel):
    text: str


def test_a_new_route_is_documented_by_construction() -> None:
    """A route added later without any `responses=` still gets its error answers."""
    router = authenticated_router()

    @router.put("/notes/{note_id}")
    def put_note(note_id: uuid.UUID, body: _NoteIn) -> dict[str, str]:
        return {}

    api = create_api([router])
    document = api.openapi()
    responses = document["paths"][f"{API_PREFIX}/notes/{{note_id}}"]["put"]["responses"]
    assert {"400", "401", "403", "404", "413", "422", "500"} <= set(responses)
    assert _missing_errors(document, _authenticated(api)) == []


def test_the_documented_statuses_are_the_ones_a_route_answers_with() -> None:
    """The explicit extras: conflicts, refusals of sign-in, rate limits and an unhealthy dependency."""
    document = build_api().openapi()
    responses = {(m, p): set(op["responses"]) for m, p, op in _operations(document)}
    assert {"401", "403", "429"} <= responses[("POST", f"{API_PREFIX}/auth/login")]
    assert {"403", "409", "429"} <= responses[("POST", f"{API_PREFIX}/auth/signup")]
    assert {"404", "409"} <= responses[("POST", f"{API_PREFIX}/check-ins")]
    assert "503" in responses[("GET", f"{API_PREFIX}/ready")]
    # Public routes ask for no credentials.
    assert "security" not in document["paths"][f"{API_PREFIX}/auth/login"]["post"]


# -- what the routes answer ----------------------------------------------------------------------------


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(build_api())


def test_every_405_names_the_methods_of_the_path(client: TestClient) -> None:
    # Our catch-all (a method no route of the path has) and Starlette's own 405 (a method no route has).
    for method, path, allowed in (
        ("DELETE", "/check-ins", "GET, POST"),
        ("TRACE", "/check-ins", "GET, POST"),
        ("PUT", "/members/export", "GET"),
        # /check-ins/{visit_id} takes ids only, so "current" is GET's alone.
        ("PATCH", "/check-ins/current", "GET"),
        ("POST", f"/members/{uuid.uuid4()}", "DELETE, GET, PATCH"),
    ):
        response = client.request(method, API_PREFIX + path)
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers["allow"] == allowed, (method, path)
        assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert client.request("TRACE", f"{API_PREFIX}/nothing-here").status_code == 404


@pytest.mark.parametrize(
    "value", ["0.5", "1707350400", "2026-02-08T10:30:00", "2026-02-30T10:30:00Z", "soon"]
)
def test_a_time_in_a_query_needs_its_zone(client: TestClient, db: Session, value: str) -> None:
    desk = bearer(db, make_user(db, role=Role.ADMIN))
    response = client.get(f"{API_PREFIX}/check-ins", params={"until": value}, headers=desk)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == "until"


def test_a_time_at_the_calendars_ends_is_a_bound_not_a_crash(client: TestClient, db: Session) -> None:
    desk = bearer(db, make_user(db, role=Role.ADMIN))
    params = {"since": "0001-01-01T00:00:00+05:00", "until": "9999-12-31T23:59:59-05:00"}
    assert client.get(f"{API_PREFIX}/check-ins", params=params, headers=desk).status_code == 200


def test_the_check_in_that_crashed_is_refused_with_field_messages(client: TestClient, db: Session) -> None:
    """Found by schemathesis: lone surrogates in overrideReason and an empty memberId answered 500."""
    desk = bearer(db, make_user(db, role=Role.ADMIN))
    body = {"memberId": "", "overrideReason": "\udcff\ud800 full"}
    response = client.post(f"{API_PREFIX}/check-ins", content=json.dumps(body), headers={**desk, **JSON})
    assert response.status_code == 422, response.text
    details = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert set(details) == {"memberId", "overrideReason"}
    assert details["overrideReason"] == UNSTORABLE_TEXT
    assert db.exec(select(CheckIn)).all() == []


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_text_that_cannot_be_stored_is_refused_on_every_body(
    client: TestClient, db: Session, bad: str
) -> None:
    admin = bearer(db, make_user(db, role=Role.ADMIN))
    member = make_member(db)
    for method, path, body, field in (
        ("POST", "/auth/login", {"email": bad, "password": "x"}, "email"),
        ("POST", "/auth/signup", {"email": "a@b.com", "password": PASSWORD, "fullName": bad}, "fullName"),
        ("PATCH", "/settings/profile", {"fullName": bad}, "fullName"),
        ("PATCH", "/settings/password", {"currentPassword": bad, "newPassword": PASSWORD}, "currentPassword"),
        ("PATCH", "/settings/gym", {"name": bad}, "name"),
        ("POST", "/staff", {"email": "s@example.com", "password": PASSWORD, "fullName": bad}, "fullName"),
        ("POST", "/members", {"fullName": bad, "email": "m@example.com", "membershipStart": "2026-01-01",
                              "membershipEnd": "2027-01-01"}, "fullName"),
        ("PATCH", f"/members/{member.id}", {"phone": bad}, "phone"),
        ("POST", "/members/bulk-action", {"action": "freeze", "filter": {"q": bad}}, "filter.q"),
        ("POST", "/check-ins", {"memberId": str(member.id), "overrideReason": bad}, "overrideReason"),
        ("POST", "/exercises", {"name": "Viking Press", "level": "beginner", "equipment": "barbell",
                                "primaryMuscles": ["shoulders"], "instructions": bad}, "instructions"),
    ):  # fmt: skip
        # As a client's JSON encoder writes them: "\\u0000", "\\ud800".
        response = client.request(
            method, API_PREFIX + path, content=json.dumps(body), headers={**admin, **JSON}
        )
        assert response.status_code == 422, (path, response.text)
        details = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
        assert details.get(field) == UNSTORABLE_TEXT, (path, details)
    if bad == NUL:  # a URL carries UTF-8 bytes: an unpaired surrogate cannot even be written in one
        for path in ("/members", "/exercises"):
            response = client.get(f"{API_PREFIX}{path}", params={"q": bad}, headers=admin)
            assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "q"
    db.refresh(member)
    assert member.phone != bad
