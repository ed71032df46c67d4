"""The REST base: health and readiness, camelCase JSON, request ids, the seed's error JSON on failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import Field
from sqlalchemy import Engine

from thrust.core.db import build_engine, set_engine
from thrust.core.errors import NotFound, ValidationFailed
from thrust.core.http import create_api
from thrust.core.schemas import ApiModel
from thrust.core.settings import VERSION, get_settings
from thrust.system.api import router as system_router

MakeClient = Callable[[FastAPI], TestClient]


class VisitIn(ApiModel):
    member_id: str = Field(min_length=3)
    minutes: int = Field(ge=1, le=600)


class VisitOut(ApiModel):
    member_id: str
    full_name: str
    check_in_time: datetime


probe = APIRouter()


@probe.post("/probe/visits", status_code=201)
def create_visit(body: VisitIn) -> dict[str, VisitOut]:
    return {
        "data": VisitOut(
            member_id=body.member_id,
            full_name="Zoë Ångström",
            check_in_time=datetime(2026, 2, 8, 10, 30, tzinfo=UTC),
        )
    }


@probe.get("/probe/missing")
def missing() -> None:
    raise NotFound("Member not found")


@probe.get("/probe/invalid")
def invalid() -> None:
    raise ValidationFailed.on("email", "Invalid email format")


@probe.get("/probe/crash")
def crash() -> None:
    raise RuntimeError("secret internals: password=hunter2")


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client(create_api([system_router, probe]))


def _error(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]  # a TestClient response, typed loosely here
    assert set(body) == {"error"}
    assert body["error"]["requestId"] == response.headers["x-request-id"]  # type: ignore[attr-defined]  # a TestClient response, typed loosely here
    return body["error"]


def test_health_says_alive_without_asking_any_dependency(client: TestClient) -> None:
    set_engine(build_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", pool_pre_ping=False))
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok", "version": VERSION}}


def test_ready_reports_database_migrations_and_version(client: TestClient) -> None:
    response = client.get("/api/v1/ready")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "ok"
    assert data["version"] == VERSION
    assert data["checks"]["database"]["status"] == "ok"
    assert data["checks"]["migrations"]["status"] == "ok"
    assert data["checks"]["redis"] == {"status": "disabled"}
    assert "failed" not in data


def test_ready_checks_redis_when_configured(
    client: TestClient, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    assert client.get("/api/v1/ready").json()["data"]["checks"]["redis"]["status"] == "ok"

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    response = client.get("/api/v1/ready")
    assert response.status_code == 503
    assert response.json()["data"]["checks"]["redis"]["status"] == "error"
    assert response.json()["data"]["failed"] == ["redis"]


def test_ready_is_503_when_the_database_is_unreachable(client: TestClient) -> None:
    set_engine(build_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", pool_pre_ping=False))
    response = client.get("/api/v1/ready")
    assert response.status_code == 503
    data = response.json()["data"]
    assert data["status"] == "unavailable"
    assert data["checks"]["database"]["status"] == "error"
    assert data["failed"] == ["database", "migrations"]


@pytest.mark.parametrize("fresh_engine", ["sqlite", "postgresql"], indirect=True)
def test_ready_is_503_until_the_migrations_reach_head(fresh_engine: Engine) -> None:
    from tests.conftest import migrate

    set_engine(fresh_engine)
    try:
        with TestClient(create_api([system_router])) as client:
            migrate(fresh_engine, "0005")
            response = client.get("/api/v1/ready")
            assert response.status_code == 503
            assert response.json()["data"]["failed"] == ["migrations"]
            migrate(fresh_engine)
            assert client.get("/api/v1/ready").status_code == 200
    finally:
        set_engine(None)


def test_json_fields_are_camel_case_both_ways(client: TestClient) -> None:
    response = client.post("/api/v1/probe/visits", json={"memberId": "m-123", "minutes": 45})
    assert response.status_code == 201
    assert response.json() == {
        "data": {"memberId": "m-123", "fullName": "Zoë Ångström", "checkInTime": "2026-02-08T10:30:00Z"}
    }


def test_422_lists_each_bad_field_by_its_json_name(client: TestClient) -> None:
    response = client.post("/api/v1/probe/visits", json={"memberId": "x", "minutes": 0, "extra": 1})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["message"] == "Invalid input data"
    fields = {d["field"] for d in error["details"]}  # type: ignore[union-attr]  # the error body is JSON: typed loosely here
    assert fields == {"memberId", "minutes", "extra"}


def test_422_for_a_body_that_is_not_json(client: TestClient) -> None:
    response = client.post(
        "/api/v1/probe/visits", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert _error(response)["code"] == "VALIDATION_ERROR"


def test_domain_errors_use_the_seed_format(client: TestClient) -> None:
    response = client.get("/api/v1/probe/missing")
    assert response.status_code == 404
    assert _error(response) | {"requestId": None} == {
        "code": "NOT_FOUND",
        "message": "Member not found",
        "requestId": None,
    }
    response = client.get("/api/v1/probe/invalid")
    assert response.status_code == 400
    assert _error(response)["details"] == [{"field": "email", "message": "Invalid email format"}]


def test_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert _error(response)["code"] == "NOT_FOUND"


def test_wrong_method_is_a_json_405_with_allow(client: TestClient) -> None:
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert _error(response)["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["allow"]


def test_500_carries_a_request_id_and_never_a_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.get("/api/v1/probe/crash", headers={"X-Request-ID": "trace-me-12345"})
    assert response.status_code == 500
    error = _error(response)
    assert error == {
        "code": "INTERNAL_ERROR",
        "message": "An unexpected error occurred",
        "requestId": "trace-me-12345",
    }
    assert "hunter2" not in response.text and "Traceback" not in response.text
    # ...but the log has it, under the same id, for whoever investigates.
    assert any("trace-me-12345" in record.getMessage() for record in caplog.records)


def test_a_malformed_incoming_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/api/v1/health", headers={"X-Request-ID": "<script>"})
    assert response.headers["x-request-id"].startswith("req_")


def test_openapi_docs_are_served_under_api_v1(client: TestClient) -> None:
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/health", "/api/v1/ready"} <= set(schema["paths"])
    assert not any(path.endswith("{path}") for path in schema["paths"])
