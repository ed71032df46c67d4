"""Occupancy per bucket against figures worked out by hand, on both engines: a daylight-saving day,
a visit open across midnight, gyms west and east of UTC."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from tests.factories import make_member
from thrust.analytics.buckets import BucketSize, spans
from thrust.analytics.occupancy import series
from thrust.models import CheckIn

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def visit(db: Session, start: datetime, end: datetime | None) -> None:
    db.add(CheckIn(member_id=make_member(db).id, check_in_time=start, check_out_time=end))
    db.flush()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_hours_of_a_day_with_a_clock_change_are_23_and_25() -> None:
    assert len(spans(NEW_YORK, date(2026, 3, 8), date(2026, 3, 8), BucketSize.HOUR)) == 23
    assert len(spans(NEW_YORK, date(2026, 11, 1), date(2026, 11, 1), BucketSize.HOUR)) == 25
    assert len(spans(TOKYO, date(2026, 11, 1), date(2026, 11, 1), BucketSize.HOUR)) == 24
    fall = spans(NEW_YORK, date(2026, 11, 1), date(2026, 11, 1), BucketSize.HOUR)
    assert [s.local.hour for s in fall[:4]] == [0, 1, 1, 2]  # 01:00 twice
    days = spans(NEW_YORK, date(2026, 10, 31), date(2026, 11, 2), BucketSize.DAY)
    assert [s.seconds / 3600 for s in days] == [24, 25, 24]


def test_weeks_start_on_monday() -> None:
    weeks = spans(TOKYO, date(2026, 11, 4), date(2026, 11, 20), BucketSize.WEEK)
    assert [w.local.date() for w in weeks] == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert weeks[-1].local.date() + timedelta(days=5) == weeks[-1].end.astimezone(TOKYO).date()


def test_an_hour_by_hour_day_west_of_utc(db: Session) -> None:
    # New York, Monday 2026-11-02 (UTC-5). Local 09:00 = 14:00Z.
    visit(db, utc(2026, 11, 2, 14, 0), utc(2026, 11, 2, 15, 30))  # 09:00-10:30
    visit(db, utc(2026, 11, 2, 14, 30), utc(2026, 11, 2, 14, 45))  # 09:30-09:45
    visit(db, utc(2026, 11, 2, 13, 0), utc(2026, 11, 2, 14, 0))  # 08:00-09:00: out as the hour starts
    day = spans(NEW_YORK, date(2026, 11, 2), date(2026, 11, 2), BucketSize.HOUR)
    points = series(db, day, now=utc(2026, 11, 3, 12))
    by_hour = {p.span.local.hour: p for p in points}
    assert [(by_hour[h].check_ins, by_hour[h].peak) for h in (7, 8, 9, 10, 11)] == [
        (0, 0),
        (1, 1),
        (2, 2),
        (0, 1),
        (0, 0),
    ]
    assert by_hour[8].average == pytest.approx(1.0)
    assert by_hour[9].average == pytest.approx(1.25)  # 60 + 15 minutes over an hour
    assert by_hour[10].average == pytest.approx(0.5)


def test_a_visit_open_across_midnight_counts_on_both_days_east_of_utc(db: Session) -> None:
    # Tokyo (UTC+9): in at 23:00 on 5 November (14:00Z), still inside at "now", 01:30 on the 6th.
    visit(db, utc(2026, 11, 5, 14), None)
    now = utc(2026, 11, 5, 16, 30)
    days = series(db, spans(TOKYO, date(2026, 11, 5), date(2026, 11, 6), BucketSize.DAY), now=now)
    assert [(p.check_ins, p.peak) for p in days] == [(1, 1), (0, 1)]
    assert days[0].average == pytest.approx(1 / 24, abs=1e-4)
    assert days[1].average == pytest.approx(1.0)  # the 1.5 hours of the 6th so far, all with one inside
    hours = series(db, spans(TOKYO, date(2026, 11, 6), date(2026, 11, 6), BucketSize.HOUR), now=now)
    assert [p.peak for p in hours[:3]] == [1, 1, None]  # 02:00 has not begun


def test_the_extra_hour_of_a_fall_back_day_holds_its_own_visits(db: Session) -> None:
    # 1 November 2026, New York: 01:00-02:00 EDT is 05:00-06:00Z, 01:00-02:00 EST is 06:00-07:00Z.
    visit(db, utc(2026, 11, 1, 5, 10), utc(2026, 11, 1, 5, 40))
    visit(db, utc(2026, 11, 1, 6, 0), utc(2026, 11, 1, 7, 0))
    visit(db, utc(2026, 11, 1, 6, 20), utc(2026, 11, 1, 6, 50))
    points = series(
        db, spans(NEW_YORK, date(2026, 11, 1), date(2026, 11, 1), BucketSize.HOUR), now=utc(2026, 11, 2)
    )
    assert len(points) == 25
    first, second = points[1], points[2]
    assert (first.span.local.hour, second.span.local.hour) == (1, 1)
    assert (first.check_ins, first.peak, first.average) == (1, 1, pytest.approx(0.5))
    assert (second.check_ins, second.peak, second.average) == (2, 2, pytest.approx(1.5))


def _brute(visits: list[tuple[datetime, datetime | None]], start: datetime, end: datetime, now: datetime):
    """Figures of one bucket from the visits themselves: the definition, walked minute by minute."""
    stop = min(end, now)
    check_ins = sum(1 for v_in, _ in visits if start <= v_in < stop)
    moments = [start] + [m for v in visits for m in v if m is not None and start <= m < stop]

    def inside(at: datetime) -> int:
        return sum(1 for v_in, v_out in visits if v_in <= at and (v_out is None or v_out > at))

    person_seconds = sum(
        (min(v_out or stop, stop) - max(v_in, start)).total_seconds()
        for v_in, v_out in visits
        if v_in < stop and (v_out is None or v_out > start)
    )
    return check_ins, max(inside(m) for m in moments), person_seconds / (stop - start).total_seconds()


def test_random_days_match_the_definition_including_buckets_with_gaps(db: Session) -> None:
    rng = random.Random(11)
    base = utc(2026, 11, 2, 0)
    visits: list[tuple[datetime, datetime | None]] = []
    for _ in range(60):
        v_in = base + timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
        v_out = None if rng.random() < 0.1 else v_in + timedelta(minutes=rng.randrange(0, 240))
        visits.append((v_in, v_out))
        visit(db, v_in, v_out)
    now = base + timedelta(days=2, hours=15, minutes=7)
    hours = spans(ZoneInfo("Asia/Kolkata"), date(2026, 11, 2), date(2026, 11, 4), BucketSize.HOUR)
    picked = hours[::5]  # buckets with gaps between them, like the same hour of several weeks
    for point in series(db, picked, now=now):
        if point.span.start >= now:
            assert (point.check_ins, point.peak, point.average) == (0, None, None)
            continue
        check_ins, peak, average = _brute(visits, point.span.start, point.span.end, now)
        assert (point.check_ins, point.peak) == (check_ins, peak), point.span
        assert point.average == pytest.approx(average, abs=1e-4), point.span
