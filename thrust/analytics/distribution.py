"""How visits are made up over a period: their lengths (a histogram) and the membership tiers they came
from. Both grouped in SQL over the period's visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.sql import epoch_seconds
from thrust.models import CheckIn, Member, MembershipTier

# Upper bounds in minutes of the histogram's bins; the last bin is open-ended ("2 h or more").
LENGTH_BINS = (30, 45, 60, 75, 90, 120)


@dataclass(frozen=True, slots=True)
class Bin:
    label: str  # "45-60 min", "2 h or more"
    visits: int


def _label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low // 60} h or more" if low % 60 == 0 else f"{low} min or more"
    return f"under {high} min" if low == 0 else f"{low}-{high} min"


def visit_lengths(session: Session, start: datetime, end: datetime) -> list[Bin]:
    """Finished visits that began in [start, end), by length; visits the night job closed are left out
    (their length is when the job ran, not when the member left)."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    # Whole seconds: SQLite's julianday arithmetic may put an exact half hour a hair under 30 minutes.
    seconds = sa.func.round(epoch_seconds(t.check_out_time) - epoch_seconds(t.check_in_time))
    bin_of = sa.case(
        *((seconds < high * 60, index) for index, high in enumerate(LENGTH_BINS)), else_=len(LENGTH_BINS)
    ).label("bin")
    rows = session.execute(
        sa.select(bin_of, sa.func.count())
        .where(t.check_in_time >= start, t.check_in_time < end)
        .where(t.check_out_time.is_not(None), t.auto_checked_out.is_(False))
        .group_by(bin_of)
    ).all()
    counts = {int(index): int(count) for index, count in rows}
    bounds = (0, *LENGTH_BINS)
    return [
        Bin(_label(low, LENGTH_BINS[i] if i < len(LENGTH_BINS) else None), counts.get(i, 0))
        for i, low in enumerate(bounds)
    ]


def tier_mix(session: Session, start: datetime, end: datetime) -> dict[MembershipTier, int]:
    """Visits that began in [start, end) by the member's current tier (every tier listed, zeros too)."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]
    member = Member.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(member.membership_tier, sa.func.count())
        .select_from(CheckIn.__table__.join(Member.__table__, t.member_id == member.id))  # type: ignore[attr-defined]
        .where(t.check_in_time >= start, t.check_in_time < end)
        .group_by(member.membership_tier)
    ).all()
    counts = {MembershipTier(tier): int(count) for tier, count in rows}
    return {tier: counts.get(tier, 0) for tier in MembershipTier}
