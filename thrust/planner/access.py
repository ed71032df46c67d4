"""Which plans and members an actor reaches (the members directory's scope), and what they may do there."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, allowed, require
from thrust.core.errors import NotFound, PermissionDenied
from thrust.members.search import visible_to
from thrust.models import Member, WorkoutPlan
from thrust.planner.capabilities import EDIT_PLANS

PLAN_NOT_FOUND = "Plan not found"
MEMBER_NOT_FOUND = "Member not found"
NOT_YOUR_PROGRESS = "Only the member, or staff who edit their plans, may record their progress"


def visible_member(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """The member, if the actor may see them; NotFound otherwise (never reveal that they exist)."""
    require(actor)
    member = session.exec(select(Member).where(col(Member.id) == member_id, visible_to(actor))).first()
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return member


def visible_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> tuple[WorkoutPlan, Member]:
    """The plan and its member, if the actor may see the member; NotFound otherwise."""
    require(actor)
    row = session.exec(
        select(WorkoutPlan, Member)
        .join(Member, sa.and_(col(Member.id) == col(WorkoutPlan.member_id)))
        .where(col(WorkoutPlan.id) == plan_id, visible_to(actor))
    ).first()
    if row is None:
        raise NotFound(PLAN_NOT_FOUND)
    return row[0], row[1]


def is_own(actor: Actor, member: Member) -> bool:
    """Whether the member is the actor themself."""
    return member.user_id == actor.user_id


def may_edit(actor: Actor) -> bool:
    """Whether the actor edits the plans they can see (staff; a member never edits their plan)."""
    return allowed(actor, EDIT_PLANS)


def may_record_progress(actor: Actor, member: Member) -> bool:
    """The member themself, or staff who edit the plans of members they see (a trainer at their side)."""
    return is_own(actor, member) or may_edit(actor)


def require_progress_rights(actor: Actor, member: Member) -> None:
    if not may_record_progress(actor, member):
        raise PermissionDenied(NOT_YOUR_PROGRESS)
