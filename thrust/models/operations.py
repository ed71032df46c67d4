"""Operations: scheduled job runs, and membership expiry reminders with their opt-outs."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import UTCDateTime
from thrust.models.columns import created, foreign_key


class JobRun(SQLModel, table=True):
    """One run of a scheduled job; the unique (job, slot) lets only one worker run a time slot."""

    __tablename__ = "job_runs"
    __table_args__ = (
        sa.UniqueConstraint("job", "slot", name="job_runs_job_slot_key"),
        # A job's latest run (Settings), and its runs past retention (cleanup).
        sa.Index("job_runs_job_started_at_idx", "job", "started_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    job: str = Field(sa_column=sa.Column(sa.String(60), nullable=False))
    slot: int = Field(
        sa_column=sa.Column(sa.BigInteger(), nullable=False),
        description="Scheduled runs: the slot's number (start time // period). Manual runs: minus the "
        "minute they started, so at most one a minute and never a scheduled slot.",
    )
    trigger: str = Field(
        sa_column=sa.Column(sa.String(16), nullable=False), description="schedule, catch-up or manual"
    )
    status: str = Field(
        sa_column=sa.Column(sa.String(16), nullable=False), description="running, ok or failed"
    )
    started_at: datetime = created()
    finished_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    result: str | None = Field(default=None, sa_column=sa.Column(sa.String(300), nullable=True))
    error: str | None = Field(default=None, sa_column=sa.Column(sa.String(1000), nullable=True))
    triggered_by: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        description="The admin who asked for a manual run.",
    )


class MembershipReminder(SQLModel, table=True):
    """One staged expiry e-mail to a member: claimed before it is sent, so it goes out at most once."""

    __tablename__ = "membership_reminders"
    __table_args__ = (
        sa.UniqueConstraint(
            "member_id", "membership_end", "stage", name="membership_reminders_member_end_stage_key"
        ),
        sa.Index("membership_reminders_claimed_at_idx", "claimed_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    member_id: uuid.UUID = foreign_key("members.id", ondelete="CASCADE")
    membership_end: date = Field(
        sa_column=sa.Column(sa.Date(), nullable=False), description="The end date this reminder was about."
    )
    stage: int = Field(
        sa_column=sa.Column(sa.Integer(), nullable=False), description="Days before the end, e.g. 30, 7, 1."
    )
    status: str = Field(
        sa_column=sa.Column(sa.String(16), nullable=False),
        description="sending (claimed; still so after a crash mid-send), sent, failed or skipped",
    )
    days_left: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    claimed_at: datetime = created()
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    error: str | None = Field(default=None, sa_column=sa.Column(sa.String(300), nullable=True))


class ReminderOptOut(SQLModel, table=True):
    """A member who asked (through the link in a reminder) for no more expiry e-mails."""

    __tablename__ = "reminder_opt_outs"

    member_id: uuid.UUID = Field(
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    )
    created_at: datetime = created()
