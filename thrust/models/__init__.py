"""Every table and enum of THRUST, one module per domain (users, gym, members, check-ins, plans, catalog,
operations), all re-exported here: `from thrust.models import Member` works wherever a model is needed.

Table and index names follow the seed's Prisma schema, so that its SQL reads the same against our
database. Importing this package registers every table on `SQLModel.metadata`, which Alembic's
autogenerate and the migration tests read as one. Tables point at each other by table name
(`foreign_key("users.id")`), so no domain module imports another's tables."""

from __future__ import annotations

from thrust.models.catalog import Exercise, ExerciseMuscle
from thrust.models.checkins import CheckIn, OccupancySlot, VisitMixSlot, VisitRhythm
from thrust.models.columns import table_of
from thrust.models.gym import GymSettings, default_opening_hours
from thrust.models.members import Member, MemberSearchWord, MembershipTier, MemberStatus
from thrust.models.operations import JobRun, MembershipReminder, ReminderOptOut
from thrust.models.plans import AIUsageLog, WorkoutPlan, WorkoutPlanTemplate, WorkoutProgress
from thrust.models.users import AuthSession, Role, User

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

__all__ = [
    "ALL_TABLES",
    "AIUsageLog",
    "AuthSession",
    "CheckIn",
    "Exercise",
    "ExerciseMuscle",
    "GymSettings",
    "JobRun",
    "Member",
    "MemberSearchWord",
    "MemberStatus",
    "MembershipReminder",
    "MembershipTier",
    "OccupancySlot",
    "ReminderOptOut",
    "Role",
    "User",
    "VisitMixSlot",
    "VisitRhythm",
    "WorkoutPlan",
    "WorkoutPlanTemplate",
    "WorkoutProgress",
    "default_opening_hours",
    "table_of",
]
