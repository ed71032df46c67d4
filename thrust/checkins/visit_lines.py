"""A member's visit worded for a list of their visits: what the profile's table and the member's own
dashboard both show of one; each list's line adds its own columns."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Self

from thrust.checkins.visits import Visit
from thrust.gym.clock import GymClock
from thrust.ui.format import WEEKDAY, day_label, minutes_label


@dataclasses.dataclass
class VisitLine:
    """One visit in a list of a member's visits, on the gym's clock."""

    id: str = ""
    day: str = ""  # "Tue 12 May 2026"
    duration: str = ""  # "1 h 25 min"; "" while inside
    open: bool = False  # still inside

    @classmethod
    def of(cls, visit: Visit, clock: GymClock) -> Self:
        """The visit as this kind of line words it."""
        start = clock.local(visit.check_in_time)
        end = clock.local(visit.check_out_time) if visit.check_out_time else None
        return cls(
            id=str(visit.id),
            day=day_label(start, WEEKDAY),
            duration=minutes_label(visit.minutes),
            open=end is None,
            **cls._columns(visit, start, end),
        )

    @classmethod
    def _columns(cls, visit: Visit, start: datetime, end: datetime | None) -> dict[str, Any]:
        """The columns a kind of line adds, from the visit and its start and end in the gym's time."""
        return {}
