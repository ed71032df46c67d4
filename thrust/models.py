"""Every table and enum of THRUST: the whole data model on one page, as the seed's Prisma schema.

One module on purpose, though long: the tables point at each other (foreign keys, cascades), Alembic's
autogenerate and the migration tests read them as one metadata, and a reader checks the model against
the seed's schema side by side. Splitting it by domain is on the structure issue's list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import JSONDocument, UTCDateTime, utcnow

# Table and index names follow the seed so that its SQL reads the same against our database.


class Role(StrEnum):
    """What a user account may do (the seed's RBAC table)."""

    ADMIN = "ADMIN"
    TRAINER = "TRAINER"
    MEMBER = "MEMBER"


class MembershipTier(StrEnum):
    BASIC = "BASIC"
    PREMIUM = "PREMIUM"
    VIP = "VIP"


class MemberStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    FROZEN = "FROZEN"


def _enum(enum: type[StrEnum], name: str) -> sa.Enum:
    # Native enum types on PostgreSQL (as Prisma makes them), VARCHAR + CHECK on SQLite.
    return sa.Enum(enum, name=name, values_callable=lambda e: [m.value for m in e], create_constraint=True)


def _created() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, server_default=sa.func.now()),
    )


def _updated() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, server_default=sa.func.now(), onupdate=utcnow),
    )


def _fk(target: str, *, ondelete: str | None = None, nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=sa.Column(
            sa.Uuid(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


# --------------------------------------------------------------------------------------------
# Users and sessions
# --------------------------------------------------------------------------------------------


class User(SQLModel, table=True):
    """A login: staff (ADMIN, TRAINER) or a member's own account."""

    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(
        sa_column=sa.Column(sa.String(254), nullable=False, unique=True),
        description="Lower-cased login email, unique.",
    )
    password_hash: str = Field(
        sa_column=sa.Column(sa.String(100), nullable=False),
        description="bcrypt hash; '!' means no usable password has been set yet.",
    )
    role: Role = Field(
        default=Role.MEMBER,
        sa_column=sa.Column(_enum(Role, "role"), nullable=False, server_default=Role.MEMBER.value),
    )
    full_name: str = Field(
        default="",
        sa_column=sa.Column(sa.String(120), nullable=False, server_default=""),
        description="Display name (staff; members also carry it on their member profile).",
    )
    phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))
    is_active: bool = Field(
        default=True,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.true()),
        description="False once an admin deactivates the account: it can no longer sign in.",
    )
    is_demo: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
        description="Created by the demo seed (its trainers and members, not its admin): removable as one.",
    )
    last_login_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    password_changed_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = _created()
    updated_at: datetime = _updated()


class AuthSession(SQLModel, table=True):
    """One signed-in device: the family of rotating refresh tokens, revocable as a whole."""

    __tablename__ = "auth_sessions"
    __table_args__ = (sa.Index("auth_sessions_user_id_idx", "user_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = _fk("users.id", ondelete="CASCADE")
    current_token_id: uuid.UUID = Field(
        default_factory=uuid.uuid4,
        sa_column=sa.Column(sa.Uuid(), nullable=False),
        description="tokenId of the only refresh token of this family still usable.",
    )
    user_agent: str | None = Field(default=None, sa_column=sa.Column(sa.String(300), nullable=True))
    ip_address: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    last_used_at: datetime = _created()
    revoked_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    revoked_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(40), nullable=True))
    created_at: datetime = _created()


# --------------------------------------------------------------------------------------------
# Gym
# --------------------------------------------------------------------------------------------


def default_opening_hours() -> dict[str, list[str] | None]:
    """Mon–Fri 05:30–23:00, weekends 07:00–21:00; a day set to None is closed."""
    weekday, weekend = ["05:30", "23:00"], ["07:00", "21:00"]
    return {
        "mon": weekday,
        "tue": weekday,
        "wed": weekday,
        "thu": weekday,
        "fri": weekday,
        "sat": weekend,
        "sun": weekend,
    }


