"""The analytics domain's scheduled jobs: roll up the quarter hours that have settled; count the members'
visit rhythms once a night."""

from __future__ import annotations

from thrust.analytics import rhythm, rollup
from thrust.core.jobs import Job, in_unit_of_work

QUARTER_HOUR = 15 * 60
DAY = 86_400


JOBS = [
    Job(
        "occupancy-rollup",
        QUARTER_HOUR,
        in_unit_of_work(rollup.advance),
        title="Occupancy roll-up",
        description="Sums up each past quarter hour once (occupancy, visit mix): the dashboard stays fast.",
    ),
    Job(
        "visit-rhythms",
        DAY,
        in_unit_of_work(rhythm.count),
        title="Members' visit rhythms",
        description="Counts each member's visits of the last ten weeks, for the members at risk.",
    ),
]
