"""Members at risk: active members whose visits in the last 14 days fell below half of their own usual
rhythm (their previous 8 weeks). The list a trainer calls through before a membership lapses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics import rhythm
from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.auth.rbac import Actor, require
from thrust.core.types import utcnow
from thrust.members.search import visible_to
from thrust.models import Member, MemberStatus

RECENT_DAYS = rhythm.RECENT.days
USUAL_WEEKS = rhythm.USUAL // timedelta(weeks=1)
# A rhythm worth watching: at least one visit a week on average before the drop.
MIN_USUAL_VISITS = USUAL_WEEKS
LIMIT = 50


@dataclass(frozen=True, slots=True)
class AtRisk:
    member_id: uuid.UUID
    name: str
    usual_visits: float  # visits per 14 days over the previous 8 weeks
    recent_visits: int  # visits in the last 14 days
    last_visit: datetime


@dataclass(frozen=True, slots=True)
class AtRiskList:
    members: list[AtRisk]  # the most recent drop first (the latest last visit)
    total: int


def at_risk(session: Session, actor: Actor, *, now: datetime | None = None, limit: int = LIMIT) -> AtRiskList:
    """The actor's members at risk (a trainer: their assigned members), in one query over the members'
    rhythms (the nightly count corrected to now, or counted from the visits when there is none)."""
    require(actor, *VIEW_GYM_ANALYTICS)
    now = now or utcnow()
    counted = rhythm.at(session, now)
    if counted is None:
        counted = rhythm.from_visits(now)
    member = Member.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    fortnights = rhythm.USUAL / rhythm.RECENT
    rows = session.execute(
        sa.select(
            member.id,
            member.full_name,
            counted.c.usual,
            counted.c.recent,
            counted.c.last_visit,
            sa.func.count().over().label("total"),  # before the limit: the whole list's length
        )
        .select_from(Member.__table__.join(counted, counted.c.member_id == member.id))  # type: ignore[attr-defined]
        .where(member.status == MemberStatus.ACTIVE, visible_to(actor))
        # Below half of the usual fortnight: recent < usual / fortnights / 2.
        .where(counted.c.usual >= MIN_USUAL_VISITS, counted.c.recent * fortnights * 2 < counted.c.usual)
        .order_by(counted.c.last_visit.desc(), member.full_name, member.id)
        .limit(limit)
    ).all()
    members = [
        AtRisk(row.id, row.full_name, round(row.usual / fortnights, 1), int(row.recent), row.last_visit)
        for row in rows
    ]
    return AtRiskList(members, int(rows[0].total) if rows else 0)
