"""Today over the typical curve, and the weekday x hour heatmap, on constructed histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import make_member
from thrust.analytics.profile import day_over_typical, heatmap, open_hours
from thrust.gym.service import GYM_ID
from thrust.models import CheckIn, GymSettings

NOW = datetime(2026, 11, 16, 12, 30, tzinfo=UTC)  # Monday 12:30 (the gym keeps UTC)


def visits(db: Session, start: datetime, minutes: int, count: int) -> None:
    for _ in range(count):
        member = make_member(db)
        db.add(
            CheckIn(
                member_id=member.id, check_in_time=start, check_out_time=start + timedelta(minutes=minutes)
            )
        )
    db.flush()


@pytest.fixture
def gym(db: Session) -> Session:
    hours = {day: ["06:00", "22:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")} | {"sun": None}
    db.execute(
        sa.update(GymSettings).where(GymSettings.id == GYM_ID).values(timezone="UTC", opening_hours=hours)  # type: ignore[arg-type]
    )
    return db


def test_the_typical_hour_is_the_median_of_the_same_weekdays(gym: Session) -> None:
    # Mondays 1 to 5 weeks back, 10:00-11:00: 1, 2, 3, 4 and 10 people; nothing before (no history).
    for weeks_back, people in zip(range(1, 6), (1, 2, 3, 4, 10), strict=True):
        visits(gym, datetime(2026, 11, 16, 10, tzinfo=UTC) - timedelta(weeks=weeks_back), 60, people)
    visits(gym, datetime(2026, 11, 16, 10, 30, tzinfo=UTC), 30, 2)  # today: 2 people from 10:30 to 11:00
    day = day_over_typical(gym, now=NOW)
    ten = day.hours[10]
    assert ten.typical == 3  # median of 1, 2, 3, 4, 10
    assert ten.average == pytest.approx(1.0) and ten.peak == 2 and ten.check_ins == 2
    assert day.hours[9].typical == 0  # the same five Mondays, nobody at 09:00
    assert day.hours[13].average is None  # 13:00 has not begun
    assert day.capacity > 0


def test_without_history_there_is_no_typical_curve(gym: Session) -> None:
    day = day_over_typical(gym, now=NOW)
    assert len(day.hours) == 24 and all(h.typical is None for h in day.hours)
    assert heatmap(gym, now=NOW).busiest == []


def test_the_heatmap_averages_weekday_hours_and_names_them(gym: Session) -> None:
    for weeks_back in (1, 2):
        monday = datetime(2026, 11, 16, tzinfo=UTC) - timedelta(weeks=weeks_back)
        visits(gym, monday + timedelta(hours=18), 60, 6 * weeks_back)  # Monday 18:00: 6 then 12 -> 9
        visits(gym, monday + timedelta(days=2, hours=7), 60, 2)  # Wednesday 07:00: 2
        visits(gym, monday + timedelta(days=4, hours=12), 30, 4)  # Friday 12:00: half an hour of 4 -> 2
        visits(gym, monday + timedelta(days=6, hours=11), 60, 30)  # Sunday, closed: never named
    result = heatmap(gym, weeks=2, now=NOW)
    assert result.cells[0][18] == 9 and result.cells[2][7] == 2 and result.cells[4][12] == 2
    assert result.cells[6][11] == 30
    assert result.busiest == ["Monday 18:00", "Wednesday 07:00", "Friday 12:00"]
    assert result.quietest[:1] == ["Monday 06:00"]
    assert result.weeks == 2


def test_open_hours_count_an_hour_the_gym_is_open_in_part() -> None:
    assert open_hours({"mon": ["06:30", "21:15"]}, 0) == range(6, 22)
    assert open_hours({"mon": None}, 0) == range(0)
