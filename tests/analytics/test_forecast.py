"""The forecast on constructed histories: the usual evening peak ahead, a quieter evening after it, a day
running busier than usual, a quiet spell before the peak, and a gym with no history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import make_member
from thrust.analytics.buckets import BucketSize, spans
from thrust.analytics.forecast import Expected, forecast, hint
from thrust.gym.service import GYM_ID
from thrust.models import CheckIn, GymSettings, Member

MONDAY = datetime(2026, 11, 16, tzinfo=UTC)


def stay(db: Session, member: Member, start: datetime, minutes: int | None) -> None:
    end = None if minutes is None else start + timedelta(minutes=minutes)
    db.add(CheckIn(member_id=member.id, check_in_time=start, check_out_time=end))
    db.flush()


@pytest.fixture
def regulars(db: Session) -> list[Member]:
    db.execute(sa.update(GymSettings).where(GymSettings.id == GYM_ID).values(timezone="UTC", max_capacity=50))  # type: ignore[arg-type]
    people = [make_member(db) for _ in range(10)]
    # Every day of the last 8 weeks: two people 10:00-17:00, ten people 17:00-18:00.
    for days_back in range(1, 8 * 7 + 1):
        day = MONDAY - timedelta(days=days_back)
        for member in people[:2]:
            stay(db, member, day + timedelta(hours=10), 7 * 60)
        for member in people:
            stay(db, member, day + timedelta(hours=17), 60)
    return people


def test_the_evening_peak_is_ahead_at_noon(db: Session, regulars: list[Member]) -> None:
    for member in regulars[:2]:
        stay(db, member, MONDAY + timedelta(hours=10), None)
    result = forecast(db, now=MONDAY + timedelta(hours=12, minutes=30))
    by_hour = {e.span.local.hour: e.people for e in result.hours}
    assert min(by_hour) == 13 and max(by_hour) == 23
    assert by_hour[14] == pytest.approx(2, abs=0.05) and by_hour[17] == pytest.approx(10, abs=0.1)
    assert by_hour[19] == 0
    assert (result.current, result.capacity, result.trend) == (2, 50, 1.0)
    assert result.hint == "Busier from 17:00"


def test_after_the_peak_it_gets_quieter(db: Session, regulars: list[Member]) -> None:
    for member in regulars[:2]:
        stay(db, member, MONDAY + timedelta(hours=10), 7 * 60)
    for member in regulars:
        stay(db, member, MONDAY + timedelta(hours=17), None)
    result = forecast(db, now=MONDAY + timedelta(hours=17, minutes=20))
    assert result.current == 10
    assert result.hint == "Quieter after 18:00"


def test_a_busier_day_than_usual_raises_the_rest_of_it(db: Session, regulars: list[Member]) -> None:
    extra = [make_member(db) for _ in range(4)]
    for member in regulars[:2] + extra:  # six people since 10:00 instead of two
        stay(db, member, MONDAY + timedelta(hours=10), None)
    result = forecast(db, now=MONDAY + timedelta(hours=13))
    by_hour = {e.span.local.hour: e.people for e in result.hours}
    # Three times the usual so far, trusted halfway: twice the usual for the rest of the day.
    assert by_hour[15] == pytest.approx(4, abs=0.1) and by_hour[17] == pytest.approx(20, abs=0.2)


def test_no_history_no_forecast(db: Session) -> None:
    result = forecast(db, now=MONDAY + timedelta(hours=12))
    assert result.hours == [] and result.hint == ""


def test_a_quiet_spell_before_the_evening_peak_names_both() -> None:
    """Quieter soon, but the evening is the day's busiest: the hint says both, so no one takes
    "quieter after 15:00" for a quiet evening."""
    zone = ZoneInfo("UTC")
    day = spans(zone, MONDAY.date(), MONDAY.date(), BucketSize.HOUR)
    people = {15: 1.0, 16: 2.0, 17: 5.0, 18: 9.0, 19: 12.0, 20: 6.0}
    ahead = [Expected(span, people[span.local.hour]) for span in day if span.local.hour in people]
    assert hint(6, ahead) == "Quieter after 15:00, busiest around 19:00"
    # Without a busier hour ahead, the quiet spell is the whole story.
    assert hint(6, [Expected(s.span, min(s.people, 4.0)) for s in ahead]) == "Quieter after 15:00"