class GymSettings(SQLModel, table=True):
    """The gym's own settings: a single row (id 1)."""

    __tablename__ = "gym_settings"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="gym_settings_single_row"),
        sa.CheckConstraint("max_capacity > 0", name="gym_settings_capacity_positive"),
        sa.CheckConstraint(
            "auto_checkout_hours >= 1 AND auto_checkout_hours <= 24",
            name="gym_settings_auto_checkout_range",
        ),
    )

    id: int = Field(default=1, sa_column=sa.Column(sa.Integer(), primary_key=True, autoincrement=False))
    name: str = Field(default="THRUST Gym", sa_column=sa.Column(sa.String(120), nullable=False))
    max_capacity: int = Field(
        default=100, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="100")
    )
    timezone: str = Field(
        default="UTC",
        sa_column=sa.Column(sa.String(64), nullable=False, server_default="UTC"),
        description="IANA zone for opening hours and daily charts, e.g. Europe/Berlin.",
    )
    auto_checkout_hours: int = Field(
        default=4,
        sa_column=sa.Column(sa.Integer(), nullable=False, server_default="4"),
        description="Visits open longer than this are closed by the hourly job.",
    )
    opening_hours: dict[str, Any] = Field(
        default_factory=default_opening_hours,
        sa_column=sa.Column(JSONDocument, nullable=False),
        description='{"mon": ["05:30", "23:00"], ..., "sun": null}',
    )
    public_occupancy: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
        description="Whether /busy and GET /api/v1/public/occupancy tell anyone how busy the gym is.",
    )
    updated_at: datetime = _updated()


# --------------------------------------------------------------------------------------------
# Members
# --------------------------------------------------------------------------------------------


