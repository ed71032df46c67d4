"""Occupancy per bucket of time: check-ins, the average number of people inside and the peak.

The rolled-up past (quarter hours in `occupancy_slots`) answers what it holds; the rest, from the end of
the roll-up to now, comes from the visits themselves (`figures.from_visits`). A bucket across that line
is the sum of its two pieces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from thrust.analytics.buckets import Span
from thrust.analytics.figures import Figures, Piece, from_visits
from thrust.analytics.slots import from_slots, on_slot, rolled_until
from thrust.core.types import utcnow


@dataclass(frozen=True, slots=True)
class Point:
    """One bucket's figures; the average and peak are None for a bucket that has not begun."""

    span: Span
    check_ins: int
    average: float | None
    peak: int | None


def series(
    session: Session, buckets: list[Span], now: datetime | None = None, *, rolled: bool = True
) -> list[Point]:
    """The figures of each bucket, in order (buckets in time order, not overlapping; gaps allowed).
    `rolled=False` reads the visits only (what the roll-up itself is computed from)."""
    now = now or utcnow()
    live = [(i, b.start, min(b.end, now)) for i, b in enumerate(buckets) if b.start < now]
    line = rolled_until(session) if rolled else None
    if line is not None and not all(
        on_slot(start) and (on_slot(end) or end >= line) for _, start, end in live
    ):
        line = None  # a bucket off the quarter hours (no such zone today): read the visits
    before: list[Piece] = []
    after: list[Piece] = []
    for i, start, end in live:
        if line is not None and start < line:
            before.append((i, start, min(end, line)))
            if end > line:
                after.append((i, line, end))
        else:
            after.append((i, start, end))
    pieces = [from_slots(session, before), from_visits(session, after)]
    out: list[Point] = []
    for i, bucket in enumerate(buckets):
        if bucket.start >= now:
            out.append(Point(bucket, 0, None, None))
            continue
        found = [part[i] for part in pieces if i in part]
        total = sum(found[1:], found[0]) if found else Figures(0, 0.0, 0)
        elapsed = (min(bucket.end, now) - bucket.start).total_seconds()
        # Rounded: SQLite's julianday arithmetic is exact to about a millisecond, not to the bit.
        average = round(total.person_seconds / elapsed, 4) if elapsed > 0 else 0.0
        out.append(Point(bucket, total.check_ins, average, total.peak))
    return out
