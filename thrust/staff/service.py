"""Staff accounts (ADMIN, TRAINER): listing, adding, changing role, deactivating. ADMIN only."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, func, select

from thrust.auth.rbac import Actor, Permission, require
from thrust.auth.service import STAFF_ROLES, create_staff_account
from thrust.auth.sessions import RevokeReason, forget_user, revoke_user_sessions
from thrust.core.db import UnitsOfWork
from thrust.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from thrust.models import Role, User

LAST_ADMIN_DEACTIVATE = "The last active admin cannot be deactivated; make another admin first"
LAST_ADMIN_DEMOTE = "The last active admin cannot be demoted; make another admin first"
NOT_YOURSELF = "You cannot deactivate your own account"


def list_staff(session: Session, actor: Actor) -> list[User]:
    """Every ADMIN and TRAINER account, active ones first, by name."""
    require(actor, Permission.STAFF_MANAGE)
    query = (
        select(User)
        .where(col(User.role).in_(STAFF_ROLES))
        .order_by(col(User.is_active).desc(), func.lower(User.full_name), User.email)
    )
    return list(session.exec(query).all())


def add_staff(
    units: UnitsOfWork, actor: Actor, *, email: str, password: str, full_name: str, role: Role
) -> User:
    """Create an ADMIN or TRAINER login (in units of work of its own: the password is hashed between them)."""
    require(actor, Permission.STAFF_MANAGE)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed.on("role", "Staff accounts are ADMIN or TRAINER") from None
    return create_staff_account(units, email=email, password=password, full_name=full_name, role=role)


def _staff_or_404(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise NotFound("Staff account not found")
    return user


def _other_active_admins(session: Session, user_id: uuid.UUID) -> int:
    # FOR UPDATE on PostgreSQL: two admins demoting each other at once cannot both pass this check
    # (the second waits, then re-reads the first one's row, which no longer matches).
    rows = session.exec(
        select(User.id)
        .where(User.role == Role.ADMIN, col(User.is_active).is_(True), User.id != user_id)
        .with_for_update()
    ).all()
    return len(rows)


def set_staff_role(session: Session, actor: Actor, user_id: uuid.UUID, role: Role) -> User:
    """Make a staff account ADMIN or TRAINER; the last active ADMIN stays ADMIN."""
    require(actor, Permission.STAFF_MANAGE)
    try:
        role = Role(role)
    except ValueError:
        role = Role.MEMBER
    if role not in STAFF_ROLES:
        raise ValidationFailed(details=[FieldProblem("role", "Staff accounts are ADMIN or TRAINER")])
    user = _staff_or_404(session, user_id)
    if user.role == role:
        return user
    if user.role == Role.ADMIN and user.is_active and _other_active_admins(session, user.id) == 0:
        raise Conflict(LAST_ADMIN_DEMOTE, details=[FieldProblem("role", LAST_ADMIN_DEMOTE)])
    user.role = role
    session.add(user)
    session.flush()
    # Sessions check the role in the database; drop this process's cached answer so it applies now.
    forget_user(user.id, session)
    return user


def set_staff_active(session: Session, actor: Actor, user_id: uuid.UUID, active: bool) -> User:
    """Deactivate (every session ends at once) or reactivate a staff account."""
    require(actor, Permission.STAFF_MANAGE)
    if not isinstance(active, bool):
        raise ValidationFailed.on("isActive", "Must be true or false")
    user = _staff_or_404(session, user_id)
    if user.is_active == active:
        return user
    if not active:
        if user.id == actor.user_id:
            raise Conflict(NOT_YOURSELF, details=[FieldProblem("isActive", NOT_YOURSELF)])
        if user.role == Role.ADMIN and _other_active_admins(session, user.id) == 0:
            raise Conflict(LAST_ADMIN_DEACTIVATE, details=[FieldProblem("isActive", LAST_ADMIN_DEACTIVATE)])
    user.is_active = active
    session.add(user)
    session.flush()
    if not active:
        revoke_user_sessions(session, user.id, reason=RevokeReason.DEACTIVATED)
    forget_user(user.id, session)
    return user
