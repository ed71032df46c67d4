"""What the live pages show, and the one read of the database that fills it (for a page load or a push round).

The view models (`FeedRow`, `InsideRow`, `Occupancy`, `Snapshot`) are what the live states hold and
the broadcaster (thrust/checkins/live.py) carries; `read_snapshot` reads them in one unit of work.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from thrust.auth.rbac import Actor, allowed
from thrust.checkins import service
from thrust.checkins.capabilities import VIEW_NAMES
from thrust.core.db import session_scope
from thrust.core.text import initials
from thrust.core.types import utcnow
from thrust.gym.clock import gym_clock

FEED_SHOWN = 20


@dataclasses.dataclass
class FeedRow:
    """One line of the activity feed (staff only: it names a member)."""

    key: str = ""
    kind: str = ""  # "in" or "out"
    name: str = ""
    initials: str = ""
    at: str = ""  # "18:05", gym time
    automatic: bool = False


@dataclasses.dataclass
class InsideRow:
    """Someone inside now (staff only); the page computes the time inside from `since_ms`."""

    visit_id: str = ""
    name: str = ""
    initials: str = ""
    tier: str = ""
    since: str = ""  # "17:42", gym time
    since_ms: int = 0


@dataclass(frozen=True)
class Occupancy:
    current: int
    maximum: int
    as_of: str  # when it was read, "18:05:12" gym time


@dataclass(frozen=True)
class Snapshot:
    """One read of the database for a push round; the names are None unless a staff actor asked."""

    occupancy: Occupancy
    feed: tuple[FeedRow, ...] | None = None
    inside: tuple[InsideRow, ...] | None = None

    @property
    def has_names(self) -> bool:
        return self.feed is not None and self.inside is not None


def now_ms() -> int:
    return int(time.time() * 1000)


def read_snapshot(staff: Actor | None = None) -> Snapshot:
    """Read occupancy (and, for a staff actor, the feed and who is inside) in one unit of work."""
    with session_scope(read_only=True) as session:
        capacity = service.current_capacity(session)
        gym = gym_clock(session)
        occupancy = Occupancy(capacity.current, capacity.max, gym.hhmm(utcnow(), seconds=True))
        if staff is None or not allowed(staff, VIEW_NAMES):
            return Snapshot(occupancy)
        feed = tuple(
            FeedRow(
                key=f"{event.kind}:{event.member_id}:{event.at.timestamp()}",
                kind="in" if event.kind == "check-in" else "out",
                name=event.member_name,
                initials=initials(event.member_name),
                at=gym.hhmm(event.at),
                automatic=event.automatic,
            )
            for event in service.activity_feed(session, staff, limit=FEED_SHOWN)
        )
        inside = tuple(
            InsideRow(
                visit_id=str(row.visit_id),
                name=row.member_name,
                initials=initials(row.member_name),
                tier=row.membership_tier.value,
                since=gym.hhmm(row.since),
                since_ms=int(row.since.timestamp() * 1000),
            )
            for row in service.who_is_inside(session, staff)
        )
    return Snapshot(occupancy, feed, inside)
