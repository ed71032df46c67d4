"""The newest occupancy and names this worker has read, and exactly what a live page shows of them.

A push round sends one message per audience (every signed-in live page; staff pages for names) instead
of changing each client's stored state, so the stored states fall behind the pages. Whatever later
reaches a page from its stored state (a hydrate after a reload or a reconnect, a handler's own delta)
is therefore taken from here, not from the stored state: `Latest` keeps the newest read of this
worker, and `occupancy_fields` / `names_fields` are the one definition of the vars a live page holds,
used both for the pushed message and for the state.

Newest means the read that *began* last: a read sees the database as of its start, so of two reads
the later-started one is the truer one, whichever finished first. That is what makes "no later delta
can send an older number back" hold: every value sent, pushed or from a handler, is the newest read at
the moment it was built, and the worker's single event loop emits them in the order they were built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from thrust.checkins import bands
from thrust.checkins.snapshot import FeedRow, InsideRow, Occupancy, Snapshot

__all__ = [
    "ANNOUNCE_EVERY_MS",
    "LATEST",
    "Latest",
    "names_cleared",
    "names_fields",
    "occupancy_fields",
    "read_began",
]

# Screen readers hear the occupancy at most this often (a busy gym pushes a change every few seconds);
# a change held back is said on the next push or heartbeat after the pause.
ANNOUNCE_EVERY_MS = 10_000


def read_began() -> float:
    """The moment a read starts, as `Latest` orders reads (monotonic: wall-clock jumps do not reorder)."""
    return time.monotonic()


@dataclass(frozen=True)
class Names:
    feed: tuple[FeedRow, ...]
    inside: tuple[InsideRow, ...]


class Latest:
    """This worker's newest read of the occupancy and of the names, and the words last announced."""

    def __init__(self) -> None:
        self._occupancy: Occupancy | None = None
        self._occupancy_began = float("-inf")
        self._names: Names | None = None
        self._names_began = float("-inf")
        self.announcement = ""
        self._announced_ms = 0
        self._stale_since: float | None = None

    @property
    def stale(self) -> bool:
        """A change may have happened since the newest read (rounds were skipped: no page watched)."""
        return self._stale_since is not None

    def mark_stale(self) -> None:
        if self._stale_since is None:
            self._stale_since = read_began()

    def offer(self, snapshot: Snapshot, began: float) -> None:
        """Keep what `snapshot` read if no later-begun read is already kept (parts separately)."""
        self.offer_occupancy(snapshot.occupancy, began)
        if snapshot.feed is not None and snapshot.inside is not None and began >= self._names_began:
            self._names = Names(snapshot.feed, snapshot.inside)
            self._names_began = began

    def offer_occupancy(self, occupancy: Occupancy, began: float) -> None:
        if began >= self._occupancy_began:
            self._occupancy = occupancy
            self._occupancy_began = began
        if self._stale_since is not None and began >= self._stale_since:
            self._stale_since = None

    @property
    def occupancy(self) -> Occupancy | None:
        return self._occupancy

    @property
    def names(self) -> Names | None:
        return self._names

    def announce(self, stamp: int) -> str:
        """The occupancy in words for the pages' polite live region, changed at most every
        ANNOUNCE_EVERY_MS (per worker: every page of it hears the same words)."""
        occupancy = self._occupancy
        if occupancy is None:
            return self.announcement
        people = "person" if occupancy.current == 1 else "people"
        share, maximum = percent(occupancy), occupancy.maximum
        words = f"{occupancy.current} {people} inside, {share}% of the maximum of {maximum}."
        if words != self.announcement and stamp - self._announced_ms >= ANNOUNCE_EVERY_MS:
            self.announcement = words
            self._announced_ms = stamp
        return self.announcement

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]  # tests start each from nothing


LATEST = Latest()


def percent(occupancy: Occupancy) -> int:
    return round(100 * occupancy.current / occupancy.maximum) if occupancy.maximum else 0


def occupancy_fields(latest: Latest, *, stamp: int, paused: bool) -> dict[str, Any]:
    """Every var of a live page's occupancy (LiveState), from the newest read; {} before any read."""
    occupancy = latest.occupancy
    if occupancy is None:
        return {}
    shown = percent(occupancy)
    return {
        "current": occupancy.current,
        "maximum": occupancy.maximum,
        "as_of": occupancy.as_of,
        "percent": shown,
        # green below 70 %, amber below 90 %, red from 90 % (exact, not the rounded percent)
        "band": bands.COLOURS[bands.band(occupancy.current, occupancy.maximum)],
        # the bar's width, capped: an admin override can take the gym past 100 %
        "fill": f"{min(shown, 100)}%",
        # the page's freshness watchdog restarts on it
        "now_ms": stamp,
        # always sent: a page told "paused" while Redis was down learns here that it is over
        "paused": paused,
        "loaded": True,
        "announcement": latest.announce(stamp),
    }


def names_fields(latest: Latest) -> dict[str, Any]:
    """Every var of a staff page's names (LiveStaffState), from the newest read; {} before any read."""
    names = latest.names
    if names is None:
        return {}
    return {"feed": list(names.feed), "inside": list(names.inside), "loaded": True}


def names_cleared() -> dict[str, Any]:
    """What a page whose session lost the right to names is sent instead (its state's defaults)."""
    return {"feed": [], "inside": [], "loaded": False}
