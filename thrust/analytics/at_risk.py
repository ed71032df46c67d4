"""Members at risk: active members whose visits in the last 14 days fell below half of their own usual
rhythm (their previous 8 weeks). The list a trainer calls through before a membership lapses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.auth.rbac import Actor, require
from thrust.core.types import utcnow
from thrust.members.search import visible_to
from thrust.models import CheckIn, Member, MemberStatus

RECENT_DAYS = 14
USUAL_WEEKS = 8
# A rhythm worth watching: at least one visit a week on average before the drop.
MIN_USUAL_VISITS = USUAL_WEEKS
LIMIT = 50


@dataclass(frozen=True, slots=True)
class AtRisk:
    member_id: uuid.UUID
    name: str
    usual: float  # visits per 14 days over the previous 8 weeks
    recent: int  # visits in the last 14 days
    last_visit: datetime


@dataclass(frozen=True, slots=True)
class AtRiskList:
    members: list[AtRisk]  # the most recent drop first (the latest last visit)
    total: int


def at_risk(session: Session, actor: Actor, *, now: datetime | None = None, limit: int = LIMIT) -> AtRiskList:
    """The actor's members at risk (a trainer: their assigned members), in one grouped query."""
    require(actor, *VIEW_GYM_ANALYTICS)
    now = now or utcnow()
    recent_from = now - timedelta(days=RECENT_DAYS)
    usual_from = recent_from - timedelta(weeks=USUAL_WEEKS)
    visit = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    member = Member.__table__.c  # type: ignore[attr-defined]
    recent = sa.func.sum(sa.case((visit.check_in_time >= recent_from, 1), else_=0))
    before = sa.func.sum(sa.case((visit.check_in_time < recent_from, 1), else_=0))
    fortnights = USUAL_WEEKS * 7 / RECENT_DAYS
    grouped = (
        sa.select(
            member.id,
            member.full_name,
            before.label("before"),
            recent.label("recent"),
            sa.func.max(visit.check_in_time).label("last_visit"),
        )
        .select_from(Member.__table__.join(CheckIn.__table__, visit.member_id == member.id))  # type: ignore[attr-defined]
        .where(member.status == MemberStatus.ACTIVE, visible_to(actor), visit.check_in_time >= usual_from)
        .where(visit.check_in_time < now)
        .group_by(member.id, member.full_name)
        # Below half of the usual fortnight: recent < before / fortnights / 2.
        .having(before >= MIN_USUAL_VISITS, recent * fortnights * 2 < before)
    ).subquery()
    total = int(session.execute(sa.select(sa.func.count()).select_from(grouped)).scalar_one())
    rows = session.execute(
        sa.select(grouped)
        .order_by(grouped.c.last_visit.desc(), grouped.c.full_name, grouped.c.id)
        .limit(limit)
    ).all()
    members = [
        AtRisk(row.id, row.full_name, round(row.before / fortnights, 1), int(row.recent), row.last_visit)
        for row in rows
    ]
    return AtRiskList(members, total)
