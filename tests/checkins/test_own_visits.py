"""One's own visits this month: the gym's calendar month (a zone east and one west of UTC), the caller's
visits only, their count and time summed, newest first; no membership, no visits (404 over HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user, make_visit
from tests.members.test_api import bearer
from thrust.checkins.api import router
from thrust.checkins.visits import NO_MEMBERSHIP, my_visits_this_month
from thrust.core.errors import NotFound
from thrust.core.http import create_api
from thrust.core.types import utcnow
from thrust.gym.clock import gym_clock
from thrust.gym.service import GYM_ID
from thrust.models import CheckIn, GymSettings, Member, Role, User


def _zone(db: Session, name: str) -> None:
    db.execute(sa.update(GymSettings).where(GymSettings.id == GYM_ID).values(timezone=name))  # type: ignore[arg-type]


def _stay(db: Session, member: Member, start: datetime, minutes: int | None) -> CheckIn:
    end = None if minutes is None else start + timedelta(minutes=minutes)
    visit = CheckIn(member_id=member.id, check_in_time=start, check_out_time=end)
    db.add(visit)
    db.flush()
    return visit


def _user_of(db: Session, member: Member) -> User:
    user = db.get(User, member.user_id)
    assert user is not None
    return user


@pytest.mark.parametrize(
    ("zone", "inside", "outside"),
    [
        # Tokyo (UTC+9): 16:00 UTC on 30 April is already 1 May there; 14:00 UTC is still April.
        ("Asia/Tokyo", datetime(2026, 4, 30, 16, tzinfo=UTC), datetime(2026, 4, 30, 14, tzinfo=UTC)),
        # New York (UTC-4 in May): 02:00 UTC on 1 May is still 30 April there; 05:00 UTC is May.
        ("America/New_York", datetime(2026, 5, 1, 5, tzinfo=UTC), datetime(2026, 5, 1, 2, tzinfo=UTC)),
    ],
)
def test_the_month_is_the_gyms_and_the_visits_are_ones_own(
    db: Session, zone: str, inside: datetime, outside: datetime
) -> None:
    _zone(db, zone)
    ana, other = make_member(db, full_name="Ana Ruiz"), make_member(db, full_name="Other Person")
    first = _stay(db, ana, inside, 60)
    _stay(db, ana, outside, 45)  # the month before, on the gym's calendar
    middle = _stay(db, ana, datetime(2026, 5, 9, 9, tzinfo=UTC), 75)
    open_now = _stay(db, ana, datetime(2026, 5, 10, 2, tzinfo=UTC), None)
    _stay(db, other, datetime(2026, 5, 9, 10, tzinfo=UTC), 30)  # someone else's: never counted
    _stay(db, ana, datetime(2026, 6, 15, 10, tzinfo=UTC), 30)  # next month (data from the future)

    month = my_visits_this_month(db, actor_for(_user_of(db, ana)), now=datetime(2026, 5, 10, 3, tzinfo=UTC))

    assert (month.first, month.last) == (date(2026, 5, 1), date(2026, 5, 31))
    assert [v.id for v in month.visits] == [open_now.id, middle.id, first.id]  # newest first
    assert month.count == 3 and month.minutes == 60 + 75  # the open visit has no length yet
    assert [v.minutes for v in month.visits] == [None, 75, 60]
    assert month.visits[0].check_out_time is None


def test_a_new_month_starts_empty(db: Session) -> None:
    _zone(db, "UTC")
    ana = make_member(db)
    _stay(db, ana, datetime(2026, 2, 27, 18, tzinfo=UTC), 50)
    month = my_visits_this_month(db, actor_for(_user_of(db, ana)), now=datetime(2026, 3, 1, 8, tzinfo=UTC))
    assert (month.first, month.last, month.count, month.minutes, month.visits) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
        0,
        0,
        [],
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TRAINER, Role.MEMBER])
def test_without_a_linked_membership_there_is_nothing_to_show(db: Session, role: Role) -> None:
    make_visit(db, make_member(db))  # someone's visit: never shown to another account
    with pytest.raises(NotFound, match=NO_MEMBERSHIP):
        my_visits_this_month(db, actor_for(make_user(db, role=role)))


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router]))


def test_the_route_answers_in_the_envelope_with_ones_own_visits_only(client: TestClient, db: Session) -> None:
    ana = make_member(db, full_name="Ana Ruiz")
    mine = make_visit(db, ana, hours_ago=0.05, minutes=None)  # came in three minutes ago
    make_visit(db, make_member(db, full_name="Other Person"), hours_ago=0.05, minutes=None)
    body = client.get("/api/v1/check-ins/mine", headers=bearer(db, _user_of(db, ana))).json()

    first = gym_clock(db).local(utcnow()).date().replace(day=1)
    # Three minutes into a new month, the visit began in the last one.
    expected = 1 if gym_clock(db).local(mine.check_in_time).date() >= first else 0
    data = body["data"]
    assert set(body) == {"data"} and data["from"] == str(first) and data["count"] == expected
    assert data["minutes"] == 0 and len(data["visits"]) == expected
    if expected:
        assert data["visits"][0] == {
            "id": str(mine.id),
            "checkInTime": data["visits"][0]["checkInTime"],
            "checkOutTime": None,
            "minutes": None,
            "autoCheckedOut": False,
        }
    assert "Other Person" not in str(body) and "Ana Ruiz" not in str(body)

    staff = client.get("/api/v1/check-ins/mine", headers=bearer(db, make_user(db, role=Role.ADMIN)))
    assert staff.status_code == 404
    assert staff.json()["error"] == {
        "code": "NOT_FOUND",
        "message": NO_MEMBERSHIP,
        "requestId": staff.json()["error"]["requestId"],
    }
    anonymous = client.get("/api/v1/check-ins/mine")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "UNAUTHORIZED"
