"""Who may do what: the seed's RBAC table, the acting user, and the one check every service calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from thrust.core.errors import PermissionDenied, Unauthorized
from thrust.models import Role


class Permission(StrEnum):
    # The seed's permissions.
    MEMBERS_VIEW_ALL = "members:view_all"
    MEMBERS_VIEW_ASSIGNED = "members:view_assigned"
    MEMBERS_CREATE = "members:create"
    MEMBERS_EDIT_ALL = "members:edit_all"
    MEMBERS_EDIT_ASSIGNED = "members:edit_assigned"
    MEMBERS_DELETE = "members:delete"
    WORKOUT_CREATE = "workout:create"
    WORKOUT_EDIT = "workout:edit"
    SETTINGS_MANAGE = "settings:manage"
    # Ours, where the seed is silent: the front desk is staffed by admins and trainers; only
    # admins manage staff accounts; everyone signed in may read the occupancy number.
    CHECKINS_MANAGE = "checkins:manage"
    CHECKINS_VIEW_NAMES = "checkins:view_names"
    OCCUPANCY_VIEW = "occupancy:view"
    STAFF_MANAGE = "staff:manage"
    # Letting someone in past the gym's capacity (with a recorded reason): the gym's owner decides.
    CAPACITY_OVERRIDE = "checkins:override_capacity"
    # Removing the demo seed's trainers, members and visits: the gym's owner decides, once.
    DEMO_DATA_REMOVE = "demo:remove"
    # The exercise catalog: everyone signed in reads it (a member's plan shows its exercises); the
    # staff who write plans may add the gym's own exercises to it.
    EXERCISES_VIEW = "exercises:view"
    EXERCISES_CREATE = "exercises:create"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.MEMBERS_VIEW_ALL,
            Permission.MEMBERS_CREATE,
            Permission.MEMBERS_EDIT_ALL,
            Permission.MEMBERS_DELETE,
            Permission.WORKOUT_CREATE,
            Permission.WORKOUT_EDIT,
            Permission.SETTINGS_MANAGE,
            Permission.CHECKINS_MANAGE,
            Permission.CHECKINS_VIEW_NAMES,
            Permission.CAPACITY_OVERRIDE,
            Permission.OCCUPANCY_VIEW,
            Permission.STAFF_MANAGE,
            Permission.DEMO_DATA_REMOVE,
            Permission.EXERCISES_VIEW,
            Permission.EXERCISES_CREATE,
        }
    ),
    Role.TRAINER: frozenset(
        {
            Permission.MEMBERS_VIEW_ASSIGNED,
            Permission.MEMBERS_EDIT_ASSIGNED,
            Permission.WORKOUT_CREATE,
            Permission.WORKOUT_EDIT,
            Permission.CHECKINS_MANAGE,
            Permission.CHECKINS_VIEW_NAMES,
            Permission.OCCUPANCY_VIEW,
            Permission.EXERCISES_VIEW,
            Permission.EXERCISES_CREATE,
        }
    ),
    Role.MEMBER: frozenset({Permission.OCCUPANCY_VIEW, Permission.EXERCISES_VIEW}),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user a service acts for, as proven by a valid token of a live session."""

    user_id: uuid.UUID
    email: str
    role: Role
    session_id: uuid.UUID | None = None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


Capability = tuple[Permission, ...]
"""Something a domain lets people do, as the permissions (any of) it needs; each domain names its own
in its `capabilities.py`."""


def allowed(actor: Actor, capability: Capability) -> bool:
    """True when the actor holds any of the capability's permissions."""
    return any(actor.can(permission) for permission in capability)


def require(actor: Actor | None, *permissions: Permission) -> Actor:
    """Raise Unauthorized without an actor, PermissionDenied unless it holds any of the permissions."""
    if actor is None:
        raise Unauthorized()
    if permissions and not any(actor.can(p) for p in permissions):
        raise PermissionDenied()
    return actor
