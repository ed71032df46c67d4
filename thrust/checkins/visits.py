"""Visits after the fact: the list of visits each role may read, and check-ins per hour (counts, no names)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, Permission, allowed, require
from thrust.checkins.capabilities import VIEW_NAMES, VIEW_OCCUPANCY
from thrust.core.errors import PermissionDenied, ValidationFailed
from thrust.core.types import utcnow
from thrust.members.search import visible_to
from thrust.models import CheckIn, Member


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


MAX_HISTORY_DAYS = 31


def hourly_history(
    session: Session, actor: Actor, *, days: int = 1, now: datetime | None = None
) -> list[tuple[datetime, int]]:
    """Check-ins per hour over the last `days` (at most 31), oldest first: counts only, no names."""
    require(actor, *VIEW_OCCUPANCY)
    if not isinstance(days, int) or not 1 <= days <= MAX_HISTORY_DAYS:
        raise ValidationFailed.on("days", f"Days must be a whole number from 1 to {MAX_HISTORY_DAYS}")
    now = now or utcnow()
    since = (now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    if session.get_bind().dialect.name == "postgresql":
        bucket: Any = sa.func.date_trunc("hour", sa.func.timezone("UTC", col(CheckIn.check_in_time)))
    else:
        bucket = sa.func.strftime("%Y-%m-%d %H:00:00", col(CheckIn.check_in_time))
    rows = session.exec(
        select(bucket.label("hour"), sa.func.count())
        .where(col(CheckIn.check_in_time) >= since, col(CheckIn.check_in_time) <= now)
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    counts: dict[datetime, int] = {}
    for hour, count in rows:
        moment = hour if isinstance(hour, datetime) else datetime.fromisoformat(str(hour))
        counts[moment.replace(tzinfo=UTC)] = int(count)
    hours = int((now - since).total_seconds() // 3600) + 1
    return [(since + timedelta(hours=h), counts.get(since + timedelta(hours=h), 0)) for h in range(hours)]
