"""The gym's clock: dates and times read in the gym's timezone, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from thrust.core.types import utcnow
from thrust.gym import clock
from thrust.gym.clock import GymClock
from thrust.gym.service import GYM_ID, get_gym
from thrust.models import GymSettings


def _set_zone(db: Session, name: str) -> None:
    get_gym(db)
    db.execute(sa.update(GymSettings).where(GymSettings.id == GYM_ID).values(timezone=name))  # type: ignore[arg-type]


def test_times_read_in_the_gyms_zone(db: Session) -> None:
    _set_zone(db, "Asia/Tokyo")
    moment = datetime(2024, 3, 1, 23, 30, 5, tzinfo=UTC)  # already 2 March in Tokyo
    assert clock.hhmm(db, moment) == "08:30"
    assert clock.hhmm(db, moment, seconds=True) == "08:30:05"
    assert clock.local(db, moment).date() == date(2024, 3, 2)
    assert clock.today(db) == utcnow().astimezone(ZoneInfo("Asia/Tokyo")).date()


def test_a_new_zone_is_read_at_once(db: Session) -> None:
    moment = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    _set_zone(db, "America/New_York")
    assert clock.hhmm(db, moment) == "08:00"
    _set_zone(db, "Europe/Berlin")
    assert clock.hhmm(db, moment) == "14:00"


def test_an_unknown_zone_reads_as_utc(db: Session) -> None:
    _set_zone(db, "Mars/Olympus_Mons")  # only a hand-edited row could hold it
    assert clock.hhmm(db, datetime(2024, 1, 1, 9, 15, tzinfo=UTC)) == "09:15"
    assert clock.today(db) == utcnow().date()


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Berlin", datetime(2024, 2, 29, 23, 0, tzinfo=UTC)), ("UTC", datetime(2024, 3, 1, tzinfo=UTC))],
)
def test_midnight_is_the_gyms(zone: str, expected: datetime) -> None:
    assert GymClock.named(zone).midnight(date(2024, 3, 1)) == expected


def test_a_named_clock_without_a_name_is_utc() -> None:
    gym = GymClock.named(None)
    assert gym.hhmm(datetime(2024, 1, 1, 6, 7, tzinfo=UTC)) == "06:07"
    assert abs(gym.now() - utcnow()) < timedelta(seconds=5)