class Member(SQLModel, table=True):
    """A member's profile and membership; linked one-to-one to their user account."""

    __tablename__ = "members"
    __table_args__ = (
        sa.Index("members_status_idx", "status"),
        sa.Index("members_membership_tier_idx", "membership_tier"),
        # Status with the last visit (migration 0004): inactive and frozen members stopped coming, so
        # walking the plain last-visit index to find them would pass nearly everyone first.
        sa.Index("members_status_last_visit_at_idx", "status", "last_visit_at", "id"),
        sa.Index(
            "members_status_last_visit_at_desc_idx",
            "status",
            sa.text("last_visit_at DESC NULLS LAST"),
            sa.text("id DESC"),
        ).ddl_if(dialect="postgresql"),
        # The directory's sorts, each with the id that breaks ties (migration 0003): a page is read
        # straight off the index, in either direction.
        sa.Index("members_membership_end_id_idx", "membership_end", "id"),
        sa.Index("members_assigned_trainer_id_idx", "assigned_trainer_id"),
        # The seed's raw-SQL indexes (PostgreSQL only).
        sa.Index(
            "members_search_idx",
            # Written as PostgreSQL prints it back, so autogenerate sees no difference.
            sa.text(
                "to_tsvector('english'::regconfig, (full_name::text || ' '::text) "
                "|| COALESCE(phone, ''::character varying)::text)"
            ),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        # The seed writes `membership_end > NOW()` into the predicate, which PostgreSQL refuses
        # (index predicates must be immutable); the status filter keeps the index small enough.
        sa.Index(
            "members_expiring_idx",
            "membership_end",
            postgresql_where=sa.text("status = 'ACTIVE'"),
        ).ddl_if(dialect="postgresql"),
        sa.Index("members_trainer_status_idx", "assigned_trainer_id", "status").ddl_if(dialect="postgresql"),
        # Partial, accent- and case-insensitive search: trigrams over a folded search key.
        sa.Index(
            "members_search_trgm_idx",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            # Check-ins add every updated row's trigrams to its pending list, which each search reads:
            # the minute job thrust.members.jobs.tidy_search_index merges it.
        ).ddl_if(dialect="postgresql"),
        sa.Index("members_full_name_id_idx", "full_name", "id"),
        sa.Index("members_last_visit_at_id_idx", "last_visit_at", "id"),
        # Latest visit first with never-visited members last (a backward scan of the one above would put
        # them first).
        sa.Index(
            "members_last_visit_at_desc_idx",
            sa.text("last_visit_at DESC NULLS LAST"),
            sa.text("id DESC"),
        ).ddl_if(dialect="postgresql"),
        sa.CheckConstraint("membership_end >= membership_start", name="members_end_after_start"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=sa.Column(
            sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    full_name: str = Field(sa_column=sa.Column(sa.String(120), nullable=False))
    phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))
    date_of_birth: date | None = Field(default=None, sa_column=sa.Column(sa.Date(), nullable=True))
    gender: str | None = Field(default=None, sa_column=sa.Column(sa.String(16), nullable=True))
    membership_tier: MembershipTier = Field(
        default=MembershipTier.BASIC,
        sa_column=sa.Column(
            _enum(MembershipTier, "membership_tier"),
            nullable=False,
            server_default=MembershipTier.BASIC.value,
        ),
    )
    membership_start: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    membership_end: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    status: MemberStatus = Field(
        default=MemberStatus.ACTIVE,
        sa_column=sa.Column(
            _enum(MemberStatus, "member_status"), nullable=False, server_default=MemberStatus.ACTIVE.value
        ),
    )
    assigned_trainer_id: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    search_text: str = Field(
        default="",
        sa_column=sa.Column(sa.String(400), nullable=False, server_default=""),
        description="Name, email and phone folded to lower case without accents, for LIKE search.",
    )
    last_visit_at: datetime | None = Field(
        default=None,
        sa_column=sa.Column(UTCDateTime(), nullable=True),
        description="Start of the latest visit, kept by check-in so lists can sort by it cheaply.",
    )
    created_at: datetime = _created()
    updated_at: datetime = _updated()


# --------------------------------------------------------------------------------------------
# Check-ins
# --------------------------------------------------------------------------------------------


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
        sa.Index(
            "check_ins_one_open_per_member",
            "member_id",
            unique=True,
            postgresql_where=sa.text("check_out_time IS NULL"),
            sqlite_where=sa.text("check_out_time IS NULL"),
        ),
        # The seed's index for counting who is inside now.
        sa.Index(
            "check_ins_active_idx",
            "check_in_time",
            postgresql_where=sa.text("check_out_time IS NULL"),
            sqlite_where=sa.text("check_out_time IS NULL"),
        ),
        sa.CheckConstraint(
            "check_out_time IS NULL OR check_out_time >= check_in_time",
            name="check_ins_out_after_in",
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    member_id: uuid.UUID = _fk("members.id", ondelete="CASCADE")
    check_in_time: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, server_default=sa.func.now()),
    )
    check_out_time: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    auto_checked_out: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
        description="True when the hourly job closed the visit, not the front desk.",
    )
    checked_in_by: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    override_reason: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(300), nullable=True),
        description="Why an admin let this member in past the gym's capacity.",
    )
    created_at: datetime = _created()


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
        sa_column=sa.Column(_enum(MembershipTier, "membership_tier"), primary_key=True),
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


# --------------------------------------------------------------------------------------------
# Workout plans
# --------------------------------------------------------------------------------------------


