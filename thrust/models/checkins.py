"""Visits, and the tables the occupancy and visit figures are counted into."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import UTCDateTime, utcnow
from thrust.models.columns import created, db_enum, flag, foreign_key, partial_index
from thrust.models.members import MembershipTier


class CheckIn(SQLModel, table=True):
    """One visit: open while check_out_time is NULL."""

    __tablename__ = "check_ins"
    __table_args__ = (
        # A member's visits by time (migration 0010; it replaced the seed's member_id index, a prefix of
        # it): a trainer's members' visits of the last weeks are a short index range per member, their
        # lengths read from the index alone (SQLite has no INCLUDE: the check-out columns are keys).
        sa.Index(
            "check_ins_member_id_check_in_time_idx",
            "member_id",
            "check_in_time",
            "check_out_time",
            "auto_checked_out",
        ),
        sa.Index("check_ins_check_in_time_idx", "check_in_time"),
        sa.Index("check_ins_check_out_time_idx", "check_out_time"),
        # Deleting a staff account looks up the visits it checked in (ON DELETE SET NULL).
        sa.Index("check_ins_checked_in_by_idx", "checked_in_by"),
        # At most one open visit per member, enforced by the database on both engines.
        partial_index(
            "check_ins_one_open_per_member", "member_id", where="check_out_time IS NULL", unique=True
        ),
        # The seed's index for counting who is inside now.
        partial_index("check_ins_active_idx", "check_in_time", where="check_out_time IS NULL"),
        sa.CheckConstraint(
            "check_out_time IS NULL OR check_out_time >= check_in_time",
            name="check_ins_out_after_in",
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    member_id: uuid.UUID = foreign_key("members.id", ondelete="CASCADE")
    check_in_time: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, server_default=sa.func.now()),
    )
    check_out_time: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    auto_checked_out: bool = flag(False, "True when the hourly job closed the visit, not the front desk.")
    checked_in_by: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    override_reason: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(300), nullable=True),
        description="Why an admin let this member in past the gym's capacity.",
    )
    created_at: datetime = created()


class OccupancySlot(SQLModel, table=True):
    """A quarter of an hour of the past, summed up: the dashboard's long ranges read these, not visits.

    Rows exist for every quarter from the first visit up to a point the roll-up job advances (never past
    a visit still open); later quarters are computed from the visits themselves. thrust/analytics/rollup.py.
    """

    __tablename__ = "occupancy_slots"

    slot_start: datetime = Field(sa_column=sa.Column(UTCDateTime(), primary_key=True))
    check_ins: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    person_seconds: float = Field(
        sa_column=sa.Column(sa.Float(), nullable=False),
        description="The sum over visits of the seconds each spent inside during the quarter.",
    )
    peak: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))


class VisitMixSlot(SQLModel, table=True):
    """The visits that began in a quarter hour of the past, by the member's tier and the visit's length bin
    (thrust/analytics/distribution.py's LENGTH_BINS; -1: no length, closed by the night job).

    Written with `occupancy_slots` by the same roll-up, for the same quarters; a quarter without visits
    has no rows. Changing a member's tier rewrites the quarters their visits began in.
    """

    __tablename__ = "visit_mix_slots"

    slot_start: datetime = Field(sa_column=sa.Column(UTCDateTime(), primary_key=True))
    tier: MembershipTier = Field(
        sa_column=sa.Column(db_enum(MembershipTier, "membership_tier"), primary_key=True),
        description="The member's tier now (the tier mix counts visits by their members' current tier).",
    )
    length_bin: int = Field(sa_column=sa.Column(sa.SmallInteger(), primary_key=True))
    visits: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    seconds: float = Field(
        sa_column=sa.Column(sa.Float(), nullable=False),
        description="The summed lengths of these visits in seconds (0 for the bin without a length).",
    )


class VisitRhythm(SQLModel, table=True):
    """A member's visits in the weeks before `as_of`, counted by the nightly job, for the members at risk:
    their usual rhythm and their recent visits, corrected at read time by the visits since (and the ones
    that left the windows). thrust/analytics/rhythm.py.
    """

    __tablename__ = "visit_rhythms"

    member_id: uuid.UUID = Field(
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    )
    as_of: datetime = Field(
        sa_column=sa.Column(UTCDateTime(), nullable=False),
        description="When the job counted; one moment for every row of a run.",
    )
    usual: int = Field(
        sa_column=sa.Column(sa.Integer(), nullable=False),
        description="Visits in the 8 weeks before the 14 days before `as_of`.",
    )
    recent: int = Field(
        sa_column=sa.Column(sa.Integer(), nullable=False), description="Visits in the 14 days before `as_of`."
    )
    last_visit: datetime = Field(
        sa_column=sa.Column(UTCDateTime(), nullable=False),
        description="The latest check-in of those 10 weeks.",
    )
