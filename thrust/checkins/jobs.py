"""The check-in domain's scheduled jobs: the hourly auto check-out."""

from __future__ import annotations

from thrust.checkins import service
from thrust.core.jobs import Job, in_unit_of_work

HOUR = 3600

JOBS = [
    Job(
        "auto-check-out",
        HOUR,
        in_unit_of_work(service.auto_check_out),
        title="Auto check-out",
        description="Closes visits open longer than the gym's auto check-out hours.",
    )
]
