"""A member's workout plans at a glance (their profile's card): the active plan with its completion and
adherence, how many other plans they have, and whether the viewer may edit their plans."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from thrust.auth.rbac import Actor
from thrust.planner.access import may_edit, visible_member
from thrust.planner.progress import Completion
from thrust.planner.service import PlanSummary, get_plan, list_plans


@dataclass(frozen=True)
class PlanOverview:
    """`active`: the active plan's summary and completion (None without an active plan); `other_plans`:
    the member's plans besides it; `may_edit`: the viewer edits this member's plans (the planner)."""

    member_id: uuid.UUID
    active: PlanSummary | None
    completion: Completion | None
    other_plans: int
    may_edit: bool


def plan_overview(session: Session, actor: Actor, member_id: uuid.UUID) -> PlanOverview:
    """The member's plans as the actor may see them: NotFound for a member outside their scope (the
    planner's scope: an admin every member, a trainer their assigned members, a member themself)."""
    member = visible_member(session, actor, member_id)
    page = list_plans(session, actor, member_id=member.id, limit=1)  # the active plan comes first
    first = page.rows[0] if page.rows else None
    active = first if first is not None and first.is_active else None
    completion = get_plan(session, actor, active.id).completion if active is not None else None
    return PlanOverview(
        member_id=member.id,
        active=active,
        completion=completion,
        other_plans=page.total - (1 if active is not None else 0),
        may_edit=may_edit(actor),
    )
