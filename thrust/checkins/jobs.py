"""The check-in domain's scheduled jobs: the hourly auto check-out."""

from __future__ import annotations

from thrust.checkins import service
from thrust.core.db import session_scope
from thrust.core.jobs import Job

HOUR = 3600


def auto_check_out() -> int:
    """Close visits open past the gym's limit; the change is published after the commit."""
    with session_scope() as session:
        return service.auto_check_out(session)


JOBS = [
    Job(
        "auto-check-out",
        HOUR,
        auto_check_out,
        title="Auto check-out",
        description="Closes visits open longer than the gym's auto check-out hours.",
    )
]
