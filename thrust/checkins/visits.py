"""Visits after the fact: the list of visits each role may read (occupancy over time: thrust/analytics)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, Permission, allowed, require
from thrust.checkins.capabilities import VIEW_NAMES, VIEW_OCCUPANCY
from thrust.core.errors import PermissionDenied
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
