"""The weekly cleanup: records past their retention, and import uploads nobody finished.

What goes (THRUST_RETENTION_DAYS, default 90; THRUST_AI_USAGE_RETENTION_DAYS, default 365):
- sign-in sessions that expired or were revoked longer ago than the retention;
- AI usage logs older than their own retention (kept a year for cost reports);
- job runs older than the retention (each job keeps its latest run);
- expiry reminders about memberships that ended longer ago than the retention;
- CSV uploads of the members import left behind by a closed tab (older than six hours).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.core.db import rows_changed, session_scope
from thrust.core.jobs import Job
from thrust.core.settings import Settings, get_settings
from thrust.core.types import utcnow
from thrust.members.uploads import STALE_UPLOAD_SECONDS, sweep_stale_uploads
from thrust.models import AIUsageLog, AuthSession, MembershipReminder
from thrust.system.jobs import prune_runs

log = logging.getLogger("thrust.cleanup")

WEEK = 7 * 86_400


@dataclass
class CleanupReport:
    sessions: int = 0
    ai_usage_logs: int = 0
    job_runs: int = 0
    reminders: int = 0
    uploads: int = 0

    def __str__(self) -> str:
        return (
            f"removed {self.sessions} ended sessions, {self.ai_usage_logs} AI usage logs, "
            f"{self.job_runs} job runs, {self.reminders} reminders, {self.uploads} leftover uploads"
        )


def _deleted(session: Session, statement: sa.Delete) -> int:
    return rows_changed(session.execute(statement))


def clean_records(session: Session, settings: Settings, now: datetime) -> CleanupReport:
    """Delete what is past its retention, in the caller's unit of work."""
    cutoff = now - timedelta(days=settings.retention_days)
    report = CleanupReport()
    report.sessions = _deleted(
        session,
        sa.delete(AuthSession).where(
            sa.or_(
                col(AuthSession.expires_at) < cutoff,
                sa.and_(col(AuthSession.revoked_at).is_not(None), col(AuthSession.revoked_at) < cutoff),
            )
        ),
    )
    report.ai_usage_logs = _deleted(
        session,
        sa.delete(AIUsageLog).where(
            col(AIUsageLog.created_at) < now - timedelta(days=settings.ai_usage_retention_days)
        ),
    )
    report.job_runs = prune_runs(session, cutoff)
    ended_before: date = cutoff.date()
    report.reminders = _deleted(
        session,
        sa.delete(MembershipReminder).where(col(MembershipReminder.membership_end) < ended_before),
    )
    return report


def clean_up(settings: Settings | None = None, now: datetime | None = None) -> CleanupReport:
    """The job: records past retention (one unit of work), then leftover upload files."""
    settings = settings or get_settings()
    now = now or utcnow()
    with session_scope() as session:
        report = clean_records(session, settings, now)
    report.uploads = sweep_stale_uploads(
        Path(settings.data_dir) / "imports", older_than=now.timestamp() - STALE_UPLOAD_SECONDS
    )
    return report


def weekly_cleanup() -> str:
    return str(clean_up())


JOBS = [
    Job(
        "cleanup",
        WEEK,
        weekly_cleanup,
        title="Weekly cleanup",
        description="Removes ended sessions, old logs, job runs and reminders, and leftover uploads.",
    )
]
