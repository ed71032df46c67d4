"""Occupancy over time, in SQL on both engines: per bucket the check-ins, the average number of people
inside and the peak. Occupancy at a moment is the number of visits open then (checked in, not yet out),
so a visit across midnight counts on both days.

One window query: every check-in (+1) and check-out (-1) of the range, plus a marker (0) at each
bucket's start, ordered by time; the running sum is the occupancy after each event, its integral to
the next event the bucket's person-seconds, its maximum the peak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.buckets import Span
from thrust.analytics.sql import bucket_table, epoch_seconds
from thrust.core.types import utcnow
from thrust.models import CheckIn


@dataclass(frozen=True, slots=True)
class Point:
    """One bucket's figures; the averages and peak are None for a bucket that has not begun."""

    span: Span
    check_ins: int
    average: float | None
    peak: int | None


def _open_at(moment: datetime) -> sa.ScalarSelect[int]:
    """Visits open just before `moment`: checked in earlier, out at or after it (or still inside)."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    still_inside = sa.select(sa.func.count()).where(t.check_out_time.is_(None), t.check_in_time < moment)
    left_later = sa.select(sa.func.count()).where(t.check_out_time >= moment, t.check_in_time < moment)
    return sa.select(still_inside.scalar_subquery() + left_later.scalar_subquery()).scalar_subquery()


def series(session: Session, buckets: list[Span], now: datetime | None = None) -> list[Point]:
    """The figures of each bucket, in order (buckets in time order, not overlapping; gaps allowed)."""
    if not buckets:
        return []
    now = now or utcnow()
    start = buckets[0].start
    stop = min(buckets[-1].end, now)
    live = [(i, b) for i, b in enumerate(buckets) if b.start < stop]
    if not live:
        return [Point(b, 0, None, None) for b in buckets]
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    dialect = session.get_bind().dialect.name
    marks_q = bucket_table(dialect, [(i, b.start, min(b.end, stop)) for i, b in live])
    events = sa.union_all(
        sa.select(t.check_in_time.label("t"), sa.literal(1).label("d")).where(
            t.check_in_time >= start, t.check_in_time < stop
        ),
        sa.select(t.check_out_time.label("t"), sa.literal(-1).label("d")).where(
            t.check_out_time >= start, t.check_out_time < stop
        ),
        # A marker at each bucket's start and end: a bucket's last event is integrated up to its end,
        # even where the next bucket does not follow at once (same weekdays of several weeks).
        sa.select(marks_q.c.s.label("t"), sa.literal(0).label("d")),
        sa.select(marks_q.c.e.label("t"), sa.literal(0).label("d")),
    ).subquery("ev")
    order = (events.c.t, events.c.d)  # at one instant: check-outs, then the marker, then check-ins
    running = sa.select(
        events.c.t,
        events.c.d,
        (_open_at(start) + sa.func.sum(events.c.d).over(order_by=order, rows=(None, 0))).label("occ"),
        sa.func.lead(events.c.t).over(order_by=order).label("next_t"),
    ).subquery("run")
    width = sa.func.coalesce(epoch_seconds(running.c.next_t) - epoch_seconds(running.c.t), 0.0)
    per_bucket = (
        sa.select(
            marks_q.c.i,
            sa.func.sum(sa.case((running.c.d == 1, 1), else_=0)).label("check_ins"),
            sa.func.sum(running.c.occ * width).label("person_seconds"),
            sa.func.max(running.c.occ).label("peak"),
        )
        .join(running, sa.and_(running.c.t >= marks_q.c.s, running.c.t < marks_q.c.e))
        .group_by(marks_q.c.i)
    )
    figures = {row.i: row for row in session.execute(per_bucket)}
    out: list[Point] = []
    for i, bucket in enumerate(buckets):
        row = figures.get(i)
        if row is None:
            out.append(Point(bucket, 0, None, None))
            continue
        elapsed = (min(bucket.end, stop) - bucket.start).total_seconds()
        # Rounded: SQLite's julianday arithmetic is exact to about a millisecond, not to the bit.
        average = round(float(row.person_seconds or 0) / elapsed, 4) if elapsed > 0 else 0.0
        out.append(Point(bucket, int(row.check_ins or 0), average, int(row.peak or 0)))
    return out
