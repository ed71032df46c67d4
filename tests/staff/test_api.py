"""Staff accounts over HTTP: ADMIN only; 201/403/404/409/422; deactivation ends sessions at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.auth.helpers import PASSWORD, make_account
from tests.auth.helpers import api_error as _error
from tests.auth.helpers import bearer as _bearer
from thrust.api import build_api
from thrust.models import Role


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(build_api())


def test_staff_routes(client: TestClient, db: Session) -> None:
    admin_user = make_account(db, Role.ADMIN)
    admin = _bearer(client, admin_user)
    trainer = _bearer(client, make_account(db, Role.TRAINER))
    _error(client.get("/api/v1/staff", headers=trainer), 403, "FORBIDDEN")

    listed = client.get("/api/v1/staff", headers=admin)
    assert listed.status_code == 200
    assert {"id", "email", "role", "fullName", "phone", "isActive", "lastLoginAt", "createdAt"} == set(
        listed.json()["data"][0]
    )
    created = client.post(
        "/api/v1/staff",
        json={"email": "coach@example.com", "password": PASSWORD, "fullName": "Coach", "role": "TRAINER"},
        headers=admin,
    )
    assert created.status_code == 201
    coach_id = created.json()["data"]["id"]
    login = {"email": "coach@example.com", "password": PASSWORD}
    coach_token = client.post("/api/v1/auth/login", json=login).json()["data"]["accessToken"]
    coach = {"Authorization": f"Bearer {coach_token}"}
    assert client.get("/api/v1/auth/me", headers=coach).status_code == 200

    promoted = client.patch(f"/api/v1/staff/{coach_id}", json={"role": "ADMIN"}, headers=admin)
    assert promoted.status_code == 200 and promoted.json()["data"]["role"] == "ADMIN"
    assert client.get("/api/v1/auth/me", headers=coach).json()["data"]["role"] == "ADMIN"
    off = client.patch(f"/api/v1/staff/{coach_id}", json={"isActive": False}, headers=admin)
    assert off.status_code == 200 and off.json()["data"]["isActive"] is False
    _error(client.get("/api/v1/auth/me", headers=coach), 401, "UNAUTHORIZED")  # at once

    dup = client.post(
        "/api/v1/staff",
        json={"email": "coach@example.com", "password": PASSWORD, "fullName": "Again", "role": "ADMIN"},
        headers=admin,
    )
    _error(dup, 409, "CONFLICT")
    _error(
        client.patch(f"/api/v1/staff/{admin_user.id}", json={"isActive": False}, headers=admin),
        409,
        "CONFLICT",
    )
    _error(client.patch("/api/v1/staff/00000000-0000-0000-0000-000000000001", json={"role": "ADMIN"},
                        headers=admin), 404, "NOT_FOUND")  # fmt: skip
    _error(client.patch(f"/api/v1/staff/{coach_id}", json={}, headers=admin), 422, "VALIDATION_ERROR")
    _error(
        client.patch("/api/v1/staff/not-a-uuid", json={"role": "ADMIN"}, headers=admin),
        404,  # staff ids are uuids by route: another segment names no account
        "NOT_FOUND",
    )
    _error(
        client.patch(f"/api/v1/staff/{coach_id}", json={"role": "OWNER"}, headers=admin),
        422,
        "VALIDATION_ERROR",
    )
