"""What the members domain lets whom do: each capability named once, as the permissions (any of) it needs.

Services `require(actor, *VIEW_MEMBERS)`, state handlers `@requires(*VIEW_MEMBERS)`, the navigation and
pages `can(*VIEW_MEMBERS)`. Which rows a capability reaches (all members, or a trainer's assigned ones)
is the directory's scope, in `members/directory.py`.
"""

from __future__ import annotations

from thrust.auth.rbac import Actor, Permission

Capability = tuple[Permission, ...]

# Open the directory and a profile, export the directory as CSV.
VIEW_MEMBERS: Capability = (Permission.MEMBERS_VIEW_ALL, Permission.MEMBERS_VIEW_ASSIGNED)
# Add a member by hand or import a CSV file of them.
CREATE_MEMBERS: Capability = (Permission.MEMBERS_CREATE,)
# Change a member's details in the member form (a trainer: only their assigned members).
EDIT_MEMBERS: Capability = (Permission.MEMBERS_EDIT_ALL, Permission.MEMBERS_EDIT_ASSIGNED)
# The member form opens for adding or for changing someone.
OPEN_MEMBER_FORM: Capability = CREATE_MEMBERS + EDIT_MEMBERS
# The business side of a membership: its status (one member or in bulk), its dates, tier and login email.
MANAGE_MEMBERSHIPS: Capability = (Permission.MEMBERS_EDIT_ALL,)
# Delete a member with their login, visits and plans.
DELETE_MEMBERS: Capability = (Permission.MEMBERS_DELETE,)


def allowed(actor: Actor, capability: Capability) -> bool:
    """True when the actor holds any of the capability's permissions."""
    return any(actor.can(permission) for permission in capability)
