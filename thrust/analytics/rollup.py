"""Writing the roll-ups of the past: each quarter hour summed up once, so that a year of visits-per-day,
an 8-week heatmap or a month's visit mix reads a few thousand rows instead of a million visits. Two
tables, written together for the same quarters (one line, the end of the rolled-up past, holds for
both): occupancy (`occupancy_slots`) and the visit mix (`visit_mix_slots`: the visits that began in
the quarter by tier and length bin).

- `advance` (the scheduled job) rolls up from where the roll-up ends to the start of the oldest visit
  still open (or now): a quarter hour is rolled up only when no visit inside it can change any more by
  the desk (a late check-out closes an open visit, which the roll-up has not reached).
- `refresh` recomputes the rolled-up quarters that changed visits touch: a deleted member's visits, an
  edited or removed visit. Services that change past visits call it in the same transaction
  (`spans_of_members` reads what a deletion is about to take away).
- `retier` rewrites the visit mix of the quarters a member's visits began in, after their tier changed
  (the mix counts visits by their members' tier now).
- `reset` forgets the whole roll-up (the demo data's removal takes most visits at once); the job builds
  it again from the first visit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.distribution import length_bin, length_seconds
from thrust.analytics.figures import from_visits
from thrust.analytics.slots import SLOT, floor_slot, rolled_until
from thrust.analytics.sql import quarter_start
from thrust.core.types import utcnow
from thrust.models import CheckIn, Member, OccupancySlot, VisitMixSlot

CHUNK = timedelta(days=1)  # quarters computed per query while catching up
CAUGHT_UP = timedelta(days=7)  # a catch-up this long refreshes the planner's statistics


def _write(session: Session, start: datetime, end: datetime) -> int:
    """(Re)compute the quarters of [start, end) from the visits and store them."""
    slots: list[tuple[int, datetime, datetime]] = []
    moment = start
    while moment < end:
        slots.append((len(slots), moment, moment + SLOT))
        moment += SLOT
    if not slots:
        return 0
    figures = from_visits(session, slots)
    table = OccupancySlot.__table__  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    session.execute(table.delete().where(table.c.slot_start >= start, table.c.slot_start < end))
    rows = []
    for i, slot_start, _ in slots:
        found = figures.get(i)
        rows.append(
            {
                "slot_start": slot_start,
                "check_ins": found.check_ins if found else 0,
                "person_seconds": round(found.person_seconds, 3) if found else 0.0,
                "peak": found.peak if found else 0,
            }
        )
    session.execute(table.insert(), rows)
    _write_mix(session, [(start, end)])
    return len(rows)


def _write_mix(session: Session, runs: Sequence[tuple[datetime, datetime]]) -> None:
    """(Re)compute the visit mix of these runs of whole quarters, [start, end) each, in SQL."""
    mix = VisitMixSlot.__table__  # type: ignore[attr-defined]
    t = CheckIn.__table__.c  # type: ignore[attr-defined]
    member = Member.__table__.c  # type: ignore[attr-defined]
    index, quarter = length_bin(t), quarter_start(t.check_in_time)
    # A statement per hundred runs: each run an index range on plain values, which the planner estimates
    # well (a join on a list of ranges looks like millions of rows to PostgreSQL, and it compiles that).
    for first in range(0, len(runs), 100):
        batch = runs[first : first + 100]
        session.execute(
            mix.delete().where(
                sa.or_(*(sa.and_(mix.c.slot_start >= s, mix.c.slot_start < e) for s, e in batch))
            )
        )
        grouped = (
            sa.select(quarter, member.membership_tier, index, sa.func.count(), sa.func.sum(length_seconds(t)))
            .select_from(CheckIn.__table__.join(Member.__table__, t.member_id == member.id))  # type: ignore[attr-defined]
            .where(sa.or_(*(sa.and_(t.check_in_time >= s, t.check_in_time < e) for s, e in batch)))
            .group_by(quarter, member.membership_tier, index)
        )
        session.execute(
            mix.insert().from_select(["slot_start", "tier", "length_bin", "visits", "seconds"], grouped)
        )


def _first_unsettled(session: Session, now: datetime) -> datetime:
    """Where the roll-up must stop: the oldest open visit's check-in, or now."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]
    oldest_open = session.execute(
        sa.select(sa.func.min(t.check_in_time)).where(t.check_out_time.is_(None))
    ).scalar()
    return min(now, oldest_open) if oldest_open is not None else now