class WorkoutPlan(SQLModel, table=True):
    """A plan of up to 4 weeks for one member, written by a trainer or generated by the AI planner."""

    __tablename__ = "workout_plans"
    __table_args__ = (
        sa.Index("workout_plans_member_id_idx", "member_id"),
        sa.Index("workout_plans_created_by_idx", "created_by"),
        sa.Index("workout_plans_is_active_idx", "is_active"),
        # At most one active plan per member, enforced by the database on both engines (migration 0012);
        # activating a plan deactivates the member's other one in the same transaction.
        sa.Index(
            "workout_plans_one_active_per_member",
            "member_id",
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    member_id: uuid.UUID = _fk("members.id", ondelete="CASCADE")
    created_by: uuid.UUID = _fk("users.id")
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    is_ai_generated: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )
    plan_data: dict[str, Any] = Field(
        sa_column=sa.Column(JSONDocument, nullable=False),
        description="{planSummary, weeks[{weekNumber, focus, days[...]}], nutritionTips, progressionNotes}",
    )
    input_params: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(JSONDocument, nullable=True)
    )
    is_active: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.true())
    )
    version: int = Field(
        default=1,
        sa_column=sa.Column(sa.Integer(), nullable=False, server_default="1"),
        description="Counts changes to the title, start and plan_data: a save names the version it "
        "started from and is refused if someone saved since (thrust/planner/service.py).",
    )
    starts_on: date | None = Field(
        default=None,
        sa_column=sa.Column(sa.Date(), nullable=True),
        description="The gym's date of week 1, day 1: which plan day is today, and what is due so far.",
    )
    created_at: datetime = _created()
    updated_at: datetime = _updated()


class WorkoutPlanTemplate(SQLModel, table=True):
    """A plan not tied to a member: saved once by a trainer, copied into a plan for each member it is
    assigned to (the copy is the member's own from then on)."""

    __tablename__ = "workout_plan_templates"
    __table_args__ = (sa.Index("workout_plan_templates_created_by_idx", "created_by"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_by: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        description="Its author; the gym keeps the template when the account goes.",
    )
    title: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    plan_data: dict[str, Any] = Field(
        sa_column=sa.Column(JSONDocument, nullable=False),
        description="The same document as a plan's plan_data.",
    )
    version: int = Field(
        default=1,
        sa_column=sa.Column(sa.Integer(), nullable=False, server_default="1"),
        description="Counts changes, as a plan's version does.",
    )
    created_at: datetime = _created()
    updated_at: datetime = _updated()


class WorkoutProgress(SQLModel, table=True):
    """A member's record of one plan day: done or not, and what they actually did."""

    __tablename__ = "workout_progress"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "week_number", "day_number", name="workout_progress_plan_day_key"),
        sa.Index("workout_progress_plan_id_idx", "plan_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = _fk("workout_plans.id", ondelete="CASCADE")
    week_number: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    day_number: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    completed: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )
    completed_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    exercise_data: list[dict[str, Any]] | None = Field(
        default=None, sa_column=sa.Column(JSONDocument, nullable=True)
    )
    created_at: datetime = _created()


