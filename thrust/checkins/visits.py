"""Visits after the fact: the list of visits each role may read, and one's own visits this month
(occupancy over time: thrust/analytics)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from thrust.analytics.sql import epoch_seconds
from thrust.auth.rbac import Actor, Permission, allowed, require
from thrust.checkins.capabilities import VIEW_NAMES, VIEW_OCCUPANCY
from thrust.core.errors import NotFound, PermissionDenied
from thrust.core.types import utcnow
from thrust.gym.clock import gym_clock
from thrust.members.search import visible_to
from thrust.models import CheckIn, Member

NO_MEMBERSHIP = "No membership is linked to your account, so there are no visits of yours to show"
# A month holds far fewer visits than this (one open visit at a time); the count and the time are
# summed in SQL over all of them anyway.
MONTH_VISITS_LIMIT = 100


def list_visits(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    open_only: bool = False,
    page: int = 1,
    limit: int = 50,
) -> tuple[list[tuple[CheckIn, str]], int]:
    """Visits, newest first, with the member's name: of every member for an admin, of their assigned
    members for a trainer, only their own for a member."""
    require(actor, *VIEW_OCCUPANCY)
    where: list[Any] = [visible_to(actor)]  # the directory's scope: whose visits are the actor's to list
    if not allowed(actor, VIEW_NAMES):
        own = session.exec(select(col(Member.id)).where(col(Member.user_id) == actor.user_id)).first()
        if own is None or (member_id is not None and member_id != own):
            raise PermissionDenied("You can only see your own visits")
        member_id = own
    if member_id is not None:
        where.append(col(CheckIn.member_id) == member_id)
    if since is not None:
        where.append(col(CheckIn.check_in_time) >= since)
    if until is not None:
        where.append(col(CheckIn.check_in_time) < until)
    if open_only:
        where.append(col(CheckIn.check_out_time).is_(None))
    counted = select(sa.func.count()).select_from(CheckIn)
    if not actor.can(Permission.MEMBERS_VIEW_ALL):  # the scope is a condition on the member
        counted = counted.join(Member, col(Member.id) == col(CheckIn.member_id))
    total = int(session.exec(counted.where(*where)).one())
    rows = session.exec(
        select(CheckIn, col(Member.full_name))
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .where(*where)
        .order_by(col(CheckIn.check_in_time).desc())
        .offset((max(1, page) - 1) * limit)
        .limit(max(1, min(limit, 100)))
    ).all()
    return [(visit, name) for visit, name in rows], total


# -- a member's visits, as their profile and their own dashboard list them ----------------------------------


@dataclass(frozen=True, slots=True)
class Visit:
    id: uuid.UUID
    check_in_time: datetime
    check_out_time: datetime | None  # None: still inside
    minutes: int | None  # None while still inside
    automatic: bool  # closed by the auto check-out job, not at the desk


def visit_of(row: CheckIn) -> Visit:
    """A visit row as a list shows it: its length in whole minutes once it is over."""
    out = row.check_out_time
    minutes = None if out is None else int((out - row.check_in_time).total_seconds() // 60)
    return Visit(row.id, row.check_in_time, out, minutes, row.auto_checked_out)


@dataclass(frozen=True, slots=True)
class MonthOfVisits:
    """The caller's own visits in one month of the gym's calendar, newest first."""

    first: date  # the month's first day
    last: date  # its last day
    count: int
    minutes: int  # the finished visits' time, in whole minutes
    visits: list[Visit]  # at most MONTH_VISITS_LIMIT


def _own_member_id(session: Session, actor: Actor) -> uuid.UUID:
    own = session.exec(select(col(Member.id)).where(col(Member.user_id) == actor.user_id)).first()
    if own is None:
        raise NotFound(NO_MEMBERSHIP)
    return own


def my_visits_this_month(session: Session, actor: Actor, *, now: datetime | None = None) -> MonthOfVisits:
    """The actor's own visits since the 1st of this month (the gym's calendar), whatever their role:
    the member record linked to their account, never anyone else's (NotFound without one)."""
    require(actor, *VIEW_OCCUPANCY)
    member_id = _own_member_id(session, actor)
    clock = gym_clock(session)
    first = clock.local(now or utcnow()).date().replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    where = (
        col(CheckIn.member_id) == member_id,
        col(CheckIn.check_in_time) >= clock.midnight(first),
        col(CheckIn.check_in_time) < clock.midnight(following),
    )
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    count, seconds = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(epoch_seconds(t.check_out_time) - epoch_seconds(t.check_in_time)),
        ).where(*where)
    ).one()
    rows = session.exec(
        select(CheckIn).where(*where).order_by(col(CheckIn.check_in_time).desc()).limit(MONTH_VISITS_LIMIT)
    ).all()
    visits = [visit_of(row) for row in rows]
    return MonthOfVisits(first, following - timedelta(days=1), int(count), int((seconds or 0) // 60), visits)
