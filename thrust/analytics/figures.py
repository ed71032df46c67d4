"""Occupancy figures computed from the visits themselves, in SQL on both engines: per time piece the
check-ins, the person-seconds spent inside and the peak. Occupancy at a moment is the number of visits
open then (checked in, not yet out), so a visit across midnight counts on both days.

One window query: every check-in (+1) and check-out (-1) between the first piece's start and the last
one's end, plus a marker (0) at each piece's start and end, ordered by time; the running sum is the
occupancy after each event, its integral to the next event the piece's person-seconds, its maximum the
peak. Pieces may have gaps between them; the events of the gaps are counted, never joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.sql import bucket_table, epoch_seconds
from thrust.models import CheckIn

Piece = tuple[int, datetime, datetime]  # (id, start, end): [start, end) in UTC


@dataclass(frozen=True, slots=True)
class Figures:
    check_ins: int
    person_seconds: float
    peak: int

    def __add__(self, other: Figures) -> Figures:
        """Two adjoining pieces of one bucket: sums add up, the peak is the higher one."""
        return Figures(
            self.check_ins + other.check_ins,
            self.person_seconds + other.person_seconds,
            max(self.peak, other.peak),
        )


def _open_at(moment: datetime) -> sa.ScalarSelect[int]:
    """Visits open just before `moment`: checked in earlier, out at or after it (or still inside)."""
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    still_inside = sa.select(sa.func.count()).where(t.check_out_time.is_(None), t.check_in_time < moment)
    left_later = sa.select(sa.func.count()).where(t.check_out_time >= moment, t.check_in_time < moment)
    return sa.select(still_inside.scalar_subquery() + left_later.scalar_subquery()).scalar_subquery()


def inside_at(session: Session, moment: datetime) -> int:
    """People inside at `moment` (visits checked in before it and not out by then)."""
    return int(session.execute(sa.select(_open_at(moment))).scalar_one())


def from_visits(session: Session, pieces: Sequence[Piece]) -> dict[int, Figures]:
    """Figures of each piece (pieces in time order, not overlapping, all in the past or up to now)."""
    if not pieces:
        return {}
    start, stop = pieces[0][1], pieces[-1][2]
    t = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    inside_before = inside_at(session, start)
    # Marker k = 2j+1 opens piece j, k = 2j+2 closes it; events carry no k. The running maximum of k
    # says where an event falls (odd: in piece (k-1)/2; even: between pieces), with no join.
    marks = bucket_table(
        session.get_bind().dialect.name,
        [
            (2 * j + kind, moment, moment)
            for j, (_, s, e) in enumerate(pieces)
            for kind, moment in ((1, s), (2, e))
        ],
    )
    events = sa.union_all(
        sa.select(
            t.check_in_time.label("t"), sa.literal(1).label("d"), sa.cast(sa.null(), sa.Integer).label("k")
        ).where(t.check_in_time >= start, t.check_in_time < stop),
        sa.select(
            t.check_out_time.label("t"), sa.literal(-1).label("d"), sa.cast(sa.null(), sa.Integer).label("k")
        ).where(t.check_out_time >= start, t.check_out_time < stop),
        sa.select(marks.c.s.label("t"), sa.literal(0).label("d"), marks.c.i.label("k")),
    ).subquery("ev")
    # At one instant: check-outs, then markers (a piece's end before the next one's start), then check-ins.
    order = (events.c.t, events.c.d, events.c.k)
    running = sa.select(
        events.c.t,
        events.c.d,
        sa.func.max(events.c.k).over(order_by=order, rows=(None, 0)).label("k"),
        sa.func.sum(events.c.d).over(order_by=order, rows=(None, 0)).label("occ"),
        sa.func.lead(events.c.t).over(order_by=order).label("next_t"),
    ).subquery("run")
    width = sa.func.coalesce(epoch_seconds(running.c.next_t) - epoch_seconds(running.c.t), 0.0)
    per_piece = (
        sa.select(
            running.c.k,
            sa.func.sum(sa.case((running.c.d == 1, 1), else_=0)).label("check_ins"),
            sa.func.sum(running.c.occ * width).label("person_seconds"),
            sa.func.sum(width).label("seconds"),
            sa.func.max(running.c.occ).label("peak"),
        )
        .where(running.c.k % 2 == 1)
        .group_by(running.c.k)
    )
    out: dict[int, Figures] = {}
    for row in session.execute(per_piece):
        piece_id = pieces[(int(row.k) - 1) // 2][0]
        # The running sum starts at zero: add those inside before the first piece began.
        seconds = float(row.person_seconds or 0) + inside_before * float(row.seconds or 0)
        out[piece_id] = Figures(int(row.check_ins or 0), seconds, inside_before + int(row.peak or 0))
    return out
