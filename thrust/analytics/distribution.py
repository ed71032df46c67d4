"""How visits are made up over a period: their lengths (a histogram, and the average) and the membership
tiers they came from, grouped in SQL per tier and length bin (a `Tally`).

The rolled-up past (quarter hours in `visit_mix_slots`, written by thrust/analytics/rollup.py) answers
what it holds; the edges of the period it does not cover come from the visits themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.slots import SLOT, floor_slot, rolled_until
from thrust.analytics.sql import seconds_between
from thrust.models import CheckIn, Member, MembershipTier, VisitMixSlot

# Upper bounds in minutes of the histogram's bins; the last bin is open-ended ("2 h or more"). The
# roll-up stores bin numbers: changing these needs a migration that empties the roll-up (see 0010).
LENGTH_BINS = (30, 45, 60, 75, 90, 120)
# The "bin" of a visit without a length: closed by the night job (its length is when the job ran, not
# when the member left) or still open.
UNMEASURED = -1

Range = tuple[datetime, datetime | None]  # check-ins in [start, end); no end: up to now and after


@dataclass(frozen=True, slots=True)
class Bin:
    label: str  # "45-60 min", "2 h or more"
    visits: int


def _label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low // 60} h or more" if low % 60 == 0 else f"{low} min or more"
    return f"under {high} min" if low == 0 else f"{low}-{high} min"


@dataclass(frozen=True, slots=True)
class Tally:
    """Visits and their summed lengths in seconds per (tier, length bin)."""

    cells: dict[tuple[MembershipTier, int], tuple[int, float]]

    def __add__(self, other: Tally) -> Tally:
        cells = dict(self.cells)
        for key, (visits, seconds) in other.cells.items():
            had_visits, had_seconds = cells.get(key, (0, 0.0))
            cells[key] = (had_visits + visits, had_seconds + seconds)
        return Tally(cells)

    def lengths(self) -> list[Bin]:
        """The histogram of the visits with a length, every bin listed (zeros too)."""
        counts = [0] * (len(LENGTH_BINS) + 1)
        for (_, index), (visits, _) in self.cells.items():
            if index != UNMEASURED:
                counts[index] += visits
        bounds = (0, *LENGTH_BINS)
        return [
            Bin(_label(low, LENGTH_BINS[i] if i < len(LENGTH_BINS) else None), counts[i])
            for i, low in enumerate(bounds)
        ]

    def tiers(self) -> dict[MembershipTier, int]:
        """Every visit by its member's tier (every tier listed, zeros too)."""
        counts = dict.fromkeys(MembershipTier, 0)
        for (tier, _), (visits, _) in self.cells.items():
            counts[tier] += visits
        return counts

    def average_minutes(self) -> float | None:
        """The average length of the visits with a length; None without any."""
        measured = [cell for (_, index), cell in self.cells.items() if index != UNMEASURED]
        visits = sum(v for v, _ in measured)
        return round(sum(s for _, s in measured) / visits / 60, 1) if visits else None


def length_bin(visit: Any) -> sa.ColumnElement[int]:
    """A visit's length bin in SQL (`visit`: the check-ins table's columns)."""
    # Whole seconds: SQLite's julianday arithmetic may put an exact half hour a hair under 30 minutes.
    seconds = sa.func.round(seconds_between(visit.check_in_time, visit.check_out_time))
    return sa.case(
        (sa.not_(measured(visit)), UNMEASURED),
        *((seconds < high * 60, index) for index, high in enumerate(LENGTH_BINS)),
        else_=len(LENGTH_BINS),
    )


def measured(visit: Any) -> sa.ColumnElement[bool]:
    """Whether a visit has a length: finished, and not by the night job."""
    return sa.and_(visit.check_out_time.is_not(None), visit.auto_checked_out.is_(False))


def length_seconds(visit: Any) -> sa.ColumnElement[float]:
    """A visit's length in seconds; 0 for one without a length."""
    return sa.case((measured(visit), seconds_between(visit.check_in_time, visit.check_out_time)), else_=0.0)


def _tally(rows: Sequence[Any]) -> Tally:
    return Tally(
        {
            (MembershipTier(tier), int(index)): (int(visits), float(seconds or 0))
            for tier, index, visits, seconds in rows
        }
    )


def from_visits(session: Session, ranges: Sequence[Range]) -> Tally:
    """The tally of the visits that began in `ranges`, from the visits themselves."""
    if not ranges:
        return Tally({})
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    member = Member.__table__.c  # type: ignore[attr-defined]
    began = sa.or_(
        *(
            sa.and_(t.check_in_time >= start, t.check_in_time < end) if end else t.check_in_time >= start
            for start, end in ranges
        )
    )
    index = length_bin(t).label("bin")
    rows = session.execute(
        sa.select(member.membership_tier, index, sa.func.count(), sa.func.sum(length_seconds(t)))
        .select_from(CheckIn.__table__.join(Member.__table__, t.member_id == member.id))  # type: ignore[attr-defined]
        .where(began)
        .group_by(member.membership_tier, index)
    ).all()
    return _tally(rows)


def average_minutes(session: Session, start: datetime, *, where: sa.ColumnElement[bool]) -> float | None:
    """The average length of the visits with a length that began from `start` on, of members matching
    `where`, from the visits (one length per visit: no bins to sort them into)."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    member = Member.__table__.c  # type: ignore[attr-defined]
    seconds, visits = session.execute(
        sa.select(sa.func.sum(length_seconds(t)), sa.func.sum(sa.case((measured(t), 1), else_=0)))
        .select_from(CheckIn.__table__.join(Member.__table__, t.member_id == member.id))  # type: ignore[attr-defined]
        .where(t.check_in_time >= start, where)
    ).one()
    return round(float(seconds) / int(visits) / 60, 1) if visits else None


def from_slots(session: Session, start: datetime, end: datetime) -> Tally:
    """The tally of the rolled-up quarters in [start, end) (on quarter hours, before `rolled_until`)."""
    mix = VisitMixSlot.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(mix.tier, mix.length_bin, sa.func.sum(mix.visits), sa.func.sum(mix.seconds))
        .where(mix.slot_start >= start, mix.slot_start < end)
        .group_by(mix.tier, mix.length_bin)
    ).all()
    return _tally(rows)


def tally(session: Session, start: datetime, end: datetime | None = None) -> Tally:
    """The tally of every visit that began in [start, end) (no end: up to now): the whole quarter hours
    inside the rolled-up past from the roll-up, the rest from the visits."""
    line = rolled_until(session)
    first = start if floor_slot(start) == start else floor_slot(start) + SLOT
    last = None if line is None else line if end is None else min(floor_slot(end), line)
    if last is None or first >= last:
        return from_visits(session, [(start, end)])
    edges = [(s, e) for s, e in ((start, first), (last, end)) if e is None or s < e]
    return from_slots(session, first, last) + from_visits(session, edges)


def visit_lengths(session: Session, start: datetime, end: datetime) -> list[Bin]:
    """Finished visits that began in [start, end), by length; visits the night job closed are left out."""
    return tally(session, start, end).lengths()


def tier_mix(session: Session, start: datetime, end: datetime) -> dict[MembershipTier, int]:
    """Visits that began in [start, end) by the member's current tier (every tier listed, zeros too)."""
    return tally(session, start, end).tiers()
