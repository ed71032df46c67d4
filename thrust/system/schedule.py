"""Every scheduled job of THRUST in one list: what the scheduler runs and what Settings shows."""

from __future__ import annotations

from thrust.analytics.jobs import JOBS as ANALYTICS_JOBS
from thrust.checkins.jobs import JOBS as CHECKIN_JOBS
from thrust.core.jobs import Job
from thrust.members.jobs import JOBS as MEMBER_JOBS
from thrust.reminders.jobs import JOBS as REMINDER_JOBS
from thrust.system.cleanup import JOBS as CLEANUP_JOBS

# The seed's three (auto check-out hourly, expiry alerts daily, cleanup weekly) and the search tidy-up.
JOBS: list[Job] = [*CHECKIN_JOBS, *REMINDER_JOBS, *CLEANUP_JOBS, *MEMBER_JOBS, *ANALYTICS_JOBS]
