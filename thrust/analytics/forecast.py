"""How busy the gym will be over the rest of the day: the weekday x hour profile of the last weeks, scaled
by the recent trend and by how today has gone so far, with a hint in plain words ("quieter after 15:00").

expected(hour) = profile(weekday, hour) x level x today
- profile: the mean occupancy of that hour on the last `PROFILE_WEEKS` same weekdays (since the first visit);
- level: the last 14 days' person-hours against the profile period's fortnightly mean (clamped);
- today: what today held so far against what the profile expected so far, halfway trusted (clamped).
The bench (`bench/forecast.py`) reports its mean absolute error on held-out weeks of the demo data.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from thrust.analytics.buckets import BucketSize, Span, spans
from thrust.analytics.figures import inside_at
from thrust.analytics.occupancy import series
from thrust.analytics.profile import first_visit_day
from thrust.core.types import utcnow
from thrust.gym.clock import GymClock, gym_clock
from thrust.gym.service import get_gym

PROFILE_WEEKS = 8
LEVEL_DAYS = 14
LEVEL_LIMITS = (0.7, 1.3)
TODAY_LIMITS = (0.5, 2.0)
TODAY_WEIGHT = 0.5  # how far today's own deviation is carried into the rest of the day
QUIETER, BUSIER = 0.75, 1.25  # a change the hint names: a quarter fewer or more than now
MIN_PEOPLE_FOR_HINT = 2  # below this, "quieter" is noise


@dataclass(frozen=True, slots=True)
class Expected:
    span: Span
    people: float


@dataclass(frozen=True, slots=True)
class Forecast:
    current: int
    capacity: int
    hours: list[Expected]  # the hours after the current one, to the end of the day
    hint: str  # e.g. "Quieter after 15:00"; "" when there is no history to tell
    level: float  # the recent trend against the profile period (1.0 = as usual)


def _clamp(value: float, limits: tuple[float, float]) -> float:
    return max(limits[0], min(limits[1], value))


def _hours(clock: GymClock, day: date) -> list[Span]:
    return spans(clock.zone, day, day, BucketSize.HOUR)


def _level(session: Session, clock: GymClock, today: date, first: date, now: datetime) -> float:
    """The last fortnight's person-hours against the mean fortnight of the profile period."""
    start = max(first, today - timedelta(weeks=PROFILE_WEEKS))
    days = series(session, spans(clock.zone, start, today - timedelta(days=1), BucketSize.DAY), now=now)
    if len(days) < 2 * LEVEL_DAYS:
        return 1.0
    hours = [(p.average or 0.0) * p.span.seconds / 3600 for p in days]
    usual = sum(hours) / len(hours) * LEVEL_DAYS
    recent = sum(hours[-LEVEL_DAYS:])
    return _clamp(recent / usual, LEVEL_LIMITS) if usual > 0 else 1.0


def forecast(session: Session, *, now: datetime | None = None) -> Forecast:
    """The expected occupancy of each remaining hour of today, and a hint in words."""
    now = now or utcnow()
    clock = gym_clock(session)
    today = clock.local(now).date()
    capacity = get_gym(session).max_capacity
    # Who is inside at `now` (not the open visits): the same when now is now, and right in a backtest.
    current = inside_at(session, now)
    first = first_visit_day(session, clock)
    today_hours = _hours(clock, today)
    later = [span for span in today_hours if span.start > now]
    if first is None or first >= today:
        return Forecast(current, capacity, [], "", 1.0)
    past_days = [today - timedelta(weeks=w) for w in range(PROFILE_WEEKS, 0, -1)]
    past_days = [d for d in past_days if d >= first]
    history = [span for d in past_days for span in _hours(clock, d)]
    points = series(session, history + today_hours, now=now)
    samples: dict[int, list[float]] = {}
    for point in points[: len(history)]:
        samples.setdefault(point.span.local.hour, []).append(point.average or 0.0)
    profile = {hour: statistics.fmean(values) for hour, values in samples.items()}

    # Today so far against the profile so far (whole hours that have passed, and the current one in part).
    seen = expected_so_far = 0.0
    for point in points[len(history) :]:
        if point.average is None:
            continue
        elapsed = (min(point.span.end, now) - point.span.start).total_seconds()
        seen += point.average * elapsed
        expected_so_far += profile.get(point.span.local.hour, 0.0) * elapsed
    today_factor = 1.0
    if expected_so_far >= 3600:  # at least a person-hour expected: enough to judge the day by
        today_factor = _clamp(1 + TODAY_WEIGHT * (seen / expected_so_far - 1), TODAY_LIMITS)
    level = _level(session, clock, today, first, now)
    hours = [
        Expected(span, round(profile.get(span.local.hour, 0.0) * level * today_factor, 1)) for span in later
    ]
    return Forecast(current, capacity, hours, hint(current, hours), round(level, 2))


def hint(current: int, hours: list[Expected]) -> str:
    """The first clear change ahead, in words."""
    if not hours:
        return ""
    for expected in hours:
        at = expected.span.local.strftime("%H:%M")
        if current >= MIN_PEOPLE_FOR_HINT and expected.people <= current * QUIETER:
            return f"Quieter after {at}"
        if expected.people >= max(current * BUSIER, MIN_PEOPLE_FOR_HINT):
            return f"Busier from {at}"
    return "About as busy as now for the next hours"
