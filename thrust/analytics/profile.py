"""The gym's rhythm: today's hours over the typical curve of this weekday, the weekday x hour heatmap, and
the busiest and quietest hours in words. Occupancy comes from `occupancy.series` (SQL); what is done here
is arranging a few hundred figures, never reading visits."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.buckets import BucketSize, Span, spans
from thrust.analytics.occupancy import Point, series
from thrust.core.types import utcnow
from thrust.gym.clock import GymClock, gym_clock
from thrust.gym.service import DAYS, get_gym
from thrust.models import CheckIn

TYPICAL_WEEKS = 8  # the typical curve: the median of the last 8 same weekdays
HEATMAP_WEEKS = 8
NAMED_HOURS = 3  # the three busiest and the three quietest hours
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class HourOfDay:
    """One hour of a day's chart: today's figures and the typical one for this hour of this weekday."""

    span: Span
    average: float | None  # None: the hour has not begun
    peak: int | None
    check_ins: int
    typical: float | None  # None: no history for this weekday yet


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    capacity: int
    hours: list[HourOfDay]


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Average occupancy by weekday (0 = Monday) and hour of the day, over the weeks that have data."""

    weeks: int
    cells: list[list[float | None]]  # [weekday][hour]; None: no such hour yet in the period
    busiest: list[str]  # e.g. "Monday 18:00" (most people first)
    quietest: list[str]  # within opening hours (fewest people first)


def first_visit_day(session: Session, clock: GymClock) -> date | None:
    """The local date of the first visit ever recorded: weeks before it are not history, just empty."""
    first = session.execute(sa.select(sa.func.min(CheckIn.__table__.c.check_in_time))).scalar()  # type: ignore[attr-defined]
    return None if first is None else clock.local(first).date()


def _by_hour(points: list[Point]) -> dict[tuple[date, int], Point]:
    """Points keyed by local date and hour; the repeated hour of a fall-back day keeps its first."""
    out: dict[tuple[date, int], Point] = {}
    for point in points:
        out.setdefault((point.span.local.date(), point.span.local.hour), point)
    return out


def _hours_of(clock: GymClock, days: list[date]) -> list[Span]:
    return [span for day in days for span in spans(clock.zone, day, day, BucketSize.HOUR)]


def day_over_typical(session: Session, day: date | None = None, *, now: datetime | None = None) -> Day:
    """Occupancy by hour of `day` (today by default) and, for each hour, the median of the same hour on
    the previous `TYPICAL_WEEKS` same weekdays that lie after the first recorded visit."""
    now = now or utcnow()
    clock = gym_clock(session)
    day = day or clock.local(now).date()
    start = first_visit_day(session, clock)
    past_days = [day - timedelta(weeks=w) for w in range(TYPICAL_WEEKS, 0, -1)]
    past_days = [d for d in past_days if start is not None and d >= start]
    history = _hours_of(clock, past_days)
    points = series(session, history + _hours_of(clock, [day]), now=now)
    by_hour = _by_hour(points[: len(history)])
    hours: list[HourOfDay] = []
    for point in points[len(history) :]:
        samples = [
            p.average
            for d in past_days
            if (p := by_hour.get((d, point.span.local.hour))) is not None and p.average is not None
        ]
        typical = statistics.median(samples) if samples else None
        hours.append(HourOfDay(point.span, point.average, point.peak, point.check_ins, typical))
    return Day(day, get_gym(session).max_capacity, hours)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def open_hours(opening_hours: dict[str, list[str] | None] | None, weekday: int) -> range:
    """The hours of a weekday (0 = Monday) in which the gym is open for at least part of the hour."""
    span = (opening_hours or {}).get(DAYS[weekday])
    if not span:
        return range(0)
    return range(_minutes(span[0]) // 60, (_minutes(span[1]) + 59) // 60)


def heatmap(session: Session, *, weeks: int = HEATMAP_WEEKS, now: datetime | None = None) -> Heatmap:
    """Average occupancy per weekday and hour over the last `weeks` full weeks (up to yesterday)."""
    now = now or utcnow()
    clock = gym_clock(session)
    yesterday = clock.local(now).date() - timedelta(days=1)
    start = first_visit_day(session, clock)
    first = yesterday - timedelta(weeks=weeks) + timedelta(days=1)
    if start is not None:
        first = max(first, start)
    points = series(session, spans(clock.zone, first, yesterday, BucketSize.HOUR), now=now) if start else []
    sums = [[0.0] * 24 for _ in range(7)]
    counts = [[0] * 24 for _ in range(7)]
    for point in points:
        if point.average is None:
            continue
        local = point.span.local
        sums[local.weekday()][local.hour] += point.average
        counts[local.weekday()][local.hour] += 1
    cells = [
        [round(sums[d][h] / counts[d][h], 2) if counts[d][h] else None for h in range(24)] for d in range(7)
    ]
    hours = get_gym(session).opening_hours
    ranked = sorted(
        ((value, d, h) for d in range(7) for h in open_hours(hours, d) if (value := cells[d][h]) is not None),
        key=lambda item: (item[0], item[1], item[2]),
    )

    def words(items: list[tuple[float, int, int]]) -> list[str]:
        return [f"{WEEKDAY_NAMES[d]} {h:02d}:00" for _, d, h in items]

    busiest = words(sorted(ranked, key=lambda item: (-item[0], item[1], item[2]))[:NAMED_HOURS])
    quietest = words(ranked[:NAMED_HOURS]) if ranked and ranked[-1][0] > 0 else []
    weeks_seen = len({p.span.local.isocalendar()[:2] for p in points})
    return Heatmap(weeks_seen, cells, busiest if ranked and ranked[-1][0] > 0 else [], quietest)
