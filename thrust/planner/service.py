"""Workout plans: listing, reading, writing, activating and deleting a member's plans, within the members
an actor may see (an admin every member's, a trainer their assigned members', a member only their own);
approving a generated plan that awaits a trainer's approval (its member does not see it until then)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from thrust.auth.rbac import Actor, require
from thrust.core.paging import Page
from thrust.core.types import utcnow
from thrust.core.validation import FieldReader
from thrust.gym import clock
from thrust.models import Member, User, WorkoutPlan
from thrust.planner import activation
from thrust.planner.access import is_own, may_edit, readable_plans, visible_member, visible_plan
from thrust.planner.capabilities import BUILD_PLANS, EDIT_PLANS
from thrust.planner.document import MAX_WEEKS, copy_week_forward, parse_plan, stored
from thrust.planner.fields import read_changes, read_document, read_title
from thrust.planner.progress import Completion, DayProgress, completion, progress_of
from thrust.planner.versioning import MAX_VERSION, check_version, read_version, save_versioned

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 50, 100, 10_000
ACTIVE_REQUIRED = "Active must be true or false"


@dataclass(frozen=True)
class Authored:
    """What a list shows of a plan or a template alike: its title, version, author and times."""

    title: str
    version: int
    author_name: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PlanSummary(Authored):
    """A plan without its document: a row of a list."""

    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    is_active: bool
    is_ai_generated: bool
    awaiting_approval: bool
    starts_on: date | None
    created_by: uuid.UUID


PlanPage = Page[PlanSummary]


@dataclass(frozen=True)
class PlanDetail:
    """A plan with its document, its progress, its completion and what the viewer may do with it
    (edit, delete, activate or deactivate, approve, recordProgress); `generation`: how the AI planner
    made it (None for a plan written by hand)."""

    summary: PlanSummary
    plan_data: dict[str, Any]
    input_params: dict[str, Any] | None
    generation: dict[str, Any] | None
    progress: list[DayProgress]
    completion: Completion
    allowed_actions: list[str]


_Author = aliased(User)
_SUMMARY_COLUMNS: tuple[Any, ...] = (
    col(WorkoutPlan.id),
    col(WorkoutPlan.member_id),
    col(Member.full_name).label("member_name"),
    col(WorkoutPlan.title),
    col(WorkoutPlan.is_active),
    col(WorkoutPlan.is_ai_generated),
    col(WorkoutPlan.awaiting_approval),
    col(WorkoutPlan.version),
    col(WorkoutPlan.starts_on),
    col(WorkoutPlan.created_by),
    col(_Author.full_name).label("author_name"),
    col(WorkoutPlan.created_at),
    col(WorkoutPlan.updated_at),
)


def _summaries(*conditions: Any) -> Any:
    return (
        sa.select(*_SUMMARY_COLUMNS)
        .join(Member, col(Member.id) == col(WorkoutPlan.member_id))
        .outerjoin(_Author, col(_Author.id) == col(WorkoutPlan.created_by))
        .where(*conditions)
    )


def _summary(row: Any) -> PlanSummary:
    return PlanSummary(**row._asdict())


# -- reading ----------------------------------------------------------------------------------------------


def list_plans(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID | None = None,
    active: bool | None = None,
    page: int = 1,
    limit: int = DEFAULT_PAGE_SIZE,
) -> PlanPage:
    """One page of the plans the actor may read (`readable_plans`), active ones first, then the latest
    changed."""
    require(actor)
    page, limit = max(1, min(page, MAX_PAGE)), max(1, min(limit, MAX_PAGE_SIZE))
    conditions: list[Any] = [readable_plans(actor)]
    if member_id is not None:
        conditions.append(col(WorkoutPlan.member_id) == member_id)
    if active is not None:
        conditions.append(col(WorkoutPlan.is_active).is_(active))
    total = session.execute(
        sa.select(sa.func.count())
        .select_from(WorkoutPlan)
        .join(Member, col(Member.id) == col(WorkoutPlan.member_id))
        .where(*conditions)
    ).scalar_one()
    rows = session.execute(
        _summaries(*conditions)
        .order_by(col(WorkoutPlan.is_active).desc(), col(WorkoutPlan.updated_at).desc(), col(WorkoutPlan.id))
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()
    return PlanPage([_summary(row) for row in rows], int(total), page, limit)


def allowed_actions(actor: Actor, member: Member, plan: WorkoutPlan) -> list[str]:
    """What the viewer may do with this plan, for the UI to offer and the API to say."""
    actions = []
    if may_edit(actor):
        actions += ["edit", "delete", "deactivate" if plan.is_active else "activate"]
        if plan.awaiting_approval:
            actions.append("approve")
    if may_edit(actor) or is_own(actor, member):
        actions.append("recordProgress")
    return actions


def get_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> PlanDetail:
    """The plan with its document, progress and completion (against the gym's today)."""
    plan, member = visible_plan(session, actor, plan_id)
    row = session.execute(_summaries(col(WorkoutPlan.id) == plan.id)).one()
    return PlanDetail(
        summary=_summary(row),
        plan_data=plan.plan_data,
        input_params=plan.input_params,
        generation=plan.generation,
        progress=progress_of(session, plan.id),
        completion=completion(session, plan, today=clock.today(session)),
        allowed_actions=allowed_actions(actor, member, plan),
    )


def count_member_plans(session: Session, member_id: uuid.UUID) -> int:
    """How many plans a member has (deleting the member deletes them: its confirmation says how many)."""
    return int(
        session.execute(
            sa.select(sa.func.count()).select_from(WorkoutPlan).where(col(WorkoutPlan.member_id) == member_id)
        ).scalar_one()
    )


# -- writing ----------------------------------------------------------------------------------------------


def new_plan(
    session: Session,
    actor: Actor,
    member: Member,
    *,
    title: str,
    plan_data: dict[str, Any],
    active: bool = True,
    starts_on: date | None = None,
    is_ai_generated: bool = False,
    input_params: dict[str, Any] | None = None,
) -> WorkoutPlan:
    """Store a checked plan for a member the caller has found visible; active, it becomes their only
    active plan. Flushes; the caller commits."""
    plan = WorkoutPlan(
        member_id=member.id,
        created_by=actor.user_id,
        title=title,
        plan_data=plan_data,
        is_active=False,
        starts_on=starts_on,
        is_ai_generated=is_ai_generated,
        input_params=input_params,
    )
    if active:
        activation.activate(session, plan, today=clock.today(session))
    else:
        session.add(plan)
        session.flush()
    return plan


def create_plan(session: Session, actor: Actor, data: Mapping[str, Any]) -> WorkoutPlan:
    """A plan for a member the actor may see, from `memberId`, `title`, `planData` and optionally
    `startsOn` and `isActive` (default true: it replaces the member's active plan)."""
    require(actor, *BUILD_PLANS)
    reader = FieldReader(data)
    member_id = reader.identifier("memberId", "Member", required=True)
    title = read_title(reader, required=True)
    starts_on = reader.day("startsOn", "Start date")
    active = reader.flag("isActive", "Active")
    document = read_document(reader, session, required=True)
    reader.raise_if_problems()
    assert member_id is not None and title is not None and document is not None
    member = visible_member(session, actor, member_id)
    return new_plan(
        session,
        actor,
        member,
        title=title,
        plan_data=stored(document),
        active=active is not False,
        starts_on=starts_on,
    )


def update_plan(session: Session, actor: Actor, plan_id: uuid.UUID, data: Mapping[str, Any]) -> WorkoutPlan:
    """Change `title`, `planData`, `startsOn` (null clears it) and/or `isActive`. A change to the first
    three names the `version` it started from and is refused (409) if someone saved since. `isActive`
    true approves a plan that awaits approval (see `activate_plan`)."""
    require(actor, *EDIT_PLANS)
    plan, _member = visible_plan(session, actor, plan_id)
    reader = FieldReader(data)
    version = read_version(reader)
    changes = read_changes(reader, session)
    starts_on = reader.day("startsOn", "Start date")
    active = reader.flag("isActive", "Active")
    if "isActive" in data and data["isActive"] is None:
        reader.fail("isActive", ACTIVE_REQUIRED)
    reader.raise_if_problems()
    check_version("plan", plan.version, version)
    if "startsOn" in data:
        changes["starts_on"] = starts_on
    if changes:
        assert version is not None
        save_versioned(session, WorkoutPlan, plan.id, version, changes, kind="plan")
    if active is True:
        _activate(session, plan)
    elif active is False and plan.is_active:
        activation.deactivate(session, plan)
    return plan


def activate_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> WorkoutPlan:
    """Make the plan its member's only active one (the other active plan, if any, is deactivated); a plan
    awaiting approval is approved by it."""
    require(actor, *EDIT_PLANS)
    plan, _member = visible_plan(session, actor, plan_id)
    _activate(session, plan)
    return plan


def _activate(session: Session, plan: WorkoutPlan) -> None:
    # Activating approves: only staff who may approve may activate, and an active plan its member could
    # not see would take their current plan away from them with nothing in its place.
    _approve(session, plan)
    if not plan.is_active:
        activation.activate(session, plan, today=clock.today(session))


def approve_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> WorkoutPlan:
    """Let the member see a generated plan that awaits a trainer's approval (the gym's setting);
    approving a plan that awaits nothing changes nothing."""
    require(actor, *EDIT_PLANS)
    plan, _member = visible_plan(session, actor, plan_id)
    _approve(session, plan)
    return plan


def _approve(session: Session, plan: WorkoutPlan) -> None:
    if plan.awaiting_approval:
        plan.awaiting_approval = False
        plan.updated_at = utcnow()
        session.add(plan)
        session.flush()


def copy_week(session: Session, actor: Actor, plan_id: uuid.UUID, data: Mapping[str, Any]) -> WorkoutPlan:
    """Copy week `weekNumber` over the week after it (or add it as the next week), as one versioned save
    (`version` is required)."""
    require(actor, *EDIT_PLANS)
    plan, _member = visible_plan(session, actor, plan_id)
    reader = FieldReader(data)
    version = reader.integer("version", "Version", minimum=1, maximum=MAX_VERSION, required=True)
    week = reader.integer("weekNumber", "Week number", minimum=1, maximum=MAX_WEEKS, required=True)
    reader.raise_if_problems()
    assert version is not None and week is not None
    check_version("plan", plan.version, version)
    document = copy_week_forward(parse_plan(plan.plan_data, at="planData"), week)
    save_versioned(session, WorkoutPlan, plan.id, version, {"plan_data": stored(document)}, kind="plan")
    return plan


def delete_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> None:
    """Delete the plan and its progress."""
    require(actor, *EDIT_PLANS)
    plan, _member = visible_plan(session, actor, plan_id)
    session.delete(plan)  # the database deletes its progress (ON DELETE CASCADE)
    session.flush()
