"""The reminders domain's scheduled job: expiry e-mails and the staff digest, once a day."""

from __future__ import annotations

from thrust.core.jobs import Job
from thrust.reminders.service import send_expiry_reminders

DAY = 86_400


def daily_reminders() -> str:
    """The scheduled run: members' reminders due today, then each staff member's digest."""
    return str(send_expiry_reminders())


def reminders_now() -> str:
    """An admin's "Run now": the reminders due (the digest stays with the daily run, once a day)."""
    return str(send_expiry_reminders(digest=False))


JOBS = [
    Job(
        "expiry-reminders",
        DAY,
        daily_reminders,
        title="Membership expiry reminders",
        description="E-mails members whose membership ends soon; a digest to staff.",
        manual_run=reminders_now,
    )
]
