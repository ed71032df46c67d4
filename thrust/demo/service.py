"""Demo accounts: whether the seed's trainers and members are still here, who they are, removing them.

The seed marks the users it creates for the demo (`users.is_demo`): its trainers and its members. Its
admin is not marked: it is the gym's first admin and stays. "Remove demo data" deletes the marked
accounts with everything that hangs off them (member profiles, visits, plans, reminders, sessions),
in one transaction; whatever was created since for anyone else stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.analytics import rollup
from thrust.auth.rbac import Actor, Permission, require
from thrust.auth.sessions import RevokeReason, revoke_sessions_of
from thrust.checkins.service import CAPACITY_CHANNEL, current_capacity
from thrust.core.bus import publish_after_commit
from thrust.core.db import rows_changed
from thrust.core.errors import Conflict
from thrust.core.types import utcnow
from thrust.demo_data import ADMIN_EMAIL
from thrust.models import (
    AuthSession,
    CheckIn,
    Member,
    MembershipReminder,
    MemberStatus,
    ReminderOptOut,
    Role,
    User,
    WorkoutPlan,
    WorkoutPlanTemplate,
    WorkoutProgress,
    table_of,
)

NO_ADMIN_MESSAGE = (
    "There is no active admin account to act for; create one first (python -m thrust create-admin)"
)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class DemoImpact:
    """What removing the demo data deletes (or deleted), and the members who stay but lose a trainer."""

    members: int = 0
    visits: int = 0
    trainers: int = 0
    unassigned: int = 0  # members added since, assigned to a demo trainer: they stay, with no trainer

    @property
    def accounts(self) -> int:
        return self.members + self.trainers

    def summary(self) -> str:
        """One sentence of what goes, for the confirmation (UI and command line alike)."""
        text = (
            f"{_plural(self.members, 'demo member')} with their {_plural(self.visits, 'visit')}, "
            f"and {_plural(self.trainers, 'demo trainer')}"
        )
        if self.unassigned:
            text += (
                f"; {_plural(self.unassigned, 'member')} added since "
                f"{'stays' if self.unassigned == 1 else 'stay'} without a trainer"
            )
        return text


@dataclass(frozen=True)
class DemoLogins:
    """The demo accounts one can sign in with, as the database holds them now (for the start banner)."""

    admin_email: str | None
    admin_password_hash: str | None  # checked against the published password outside the transaction
    trainer_emails: list[str]
    member_example: str | None


# -- which users are demo ------------------------------------------------------------------------------


def _demo_user_ids() -> sa.Select[uuid.UUID]:
    # An admin is never removed, even one the demo made (a demo trainer promoted since is someone's
    # real login now, and the last admin must stay).
    return sa.select(col(User.id)).where(col(User.is_demo), col(User.role) != Role.ADMIN)


def _demo_member_ids() -> sa.Select[uuid.UUID]:
    return sa.select(col(Member.id)).where(col(Member.user_id).in_(_demo_user_ids()))


def has_demo_accounts(session: Session) -> bool:
    """Whether any demo trainer or member is left (cheap: stops at the first)."""
    return bool(session.execute(sa.select(sa.exists(_demo_user_ids()))).scalar())


def demo_data_loaded(session: Session, actor: Actor) -> bool:
    """Whether `actor` is shown "Demo data is loaded": an admin, while demo accounts exist. Anyone
    else is told nothing (not refused: every page asks)."""
    return actor.can(Permission.DEMO_DATA_REMOVE) and has_demo_accounts(session)


def _count(session: Session, statement: sa.Select[int]) -> int:
    return int(session.execute(statement).scalar_one())


def _impact(session: Session) -> DemoImpact:
    demo_users, demo_members = _demo_user_ids(), _demo_member_ids()
    count = sa.func.count()
    return DemoImpact(
        members=_count(session, sa.select(count).select_from(Member).where(col(Member.id).in_(demo_members))),
        visits=_count(
            session,
            sa.select(count).select_from(CheckIn).where(col(CheckIn.member_id).in_(demo_members)),
        ),
        trainers=_count(
            session,
            sa.select(count)
            .select_from(User)
            .where(col(User.id).in_(demo_users), col(User.role) == Role.TRAINER),
        ),
        unassigned=_count(session, sa.select(count).select_from(Member).where(*_losing_a_trainer())),
    )


def _losing_a_trainer() -> tuple[sa.ColumnElement[bool], ...]:
    return (
        col(Member.assigned_trainer_id).in_(_demo_user_ids()),
        col(Member.id).not_in(_demo_member_ids()),
    )


def removal_impact(session: Session, actor: Actor) -> DemoImpact:
    """What "Remove demo data" would delete now (admins only)."""
    require(actor, Permission.DEMO_DATA_REMOVE)
    return _impact(session)


# -- removing -------------------------------------------------------------------------------------------


def remove_demo_data(session: Session, actor: Actor) -> DemoImpact:
    """Delete the demo trainers and members with their visits, plans, reminders and sessions, in the
    caller's one transaction (admins only); returns what was deleted (all zero when nothing was left).

    Stays: every admin, members added since (those assigned to a demo trainer keep no trainer), their
    visits (even ones a demo trainer checked in), and the gym's settings. Plans a demo trainer wrote
    for a member who stays, and their plan templates, pass to the admin removing them (a plan needs an
    author).
    """
    require(actor, Permission.DEMO_DATA_REMOVE)
    demo_users, demo_members = _demo_user_ids(), _demo_member_ids()
    # Signed-in demo users are refused at once on every worker, not after their cached check expires.
    revoke_sessions_of(session, demo_users, reason=RevokeReason.DEMO_REMOVED)
    session.execute(
        sa.update(WorkoutPlan)
        .where(col(WorkoutPlan.created_by).in_(demo_users), col(WorkoutPlan.member_id).not_in(demo_members))
        .values(created_by=actor.user_id)
    )
    session.execute(  # the gym's template library keeps their templates, under the same admin
        sa.update(WorkoutPlanTemplate)
        .where(col(WorkoutPlanTemplate.created_by).in_(demo_users))
        .values(created_by=actor.user_id)
    )
    unassigned = rows_changed(
        session.execute(
            sa.update(Member)
            .where(*_losing_a_trainer())
            .values(assigned_trainer_id=None, updated_at=utcnow())
        )
    )
    # Children first: what the foreign keys would cascade, deleted explicitly and counted.
    visits = rows_changed(session.execute(sa.delete(CheckIn).where(col(CheckIn.member_id).in_(demo_members))))
    rollup.reset(session)  # most of the past went with them: the roll-up job sums up what is left
    demo_plans = sa.select(col(WorkoutPlan.id)).where(col(WorkoutPlan.member_id).in_(demo_members))
    session.execute(sa.delete(WorkoutProgress).where(col(WorkoutProgress.plan_id).in_(demo_plans)))
    for table in (WorkoutPlan, MembershipReminder, ReminderOptOut):
        session.execute(sa.delete(table).where(table_of(table).c.member_id.in_(demo_members)))
    members = rows_changed(session.execute(sa.delete(Member).where(col(Member.id).in_(demo_members))))
    session.execute(sa.delete(AuthSession).where(col(AuthSession.user_id).in_(demo_users)))
    trainers = rows_changed(
        session.execute(sa.delete(User).where(col(User.id).in_(demo_users), col(User.role) == Role.TRAINER))
    )
    session.execute(sa.delete(User).where(col(User.id).in_(demo_users)))
    removed = DemoImpact(
        members=int(members or 0),
        visits=int(visits or 0),
        trainers=int(trainers or 0),
        unassigned=int(unassigned or 0),
    )
    if removed.accounts:
        # Demo visits open now leave the gym with their members: every live screen reads the new count.
        capacity = current_capacity(session)
        publish_after_commit(
            session,
            CAPACITY_CHANNEL,
            {
                "type": "demo-data-removed",
                "capacity": {"current": capacity.current, "max": capacity.max},
                "timestamp": utcnow().isoformat(),
            },
        )
    return removed


# -- the console --------------------------------------------------------------------------------------


def console_actor(session: Session) -> Actor:
    """The admin a console command acts for: the earliest active one (whoever runs the command has
    the server's shell, which is more than any admin)."""
    user = session.execute(
        sa.select(User)
        .where(col(User.role) == Role.ADMIN, col(User.is_active))
        .order_by(col(User.created_at), col(User.id))
        .limit(1)
    ).scalar_one_or_none()
    if user is None:
        raise Conflict(NO_ADMIN_MESSAGE)
    return Actor(user_id=user.id, email=user.email, role=user.role)


def demo_logins(session: Session) -> DemoLogins | None:
    """The demo logins while demo accounts exist (None once they are gone), read from the database."""
    if not has_demo_accounts(session):
        return None
    admin = session.execute(
        sa.select(col(User.email), col(User.password_hash)).where(
            col(User.email) == ADMIN_EMAIL, col(User.is_active)
        )
    ).first()
    trainers = session.execute(
        sa.select(col(User.email))
        .where(col(User.id).in_(_demo_user_ids()), col(User.role) == Role.TRAINER, col(User.is_active))
        .order_by(col(User.created_at), col(User.email))
    ).scalars()
    example = session.execute(
        sa.select(col(User.email))
        .join(Member, col(Member.user_id) == col(User.id))
        .where(
            col(User.id).in_(_demo_user_ids()), col(User.is_active), col(Member.status) == MemberStatus.ACTIVE
        )
        .order_by(col(User.email))
        .limit(1)
    ).scalar_one_or_none()
    return DemoLogins(
        admin_email=admin[0] if admin else None,
        admin_password_hash=admin[1] if admin else None,
        trainer_emails=list(trainers),
        member_example=example,
    )