class AIUsageLog(SQLModel, table=True):
    """One call to the AI planner, for cost monitoring."""

    __tablename__ = "ai_usage_logs"
    __table_args__ = (
        sa.Index("ai_usage_logs_user_id_idx", "user_id"),
        sa.Index("ai_usage_logs_created_at_idx", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=sa.Column(sa.Uuid(), nullable=False))
    endpoint: str = Field(sa_column=sa.Column(sa.String(60), nullable=False))
    model: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    tokens_used: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    cost: float = Field(sa_column=sa.Column(sa.Float(), nullable=False), description="USD")
    created_at: datetime = _created()


# --------------------------------------------------------------------------------------------
# Exercise catalog
# --------------------------------------------------------------------------------------------


class Exercise(SQLModel, table=True):
    """An exercise plans name: one of the shipped catalog's (`source_id` set) or one the staff added
    (`is_custom`). Values come from thrust/planner/vocabulary.py; muscles are also listed one per row in
    `exercise_muscles`, which the muscle filter reads."""

    __tablename__ = "exercises"
    __table_args__ = (
        sa.UniqueConstraint("source_id", name="exercises_source_id_key"),
        sa.CheckConstraint("is_custom = (source_id IS NULL)", name="exercises_custom_or_catalog"),
        # The staff's own exercises have names unlike each other's (case, accents and punctuation aside).
        sa.Index(
            "exercises_custom_name_key",
            "search_name",
            unique=True,
            postgresql_where=sa.text("is_custom"),
            sqlite_where=sa.text("is_custom"),
        ),
        sa.Index("exercises_name_id_idx", "name", "id"),
        sa.Index("exercises_equipment_idx", "equipment"),
        sa.Index("exercises_created_by_idx", "created_by"),
        # Word-start and substring search over the folded name, as the members' search (PostgreSQL).
        sa.Index(
            "exercises_search_trgm_idx",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    source_id: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(80), nullable=True),
        description="The catalog's own id (e.g. 'Barbell_Full_Squat'); None for the staff's exercises.",
    )
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    search_name: str = Field(
        sa_column=sa.Column(sa.String(400), nullable=False),
        description="The name's folded words, each after a space, then neighbours joined (core/text.py).",
    )
    level: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    category: str = Field(sa_column=sa.Column(sa.String(30), nullable=False))
    equipment: str = Field(
        sa_column=sa.Column(sa.String(30), nullable=False), description="'none' when none is needed."
    )
    mechanic: str | None = Field(default=None, sa_column=sa.Column(sa.String(20), nullable=True))
    force: str | None = Field(default=None, sa_column=sa.Column(sa.String(20), nullable=True))
    primary_muscles: list[str] = Field(
        sa_column=sa.Column(JSONDocument, nullable=False),
        description="The muscles it trains, the main one first.",
    )
    secondary_muscles: list[str] = Field(
        default_factory=list, sa_column=sa.Column(JSONDocument, nullable=False)
    )
    instructions: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.Text(), nullable=True),
        description="How to do it, written by the staff; the shipped catalog has none.",
    )
    is_custom: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )
    created_by: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = _created()


class ExerciseMuscle(SQLModel, table=True):
    """One muscle an exercise trains, as its main work (`is_primary`) or as a helper: the muscle filter
    and "similar exercises" read these with an index, on both engines."""

    __tablename__ = "exercise_muscles"
    __table_args__ = (sa.Index("exercise_muscles_muscle_idx", "muscle", "is_primary", "exercise_id"),)

    exercise_id: uuid.UUID = Field(
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True)
    )
    muscle: str = Field(sa_column=sa.Column(sa.String(30), primary_key=True))
    is_primary: bool = Field(sa_column=sa.Column(sa.Boolean(), nullable=False))


# --------------------------------------------------------------------------------------------
# Operations: scheduled job runs, membership expiry reminders
# --------------------------------------------------------------------------------------------


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
    started_at: datetime = _created()
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
    member_id: uuid.UUID = _fk("members.id", ondelete="CASCADE")
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
    claimed_at: datetime = _created()
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    error: str | None = Field(default=None, sa_column=sa.Column(sa.String(300), nullable=True))


class ReminderOptOut(SQLModel, table=True):
    """A member who asked (through the link in a reminder) for no more expiry e-mails."""

    __tablename__ = "reminder_opt_outs"

    member_id: uuid.UUID = Field(
        sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    )
    created_at: datetime = _created()


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Table SQLModel made for a table model (for Core statements: `table_of(Member).c.status`)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass; its stubs omit it
    return table


ALL_TABLES = [
    table_of(User),
    table_of(AuthSession),
    table_of(GymSettings),
    table_of(Member),
    table_of(CheckIn),
    table_of(WorkoutPlan),
    table_of(WorkoutPlanTemplate),
    table_of(WorkoutProgress),
    table_of(AIUsageLog),
    table_of(Exercise),
    table_of(ExerciseMuscle),
    table_of(JobRun),
    table_of(MembershipReminder),
    table_of(ReminderOptOut),
]