def advance(session: Session, *, now: datetime | None = None) -> int:
    """Roll up the quarters that have settled since the last run; the number of quarters written."""
    now = now or utcnow()
    line = rolled_until(session)
    if line is None:
        t = CheckIn.__table__.c  # type: ignore[attr-defined]
        first = session.execute(sa.select(sa.func.min(t.check_in_time))).scalar()
        if first is None:
            return 0
        line = floor_slot(first)
    target = floor_slot(_first_unsettled(session, now))
    written = 0
    while line < target:
        end = min(line + CHUNK, target)
        written += _write(session, line, end)
        line = end
    if written * SLOT >= CAUGHT_UP and session.get_bind().dialect.name == "postgresql":
        # A catch-up (after the migration, a reset, the demo seed) wrote weeks at once: fresh statistics
        # now, or a month's read plans for the table as it was and scans all of it until autovacuum
        # comes by (if it runs at all).
        for table in (OccupancySlot, VisitMixSlot):
            session.execute(sa.text(f"ANALYZE {table.__tablename__}"))
    return written


def refresh(session: Session, spans: Iterable[tuple[datetime, datetime | None]]) -> int:
    """Recompute the rolled-up quarters that visits spanning `spans` (check-in, check-out) touch; call it
    after changing or deleting such visits, in the same transaction. The number of quarters rewritten."""
    line = rolled_until(session)
    if line is None:
        return 0
    runs: list[list[datetime]] = []
    for start, end in sorted((s, e or line) for s, e in spans):
        first, last = floor_slot(start), min(floor_slot(end) + SLOT, line)
        if first >= last:
            continue
        if runs and first <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    return sum(_write(session, first, last) for first, last in runs)


def spans_of_members(
    session: Session, member_ids: Iterable[object]
) -> list[tuple[datetime, datetime | None]]:
    """The (check-in, check-out) of these members' visits inside the rolled-up past: read before deleting
    them, handed to `refresh` after."""
    line = rolled_until(session)
    ids = list(member_ids)
    if line is None or not ids:
        return []
    t = CheckIn.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(t.check_in_time, t.check_out_time).where(t.member_id.in_(ids), t.check_in_time < line)
    )
    return [(start, end) for start, end in rows]


def retier(session: Session, member_ids: Iterable[object]) -> int:
    """Rewrite the visit mix of the rolled-up quarters these members' visits began in; call it after
    changing their tier, in the same transaction. The number of quarters rewritten."""
    line = rolled_until(session)
    ids = list(member_ids)
    if line is None or not ids:
        return 0
    t = CheckIn.__table__.c  # type: ignore[attr-defined]
    began = session.execute(
        sa.select(t.check_in_time).where(t.member_id.in_(ids), t.check_in_time < line)
    ).scalars()
    quarters = sorted({floor_slot(moment) for moment in began})
    runs: list[tuple[datetime, datetime]] = []
    for quarter in quarters:  # adjoining quarters (a visit at a quarter's end, the next one) in one run
        if runs and runs[-1][1] == quarter:
            runs[-1] = (runs[-1][0], quarter + SLOT)
        else:
            runs.append((quarter, quarter + SLOT))
    _write_mix(session, runs)
    return len(quarters)


def reset(session: Session) -> None:
    """Forget the roll-up; the next `advance` builds it again from the first visit."""
    session.execute(OccupancySlot.__table__.delete())  # type: ignore[attr-defined]
    session.execute(VisitMixSlot.__table__.delete())  # type: ignore[attr-defined]
