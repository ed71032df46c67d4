"""The analytics use cases: who may read what, over which range. The API and the dashboard's state both
call these, so the two never disagree on a limit or a permission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from thrust.analytics import at_risk as at_risk_list
from thrust.analytics import distribution, profile
from thrust.analytics import forecast as forecasting
from thrust.analytics import summary as cards
from thrust.analytics.buckets import BucketSize, spans
from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS, VIEW_OCCUPANCY
from thrust.analytics.occupancy import Point, series
from thrust.auth.rbac import Actor, require
from thrust.core.errors import ValidationFailed
from thrust.core.types import utcnow
from thrust.gym.clock import gym_clock
from thrust.models import MembershipTier

# The longest range each bucket size may cover (a chart of more points says nothing more).
MAX_DAYS = {BucketSize.HOUR: 31, BucketSize.DAY: 366, BucketSize.WEEK: 3 * 366}
MAX_HEATMAP_WEEKS = 52


@dataclass(frozen=True, slots=True)
class History:
    first: date
    last: date
    bucket: BucketSize
    timezone: str
    points: list[Point]


def _range(
    session: Session, first: date | None, last: date | None, *, days: int, now: datetime
) -> tuple[date, date]:
    """A range of the gym's days, both ends included; by default the `days` up to today."""
    today = gym_clock(session).local(now).date()
    last = last or (today if first is None else min(today, first + timedelta(days=days - 1)))
    first = first or last - timedelta(days=days - 1)
    if first > last:
        raise ValidationFailed.on("from", "The start must not be after the end")
    return first, last


def history(
    session: Session,
    actor: Actor,
    *,
    first: date | None = None,
    last: date | None = None,
    bucket: BucketSize = BucketSize.HOUR,
    now: datetime | None = None,
) -> History:
    """Check-ins, average and peak occupancy per hour, day or week of the gym's calendar (no names)."""
    require(actor, *VIEW_OCCUPANCY)
    now = now or utcnow()
    default_days = {BucketSize.HOUR: 1, BucketSize.DAY: 30, BucketSize.WEEK: 12 * 7}[bucket]
    first, last = _range(session, first, last, days=default_days, now=now)
    if (last - first).days + 1 > MAX_DAYS[bucket]:
        raise ValidationFailed.on("to", f"At most {MAX_DAYS[bucket]} days with {bucket.value} buckets")
    clock = gym_clock(session)
    points = series(session, spans(clock.zone, first, last, bucket), now)
    return History(first, last, bucket, clock.zone.key, points)


def summary(session: Session, actor: Actor, *, now: datetime | None = None) -> cards.Summary:
    """The dashboard's cards for the members the actor may see."""
    return cards.summary(session, actor, now=now)


def today(
    session: Session, actor: Actor, *, day: date | None = None, now: datetime | None = None
) -> profile.Day:
    """A day's occupancy by hour over the typical curve of its weekday."""
    require(actor, *VIEW_OCCUPANCY)
    return profile.day_over_typical(session, day, now=now)


def heatmap(
    session: Session, actor: Actor, *, weeks: int = profile.HEATMAP_WEEKS, now: datetime | None = None
) -> profile.Heatmap:
    require(actor, *VIEW_GYM_ANALYTICS)
    if not 1 <= weeks <= MAX_HEATMAP_WEEKS:
        raise ValidationFailed.on("weeks", f"Weeks must be from 1 to {MAX_HEATMAP_WEEKS}")
    return profile.heatmap(session, weeks=weeks, now=now)


@dataclass(frozen=True, slots=True)
class Mix:
    first: date
    last: date
    lengths: list[distribution.Bin]
    tiers: dict[MembershipTier, int]


def visit_mix(
    session: Session,
    actor: Actor,
    *,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> Mix:
    """Visit lengths and the tier mix of the visits of a range of days (the last 30 by default)."""
    require(actor, *VIEW_GYM_ANALYTICS)
    now = now or utcnow()
    first, last = _range(session, first, last, days=30, now=now)
    if (last - first).days + 1 > MAX_DAYS[BucketSize.DAY]:
        raise ValidationFailed.on("to", f"At most {MAX_DAYS[BucketSize.DAY]} days")
    clock = gym_clock(session)
    visits = distribution.tally(session, clock.midnight(first), clock.midnight(last + timedelta(days=1)))
    return Mix(first, last, visits.lengths(), visits.tiers())


def forecast(session: Session, actor: Actor, *, now: datetime | None = None) -> forecasting.Forecast:
    """How busy the gym is and will be today: anyone signed in (no personal data)."""
    require(actor, *VIEW_OCCUPANCY)
    return forecasting.forecast(session, now=now)


def members_at_risk(
    session: Session, actor: Actor, *, limit: int = at_risk_list.LIMIT, now: datetime | None = None
) -> at_risk_list.AtRiskList:
    if not 1 <= limit <= 200:
        raise ValidationFailed.on("limit", "Limit must be from 1 to 200")
    return at_risk_list.at_risk(session, actor, now=now, limit=limit)
