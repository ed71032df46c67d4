"""What the planner lets whom do: each capability named once, as the permissions (any of) it needs.

Services `require(actor, *BROWSE_EXERCISES)`, state handlers `@requires(*ADD_EXERCISES)`, pages and the
navigation `can(*ADD_EXERCISES)`. The exercise catalog is the gym's, not anyone's: whoever may browse it
sees every exercise, the shipped ones and those the staff added.

The seed's RBAC table gives `workout:create` and `workout:edit` to ADMIN and TRAINER, nothing to MEMBER.
Which plans a capability reaches is the members directory's scope (`members.search.visible_to`): every
member's for an admin, their assigned members' for a trainer. A member holds none of these: they read
their own plans and record their own progress by ownership (the plan is theirs), not by permission.

Templates (plans not tied to a member) are the gym's library: every trainer and admin may read them and
assign them to the members they may see; a template is changed or deleted by its author, or by whoever
may edit every member (an admin), so one trainer cannot rewrite another's work.
"""

from __future__ import annotations

from thrust.auth.rbac import Capability, Permission

# Search and read the exercise catalog (a member's plan shows its exercises, so members too).
BROWSE_EXERCISES: Capability = (Permission.EXERCISES_VIEW,)
# Add an exercise of the gym's own to the catalog (admins and trainers).
ADD_EXERCISES: Capability = (Permission.EXERCISES_CREATE,)
# Write a plan for a member, save a template, assign a template to a member.
BUILD_PLANS: Capability = (Permission.WORKOUT_CREATE,)
# Change, activate or delete a member's plan, copy its weeks; record a day's progress for a member
# (a trainer at the member's side).
EDIT_PLANS: Capability = (Permission.WORKOUT_EDIT,)
# Read the template library.
USE_TEMPLATES: Capability = (Permission.WORKOUT_CREATE, Permission.WORKOUT_EDIT)
# Change or delete any template, not only one's own.
EDIT_ANY_TEMPLATE: Capability = (Permission.MEMBERS_EDIT_ALL,)
