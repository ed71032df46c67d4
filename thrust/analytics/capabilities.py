"""What the analytics domain lets whom see: each capability named once, as the permissions (any of) it needs.

The staff dashboard (cards, charts, members at risk) reaches the members an actor may see: all of them
for an admin, their assigned members for a trainer (`members.search.visible_to`). The gym-wide
occupancy (how busy it is, the forecast) is everyone's who is signed in, and the public page's when the
gym switches it on.
"""

from __future__ import annotations

from thrust.auth.rbac import Permission
from thrust.members.capabilities import VIEW_MEMBERS, Capability

# The staff dashboard's cards, charts and the members at risk (scoped to the members one may see).
VIEW_GYM_ANALYTICS: Capability = VIEW_MEMBERS
# How busy the gym is now and the forecast for the rest of the day: no one's personal data.
VIEW_OCCUPANCY: Capability = (Permission.OCCUPANCY_VIEW,)
