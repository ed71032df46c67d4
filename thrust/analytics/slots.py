"""Reading the occupancy roll-up: quarter hours of the past, summed up per piece of time in SQL.
(Written by thrust/analytics/rollup.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from thrust.analytics.figures import Figures, Piece
from thrust.analytics.sql import QUARTER_MINUTES, bucket_table
from thrust.models import OccupancySlot

SLOT = timedelta(minutes=QUARTER_MINUTES)  # every timezone's offset is a whole number of quarter hours
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor_slot(moment: datetime) -> datetime:
    """The start of the quarter hour holding `moment`."""
    return moment - (moment - _EPOCH) % SLOT


def on_slot(moment: datetime) -> bool:
    return (moment - _EPOCH) % SLOT == timedelta(0)


def rolled_until(session: Session) -> datetime | None:
    """The end of the rolled-up past (None: nothing rolled up yet)."""
    last = session.execute(sa.select(sa.func.max(OccupancySlot.__table__.c.slot_start))).scalar()  # type: ignore[attr-defined]
    return None if last is None else last + SLOT


def from_slots(session: Session, pieces: Sequence[Piece]) -> dict[int, Figures]:
    """Figures of each piece from the roll-up (pieces on quarter-hour boundaries, before `rolled_until`)."""
    if not pieces:
        return {}
    slot = OccupancySlot.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
    marks = bucket_table(session.get_bind().dialect.name, pieces)
    rows = session.execute(
        sa.select(
            marks.c.i,
            sa.func.sum(slot.check_ins).label("check_ins"),
            sa.func.sum(slot.person_seconds).label("person_seconds"),
            sa.func.max(slot.peak).label("peak"),
        )
        .join(marks, sa.and_(slot.slot_start >= marks.c.s, slot.slot_start < marks.c.e))
        .group_by(marks.c.i)
    )
    return {
        int(row.i): Figures(int(row.check_ins or 0), float(row.person_seconds or 0), int(row.peak or 0))
        for row in rows
    }
