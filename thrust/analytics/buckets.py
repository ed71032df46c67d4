"""Buckets of the gym's calendar (hours, days, weeks) as UTC boundaries; a day with a daylight-saving
change has 23 or 25 hour buckets, because hours are counted as they pass, not as the wall clock reads."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)


class BucketSize(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class Span:
    """One bucket: [start, end) in UTC, and its start as the gym's wall clock shows it."""

    start: datetime
    end: datetime
    local: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def midnight(zone: ZoneInfo, day: date) -> datetime:
    """The start of a local day as a UTC moment (a zone whose clocks skip midnight starts at 01:00)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def spans(zone: ZoneInfo, first: date, last: date, size: BucketSize) -> list[Span]:
    """The buckets that cover the local days `first` to `last` (both included).

    Weeks start on Monday: the first week starts on the Monday on or before `first`."""
    if last < first:
        return []
    end = midnight(zone, last + timedelta(days=1))
    if size is BucketSize.HOUR:
        out: list[Span] = []
        moment = midnight(zone, first)
        while moment < end:
            following = min(moment + HOUR, end)
            out.append(Span(moment, following, moment.astimezone(zone)))
            moment = following
        return out
    step = 1 if size is BucketSize.DAY else 7
    day = first if size is BucketSize.DAY else first - timedelta(days=first.weekday())
    days: list[date] = []
    while midnight(zone, day) < end:
        days.append(day)
        day += timedelta(days=step)
    starts = [midnight(zone, d) for d in days] + [end]
    return [Span(s, e, s.astimezone(zone)) for s, e in itertools.pairwise(starts)]
