"""One active plan per member: activating a plan deactivates the member's other one, in one transaction.

The database enforces the rule (a unique index on member_id over active plans, migration 0012); this
module keeps concurrent activations from tripping over it. PostgreSQL: the member's row is locked first
(`FOR NO KEY UPDATE`: it does not block inserting their plans or visits), so a second activation waits,
then sees the first one's plan as active and deactivates it: the last activation wins, neither fails.
SQLite: a writing unit of work holds the database's single write lock from its BEGIN IMMEDIATE.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.core.db import savepoint
from thrust.core.errors import Conflict
from thrust.core.types import utcnow
from thrust.models import Member, WorkoutPlan

RACE_MESSAGE = "Another plan of this member was activated at the same moment. Reload and try again."


def lock_member(session: Session, member_id: uuid.UUID) -> None:
    """Queue behind any other change to which of this member's plans is active (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.select(col(Member.id)).where(col(Member.id) == member_id).with_for_update(key_share=True)
        )


def deactivate_others(session: Session, member_id: uuid.UUID, keep: uuid.UUID | None = None) -> None:
    """Deactivate the member's active plan (other than `keep`). Call `lock_member` first."""
    others = [col(WorkoutPlan.member_id) == member_id, col(WorkoutPlan.is_active).is_(True)]
    if keep is not None:
        others.append(col(WorkoutPlan.id) != keep)
    session.execute(
        sa.update(WorkoutPlan)
        .where(*others)
        .values(is_active=False, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def activate(session: Session, plan: WorkoutPlan, *, today: date) -> None:
    """Make `plan` its member's only active plan; a plan without a start date starts `today`."""
    lock_member(session, plan.member_id)
    with savepoint(session, Conflict(RACE_MESSAGE)):  # the one-active-plan index: a racing activation
        deactivate_others(session, plan.member_id, keep=plan.id)
        plan.is_active = True
        plan.starts_on = plan.starts_on or today
        plan.updated_at = utcnow()
        session.add(plan)
        session.flush()


def deactivate(session: Session, plan: WorkoutPlan) -> None:
    plan.is_active = False
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()
