"""The dashboard's metric cards, counted in SQL with the member directory's own filter conditions, so
that a card's number is the length of the list it links to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session

from thrust.analytics import distribution
from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.auth.rbac import Actor, require
from thrust.core.types import utcnow
from thrust.gym.clock import GymClock, gym_clock
from thrust.members.search import MemberFilters, matching, sees_everyone, visible_to
from thrust.models import CheckIn, Member, MemberStatus

EXPIRING_SOON_DAYS = (7, 30)
VISIT_LENGTH_DAYS = 30  # the average visit length looks at the last 30 days


@dataclass(frozen=True, slots=True)
class Summary:
    """The numbers on the staff dashboard's cards, for the members the actor may see."""

    active: int
    frozen: int
    inactive: int
    visits_today: int
    visits_last_week: int  # the same weekday a week ago, up to the same time of day
    expiring_7: int
    expiring_30: int
    new_this_month: int
    average_visit_minutes: float | None  # None: no finished visit in the last 30 days


def _own_binds(element: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """The same condition with bind parameters of its own: the directory names its values (`f_status0`),
    and two filters in one statement would otherwise share one value."""

    def rename(element: Any, **_: Any) -> Any | None:
        if isinstance(element, BindParameter):
            return sa.bindparam(None, element.value, type_=element.type, unique=True)
        return None

    options: dict[str, Any] = {}
    return replacement_traverse(element, options, rename)


def _members(conditions: list[sa.ColumnElement[bool]]) -> sa.ColumnElement[int]:
    matched = _own_binds(sa.and_(*conditions)) if conditions else sa.true()
    return sa.func.coalesce(sa.func.sum(sa.case((matched, 1), else_=0)), 0)


def summary(session: Session, actor: Actor, *, now: datetime | None = None) -> Summary:
    """The card numbers: one query over members, one over two windows of visits, the average length."""
    require(actor, *VIEW_GYM_ANALYTICS)
    now = now or utcnow()
    clock = gym_clock(session)
    today = clock.local(now).date()
    scope = visible_to(actor)

    def filtered(filters: MemberFilters) -> sa.ColumnElement[int]:
        return _members(matching(filters, today))

    members = session.execute(
        sa.select(
            filtered(MemberFilters(statuses=(MemberStatus.ACTIVE,))),
            filtered(MemberFilters(statuses=(MemberStatus.FROZEN,))),
            filtered(MemberFilters(statuses=(MemberStatus.INACTIVE,))),
            *(filtered(MemberFilters(expiring_within_days=days)) for days in EXPIRING_SOON_DAYS),
            filtered(MemberFilters(started_this_month=True)),
        ).where(scope)
    ).one()
    visits_today, visits_last_week, average_minutes = _visits(session, clock, actor, today, now)
    return Summary(
        active=int(members[0]),
        frozen=int(members[1]),
        inactive=int(members[2]),
        expiring_7=int(members[3]),
        expiring_30=int(members[4]),
        new_this_month=int(members[5]),
        visits_today=visits_today,
        visits_last_week=visits_last_week,
        average_visit_minutes=average_minutes,
    )


def _visits(
    session: Session, clock: GymClock, actor: Actor, today: date, now: datetime
) -> tuple[int, int, float | None]:
    """Visits today so far, on the same weekday last week by the same time, and the average length of the
    last 30 days' finished visits (left out: those the nightly job closed, their length is unknown)."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    midnight = clock.midnight(today)
    # The same wall-clock time a week ago (a week with a clock change is 167 or 169 hours long).
    week_ago = clock.midnight(today - timedelta(days=7))
    # Arithmetic on an aware local time keeps the wall clock; the offset is the one of that day.
    week_ago_cut = (clock.local(now) - timedelta(days=7)).astimezone(UTC)
    everyone = sees_everyone(actor)

    def visits_between(start: datetime, end: datetime) -> sa.ScalarSelect[int]:
        # An index range of its own each (a trainer's: per member), not the days between the two.
        counted = sa.select(sa.func.count()).where(t.check_in_time >= start, t.check_in_time < end)
        if everyone:
            return counted.scalar_subquery()
        member = Member.__table__.c  # type: ignore[attr-defined]
        return (
            counted.join_from(CheckIn, Member, t.member_id == member.id)
            .where(visible_to(actor))
            .scalar_subquery()
        )

    counts = session.execute(
        sa.select(visits_between(midnight, now), visits_between(week_ago, week_ago_cut))
    ).one()
    since = now - timedelta(days=VISIT_LENGTH_DAYS)
    # Every member's visits: the visit-mix roll-up sums them up; a trainer's: their members' visits.
    average = (
        distribution.tally(session, since).average_minutes()
        if everyone
        else distribution.average_minutes(session, since, where=visible_to(actor))
    )
    return int(counts[0]), int(counts[1]), average
