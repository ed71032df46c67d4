"""The public "how busy is it" answer: off by default (404), on when an admin switches it on; no cookies,
cacheable for 30 s, rate-limited per address, and nothing personal in it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_member, make_user, make_visit
from tests.members.test_api import bearer
from thrust.analytics.api import public
from thrust.analytics.public import PUBLIC_OCCUPANCY
from thrust.core.http import create_api
from thrust.core.settings import get_settings
from thrust.gym.api import router as gym_router
from thrust.models import Role


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([public, gym_router]))


def test_off_until_an_admin_switches_it_on(client: TestClient, db: Session) -> None:
    member = make_member(db, full_name="Private Person")
    make_visit(db, member, hours_ago=0.5, minutes=None)
    off = client.get("/api/v1/public/occupancy")
    assert off.status_code == 404 and off.json()["error"]["code"] == "NOT_FOUND"

    trainer = bearer(db, make_user(db, role=Role.TRAINER))
    assert (
        client.patch("/api/v1/settings/gym", json={"publicOccupancy": True}, headers=trainer).status_code
        == 403
    )
    admin = bearer(db, make_user(db, role=Role.ADMIN))
    switched = client.patch("/api/v1/settings/gym", json={"publicOccupancy": True}, headers=admin)
    assert switched.status_code == 200 and switched.json()["data"]["publicOccupancy"] is True
    assert (
        client.patch("/api/v1/settings/gym", json={"publicOccupancy": "yes"}, headers=admin).status_code
        == 422
    )

    on = client.get("/api/v1/public/occupancy")
    assert on.status_code == 200
    body = on.json()["data"]
    assert body["percent"] == 1 and body["band"] == "quiet" and body["trend"] in ("steady", "filling up")
    assert on.headers["cache-control"] == "public, max-age=30"
    assert "set-cookie" not in on.headers
    assert "Private Person" not in on.text and str(member.id) not in on.text


def test_a_scraper_is_slowed_down_per_address(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THRUST_TRUSTED_PROXY_HOPS", "1")  # behind one proxy: X-Forwarded-For tells who
    get_settings.cache_clear()
    admin = bearer(db, make_user(db, role=Role.ADMIN))
    client.patch("/api/v1/settings/gym", json={"publicOccupancy": True}, headers=admin)
    here = {"X-Forwarded-For": "198.51.100.7"}
    for _ in range(PUBLIC_OCCUPANCY.max_attempts):
        assert client.get("/api/v1/public/occupancy", headers=here).status_code == 200
    refused = client.get("/api/v1/public/occupancy", headers=here)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert int(refused.headers["retry-after"]) >= 1
    elsewhere = client.get("/api/v1/public/occupancy", headers={"X-Forwarded-For": "198.51.100.8"})
    assert elsewhere.status_code == 200
    get_settings.cache_clear()
