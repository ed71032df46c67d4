"""How busy the gym is, told to anyone when the gym switches it on (Settings > Gym): the percentage, a
band in words, whether it is filling up or emptying, and the forecast for the next hours. No names, no
counts of people in the answer (the percentage is enough), nothing per member."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from thrust.analytics.figures import inside_at
from thrust.analytics.forecast import forecast
from thrust.checkins.bands import band
from thrust.core.errors import NotFound
from thrust.core.ratelimit import Limit, RateLimiter, address_subject, get_rate_limiter
from thrust.core.types import utcnow
from thrust.gym.service import get_gym

# A widget polling the API every 30 s asks twice a minute; 60 a minute per address leaves room for a few
# people behind one router, and refuses a scraper. (The /busy page reads `page_occupancy` instead.)
PUBLIC_OCCUPANCY = Limit(
    "public-occupancy", max_attempts=60, window_seconds=60, message="Too many requests. Try again in {wait}."
)
TREND_MINUTES = 30
FORECAST_HOURS = 4
SWITCHED_OFF = "This gym does not publish how busy it is"
CACHE_SECONDS = 30  # as long as the API lets caches keep its answer (Cache-Control: max-age=30)


@dataclass(frozen=True, slots=True)
class PublicHour:
    start: datetime
    percent: int


@dataclass(frozen=True, slots=True)
class PublicOccupancy:
    gym_name: str
    percent: int
    band: str  # quiet, busy, full
    trend: str  # filling up, emptying, steady
    hint: str
    hours: list[PublicHour]
    at: datetime


def _percent(people: float, capacity: int) -> int:
    return round(100 * people / capacity) if capacity else 0


def is_published(session: Session) -> bool:
    """Whether the gym tells anyone how busy it is: its /busy page and the public API answer, and /busy
    may be framed by other sites."""
    return bool(get_gym(session).public_occupancy)


def public_occupancy(
    session: Session, *, ip: str | None, now: datetime | None = None, limiter: RateLimiter | None = None
) -> PublicOccupancy:
    """The public answer, or NotFound while the gym keeps it to itself (as if the page did not exist)."""
    with (limiter or get_rate_limiter()).attempt((PUBLIC_OCCUPANCY, address_subject(ip))) as attempt:
        attempt.charge()
    if not is_published(session):
        raise NotFound(SWITCHED_OFF)
    return _figures(session, now or utcnow())


# The /busy page's answers, per database, with when they were computed (this worker's clock).
_recent: dict[str, tuple[float, PublicOccupancy]] = {}


def page_occupancy(
    session: Session, *, max_age: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
) -> PublicOccupancy:
    """The public answer for the screens showing /busy: NotFound while the gym keeps it to itself (asked
    at every call, so switching it off hides it at the next refresh); the figures computed at most once
    per `max_age` seconds on this worker, however many screens ask. So it needs no per-address limit:
    asking again costs nothing until the answer is recomputed."""
    if not is_published(session):
        raise NotFound(SWITCHED_OFF)
    key = str(session.get_bind().engine.url)
    kept = _recent.get(key)
    if kept is not None and clock() - kept[0] < max_age:
        return kept[1]
    answer = _figures(session, utcnow())
    _recent[key] = (clock(), answer)
    return answer


def forget_page_answers() -> None:
    """Drop the kept answers (tests; a changed gym name shows at once)."""
    _recent.clear()


def _figures(session: Session, now: datetime) -> PublicOccupancy:
    gym = get_gym(session)
    expected = forecast(session, now=now)
    before = inside_at(session, now - timedelta(minutes=TREND_MINUTES))
    # A change of a twentieth of the capacity (at least two people) in half an hour is a trend.
    step = max(2, gym.max_capacity // 20)
    trend = "steady"
    if expected.current - before >= step:
        trend = "filling up"
    elif before - expected.current >= step:
        trend = "emptying"
    hours = [PublicHour(e.span.local, _percent(e.people, gym.max_capacity)) for e in expected.hours]
    return PublicOccupancy(
        gym_name=gym.name,
        percent=_percent(expected.current, gym.max_capacity),
        band=band(expected.current, gym.max_capacity),
        trend=trend,
        hint=expected.hint,
        hours=hours[:FORECAST_HOURS],
        at=now,
    )
