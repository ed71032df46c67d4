"""The analytics domain's scheduled job: roll up the quarter hours that have settled."""

from __future__ import annotations

from thrust.analytics import rollup
from thrust.core.db import session_scope
from thrust.core.jobs import Job

QUARTER_HOUR = 15 * 60


def roll_up_occupancy() -> int:
    """Sum up the quarter hours that no open visit can change any more."""
    with session_scope() as session:
        return rollup.advance(session)


JOBS = [
    Job(
        "occupancy-rollup",
        QUARTER_HOUR,
        roll_up_occupancy,
        title="Occupancy roll-up",
        description="Sums up each past quarter hour once, so the dashboard's long charts stay fast.",
    )
]
