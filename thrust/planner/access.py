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


def readable_plans(actor: Actor) -> sa.ColumnElement[bool]:
    """The plans the actor may read, as one condition over WorkoutPlan joined with its Member: those of
    the members they see (the directory's scope), except that a plan awaiting a trainer's approval
    (the gym's `ai_requires_approval`) is read only by staff who edit plans: its member sees it once it
    is approved. Every reader of plans filters with this, so no door shows a plan another hides."""
    members = visible_to(actor)
    if may_edit(actor):
        return members
    return sa.and_(members, col(WorkoutPlan.awaiting_approval).is_(False))


def visible_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> tuple[WorkoutPlan, Member]:
    """The plan and its member, if the actor may read the plan (`readable_plans`); NotFound otherwise."""
    require(actor)
    row = session.exec(
        select(WorkoutPlan, Member)
        .join(Member, sa.and_(col(Member.id) == col(WorkoutPlan.member_id)))
        .where(col(WorkoutPlan.id) == plan_id, readable_plans(actor))
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
