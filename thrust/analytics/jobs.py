"""The analytics domain's scheduled jobs: roll up the quarter hours that have settled; count the members'
visit rhythms once a night."""

from __future__ import annotations

from thrust.analytics import rhythm, rollup
from thrust.core.db import session_scope
from thrust.core.jobs import Job

QUARTER_HOUR = 15 * 60
DAY = 86_400


def roll_up_occupancy() -> int:
    """Sum up the quarter hours that no open visit can change any more."""
    with session_scope() as session:
        return rollup.advance(session)


def count_visit_rhythms() -> int:
    """Count each member's visits of the last ten weeks (the members-at-risk list corrects it to now)."""
    with session_scope() as session:
        return rhythm.count(session)


JOBS = [
    Job(
        "occupancy-rollup",
        QUARTER_HOUR,
        roll_up_occupancy,
        title="Occupancy roll-up",
        description="Sums up each past quarter hour once (occupancy, visit mix): the dashboard stays fast.",
    ),
    Job(
        "visit-rhythms",
        DAY,
        count_visit_rhythms,
        title="Members' visit rhythms",
        description="Counts each member's visits of the last ten weeks, for the members at risk.",
    ),
]
