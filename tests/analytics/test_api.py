"""The analytics routes over HTTP: the seed's envelope, numbers equal to the services', refusals in the
seed's error JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_member, make_user, make_visit
from tests.members.test_api import bearer
from thrust.analytics.api import history_router, router
from thrust.core.http import create_api
from thrust.models import Role


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router, history_router]))


def test_history_by_day_and_week_in_the_gyms_calendar(client: TestClient, db: Session) -> None:
    admin = bearer(db, make_user(db, role=Role.ADMIN))
    member = make_member(db)
    make_visit(db, member, hours_ago=30, minutes=60)
    make_visit(db, member, hours_ago=2, minutes=None)  # inside now
    today = datetime.now(UTC).date()  # the test gym keeps UTC
    week = {"from": str(today - timedelta(days=6)), "to": str(today), "bucket": "day"}
    body = client.get("/api/v1/check-ins/history", params=week, headers=admin).json()
    assert body["meta"] == {"from": week["from"], "to": week["to"], "bucket": "day", "timezone": "UTC"}
    assert len(body["data"]) == 7 and sum(d["checkIns"] for d in body["data"]) == 2
    assert body["data"][-1]["peakOccupancy"] == 1 and body["data"][0]["averageOccupancy"] == 0
    assert body["data"][0]["start"] == f"{week['from']}T00:00:00Z"
    weeks = client.get("/api/v1/check-ins/history", params={**week, "bucket": "week"}, headers=admin).json()
    assert sum(w["checkIns"] for w in weeks["data"]) == 2
    backwards = client.get(
        "/api/v1/check-ins/history", params={"from": "2026-05-02", "to": "2026-05-01"}, headers=admin
    )
    assert backwards.status_code == 400 and backwards.json()["error"]["code"] == "VALIDATION_ERROR"
    assert (
        client.get("/api/v1/check-ins/history", params={"bucket": "year"}, headers=admin).status_code == 422
    )


def test_cards_forecast_and_at_risk_answer_in_the_envelope(client: TestClient, db: Session) -> None:
    admin = bearer(db, make_user(db, role=Role.ADMIN))
    make_visit(db, make_member(db), hours_ago=1, minutes=None)
    cards = client.get("/api/v1/analytics/summary", headers=admin).json()["data"]
    assert cards["activeMembers"] == 1 and cards["insideNow"] == 1 and cards["capacity"] == 100
    assert set(cards) >= {
        "expiringIn7Days",
        "expiringIn30Days",
        "visitsSameDayLastWeek",
        "averageVisitMinutes",
    }
    today = client.get("/api/v1/analytics/today", headers=admin).json()["data"]
    assert len(today["hours"]) == 24 and today["capacity"] == 100
    forecast = client.get("/api/v1/analytics/forecast", headers=admin).json()["data"]
    # Near midnight the visit began yesterday and a forecast exists: its hint may or may not be empty.
    assert forecast["current"] == 1 and forecast["percent"] == 1 and isinstance(forecast["hint"], str)
    at_risk = client.get("/api/v1/analytics/at-risk", headers=admin).json()
    assert at_risk == {"data": [], "meta": {"total": 0}}
    heat = client.get("/api/v1/analytics/heatmap", params={"weeks": 2}, headers=admin).json()["data"]
    assert len(heat["cells"]) == 7 and all(len(row) == 24 for row in heat["cells"])
    mix = client.get("/api/v1/analytics/visits", headers=admin).json()["data"]
    assert set(mix["tiers"]) == {"BASIC", "PREMIUM", "VIP"} and len(mix["lengths"]) == 7


def test_a_member_reads_the_forecast_but_not_the_cards(client: TestClient, db: Session) -> None:
    member = bearer(db, make_user(db, role=Role.MEMBER))
    assert client.get("/api/v1/analytics/forecast", headers=member).status_code == 200
    refused = client.get("/api/v1/analytics/summary", headers=member)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"
    assert client.get("/api/v1/analytics/at-risk", headers=member).status_code == 403
