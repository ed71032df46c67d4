"""How busy the gym will be over the rest of the day, with a hint in plain words ("Quieter after 15:00").

expected(hour) = profile(hour) x trend x today
- profile: the hour's mean occupancy over the same weekday of the last weeks and over the recent days of
  the same kind (weekday or weekend), the nearer the heavier (each week back counts `WEEK_DECAY` as much,
  each day back `DAY_DECAY`): the weekday's own shape, and the level of the last days;
- trend: the last 7 days' person-hours against the 7 before, half trusted (the weights above already
  lean on the recent past);
- today: what today held so far against what the profile expected so far, half trusted.
Each factor is clamped. `bench/forecast.py` reports the mean absolute error on held-out days of the
demo data, next to naive forecasts.
"""

from __future__ import annotations

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

SAME_WEEKDAY_WEEKS = 8
RECENT_DAYS = 14
WEEK_DECAY = 0.75
DAY_DECAY = 0.85
SAME_WEEKDAY_SHARE = 0.5  # the rest: recent days of the same kind
TREND_WEIGHT = 0.5
TREND_LIMITS = (0.8, 1.25)
TODAY_WEIGHT = 0.5
TODAY_LIMITS = (0.5, 2.0)
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
    trend: float  # the last week against the one before (1.0 = as usual), as applied


def _clamp(value: float, limits: tuple[float, float]) -> float:
    return max(limits[0], min(limits[1], value))


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def _weighted(days: dict[date, float], by_day: dict[date, dict[int, float]]) -> dict[int, float]:
    """The hours' weighted means over `days` ({day: weight})."""
    total = sum(days.values())
    if not total:
        return {}
    hours = {hour for day in days for hour in by_day.get(day, {})}
    return {h: sum(w * by_day.get(d, {}).get(h, 0.0) for d, w in days.items()) / total for h in hours}


def _history(
    session: Session, clock: GymClock, today: date, first: date, now: datetime
) -> tuple[dict[int, float], float, dict[int, float], list[Span]]:
    """The profile, the trend, today's hours so far ({hour: people}) and today's hour spans."""
    same_weekday = {
        today - timedelta(weeks=k): WEEK_DECAY ** (k - 1) for k in range(1, SAME_WEEKDAY_WEEKS + 1)
    }
    same_kind = {
        today - timedelta(days=k): DAY_DECAY ** (k - 1)
        for k in range(1, RECENT_DAYS + 1)
        if _weekend(today - timedelta(days=k)) == _weekend(today)
    }
    trend_days = [today - timedelta(days=k) for k in range(1, 15)]
    wanted = sorted(d for d in {*same_weekday, *same_kind, *trend_days} if d >= first)
    today_hours = spans(clock.zone, today, today, BucketSize.HOUR)
    history = [span for day in wanted for span in spans(clock.zone, day, day, BucketSize.HOUR)]
    points = series(session, history + today_hours, now=now)
    by_day: dict[date, dict[int, float]] = {}
    for point in points[: len(history)]:
        by_day.setdefault(point.span.local.date(), {})[point.span.local.hour] = point.average or 0.0
    weekday_profile = _weighted({d: w for d, w in same_weekday.items() if d in by_day}, by_day)
    kind_profile = _weighted({d: w for d, w in same_kind.items() if d in by_day}, by_day)
    if weekday_profile and kind_profile:
        hours = set(weekday_profile) | set(kind_profile)
        share = SAME_WEEKDAY_SHARE
        profile = {
            h: share * weekday_profile.get(h, 0.0) + (1 - share) * kind_profile.get(h, 0.0) for h in hours
        }
    else:
        profile = weekday_profile or kind_profile
    last_week = sum(sum(by_day.get(d, {}).values()) for d in trend_days[:7])
    week_before = sum(sum(by_day.get(d, {}).values()) for d in trend_days[7:])
    trend = 1.0
    if week_before > 0 and all(d in by_day for d in trend_days):
        trend = _clamp(1 + TREND_WEIGHT * (last_week / week_before - 1), TREND_LIMITS)
    so_far = {p.span.local.hour: p.average for p in points[len(history) :] if p.average is not None}
    return profile, trend, so_far, today_hours


def forecast(session: Session, *, now: datetime | None = None) -> Forecast:
    """The expected occupancy of each remaining hour of today, and a hint in words."""
    now = now or utcnow()
    clock = gym_clock(session)
    today = clock.local(now).date()
    capacity = get_gym(session).max_capacity
    # Who is inside at `now` (not the open visits): the same when now is now, and right in a backtest.
    current = inside_at(session, now)
    first = first_visit_day(session, clock)
    if first is None or first >= today:
        return Forecast(current, capacity, [], "", 1.0)
    profile, trend, so_far, today_hours = _history(session, clock, today, first, now)

    # Today so far against the profile so far (whole hours that have passed, and the current one in part).
    seen = expected_so_far = 0.0
    for span in today_hours:
        if span.local.hour not in so_far:
            continue
        elapsed = (min(span.end, now) - span.start).total_seconds()
        seen += so_far[span.local.hour] * elapsed
        expected_so_far += profile.get(span.local.hour, 0.0) * trend * elapsed
    today_factor = 1.0
    if expected_so_far >= 3600:  # at least a person-hour expected: enough to judge the day by
        today_factor = _clamp(1 + TODAY_WEIGHT * (seen / expected_so_far - 1), TODAY_LIMITS)
    hours = [
        Expected(span, round(profile.get(span.local.hour, 0.0) * trend * today_factor, 1))
        for span in today_hours
        if span.start > now
    ]
    return Forecast(current, capacity, hours, hint(current, hours), round(trend, 2))


def hint(current: int, hours: list[Expected]) -> str:
    """The first clear change ahead, in words, and the day's peak when a quiet spell comes before it
    ("Quieter after 15:00, busiest around 19:00"): a member planning an evening visit needs both."""
    if not hours:
        return ""
    for index, expected in enumerate(hours):
        at = expected.span.local.strftime("%H:%M")
        if current >= MIN_PEOPLE_FOR_HINT and expected.people <= current * QUIETER:
            return f"Quieter after {at}{_peak_after(current, hours[index + 1 :])}"
        if expected.people >= max(current * BUSIER, MIN_PEOPLE_FOR_HINT):
            return f"Busier from {at}"
    return "About as busy as now for the next hours"


def _peak_after(current: int, later: list[Expected]) -> str:
    """ ", busiest around HH:MM" when a later hour is clearly busier than now, else nothing."""
    if not later:
        return ""
    peak = max(later, key=lambda expected: expected.people)
    if peak.people < max(current * BUSIER, MIN_PEOPLE_FOR_HINT):
        return ""
    return f", busiest around {peak.span.local.strftime('%H:%M')}"
