"""What the check-ins domain lets whom do: each capability named once, as the permissions (any of) it needs.

Services `require(actor, *USE_DESK)`, state handlers `@requires(*USE_DESK)`, pages and the navigation
`needs=USE_DESK` / `can(*USE_DESK)`, and a check inside a rule `allowed(actor, OVERRIDE_CAPACITY)`.

The desk's scope. Everyone who may use the desk (admins and trainers) may find any member, by name,
phone, email or member id, and check them in or out. What the desk shows of a member follows the
members directory's scope (thrust/members/desk_search.py, `desk_view` and `desk_search_conditions`): an
admin sees every member in full; a trainer sees their assigned members in full, and anyone else by
name, initials, tier and status only (no email, phone, birth date, membership end or visit count),
and finds them by name or member id only (an email or a phone number would tell whose it is). Only an
admin may let someone in past the gym's capacity. Names of who is inside and who just came or went
are for staff; everyone signed in may read the occupancy number.
"""

from __future__ import annotations

from thrust.auth.rbac import Capability, Permission

# Open the front desk: search members, check them in and out.
USE_DESK: Capability = (Permission.CHECKINS_MANAGE,)
# Let a member in past the gym's capacity, with a reason recorded on the visit.
OVERRIDE_CAPACITY: Capability = (Permission.CAPACITY_OVERRIDE,)
# See names: the activity feed and who is inside now (on the live traffic page).
VIEW_NAMES: Capability = (Permission.CHECKINS_VIEW_NAMES,)
# Read the occupancy number and the check-ins per hour, and list one's own visits.
VIEW_OCCUPANCY: Capability = (Permission.OCCUPANCY_VIEW,)
