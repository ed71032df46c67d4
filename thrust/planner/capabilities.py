"""What the planner lets whom do: each capability named once, as the permissions (any of) it needs.

Services `require(actor, *BROWSE_EXERCISES)`, state handlers `@requires(*ADD_EXERCISES)`, pages and the
navigation `can(*ADD_EXERCISES)`. The exercise catalog is the gym's, not anyone's: whoever may browse it
sees every exercise, the shipped ones and those the staff added.
"""

from __future__ import annotations

from thrust.auth.rbac import Capability, Permission

# Search and read the exercise catalog (a member's plan shows its exercises, so members too).
BROWSE_EXERCISES: Capability = (Permission.EXERCISES_VIEW,)
# Add an exercise of the gym's own to the catalog (admins and trainers).
ADD_EXERCISES: Capability = (Permission.EXERCISES_CREATE,)
