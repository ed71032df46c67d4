"""What the planner page reads and writes, each as one call in one unit of work: the members to pick from,
a member's plans, a plan opened for editing, the templates, and a save. The services decide who may
see and change what; this module only shapes their answers for the page."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from thrust.ai import service as ai_service
from thrust.ai.inputs import parse_input
from thrust.auth.rbac import Actor
from thrust.core.types import utcnow
from thrust.gym import clock
from thrust.gym.clock import gym_clock
from thrust.members.directory import list_members
from thrust.members.search import parse_filters
from thrust.models import WorkoutPlan
from thrust.planner import service, templates
from thrust.planner.access import visible_member
from thrust.planner.editor_view import SHORT_DAY, PlanCard
from thrust.planner.progress import Completion, completion
from thrust.ui.format import day_label

MEMBER_CHOICES = 8  # names offered under the search box at once
TEMPLATE_CHOICES = 100  # the template list's one page (a gym's library is small)


@dataclasses.dataclass
class MemberOption:
    id: str = ""
    name: str = ""
    email: str = ""


@dataclasses.dataclass
class TemplateOption:
    id: str = ""
    title: str = ""
    author: str = ""


@dataclasses.dataclass(frozen=True)
class MemberPlans:
    id: str
    name: str
    plans: list[PlanCard]


@dataclasses.dataclass(frozen=True)
class OpenedPlan:
    """A saved plan as the editor starts from it."""

    id: str
    member_id: str
    member_name: str
    title: str
    version: int
    starts_on: date | None
    is_active: bool
    document: dict[str, Any]
    completion: Completion
    done: set[tuple[int, int]]  # (week, day) the member marked done
    actions: list[str]
    awaiting_approval: bool = False
    generation: dict[str, Any] | None = None  # how the AI planner made it; None for a plan written by hand


def member_choices(session: Session, actor: Actor, query: str) -> list[MemberOption]:
    """The first members the actor may see whose name, email or phone match `query`."""
    found = list_members(session, actor, parse_filters({"q": query, "limit": MEMBER_CHOICES}))
    return [MemberOption(str(row.id), row.full_name, row.email) for row in found.rows]


def _plan_card(summary: service.PlanSummary, completion: Completion | None) -> PlanCard:
    parts = []
    if summary.starts_on:
        parts.append(f"Starts {day_label(summary.starts_on, SHORT_DAY)}")
    if completion and completion.planned_days:
        parts.append(f"{completion.completed_days}/{completion.planned_days} days done")
    return PlanCard(
        id=str(summary.id),
        title=summary.title,
        active=summary.is_active,
        detail=" · ".join(parts) or "Not started",
        updated=f"Changed {day_label(summary.updated_at)}",
    )


def member_plans(session: Session, actor: Actor, member_id: uuid.UUID) -> MemberPlans:
    """The member (if the actor may see them) and their plans, the active one first."""
    member = visible_member(session, actor, member_id)
    page = service.list_plans(session, actor, member_id=member.id, limit=service.MAX_PAGE_SIZE)
    today = clock.today(session)
    cards = []
    for summary in page.rows:
        plan = session.get(WorkoutPlan, summary.id)
        cards.append(_plan_card(summary, completion(session, plan, today=today) if plan else None))
    return MemberPlans(str(member.id), member.full_name, cards)


def open_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> OpenedPlan:
    detail = service.get_plan(session, actor, plan_id)
    summary = detail.summary
    return OpenedPlan(
        id=str(summary.id),
        member_id=str(summary.member_id),
        member_name=summary.member_name,
        title=summary.title,
        version=summary.version,
        starts_on=summary.starts_on,
        is_active=summary.is_active,
        document=detail.plan_data,
        completion=detail.completion,
        done={(p.week_number, p.day_number) for p in detail.progress if p.completed},
        actions=detail.allowed_actions,
        awaiting_approval=summary.awaiting_approval,
        generation=detail.generation,
    )


def template_choices(session: Session, actor: Actor) -> list[TemplateOption]:
    page = templates.list_templates(session, actor, limit=TEMPLATE_CHOICES)
    return [TemplateOption(str(t.id), t.title, t.author_name or "") for t in page.rows]


def template_document(session: Session, actor: Actor, template_id: uuid.UUID) -> tuple[str, dict[str, Any]]:
    detail = templates.get_template(session, actor, template_id)
    return detail.summary.title, detail.plan_data


def save_plan(
    session: Session,
    actor: Actor,
    *,
    plan_id: str,
    member_id: str,
    version: int,
    title: str,
    starts_on: str,
    document: dict[str, Any],
    make_active: bool,
) -> tuple[str, int, str]:
    """Create the plan (no `plan_id` yet) or save its changes from `version`; its id, its new version and
    the gym's time of the save ("14:02").
    The services check everything and raise what is wrong (ValidationFailed, Conflict)."""
    fields: dict[str, Any] = {"title": title, "planData": document, "startsOn": starts_on or None}
    if not plan_id:
        plan = service.create_plan(session, actor, {**fields, "memberId": member_id, "isActive": make_active})
    else:
        plan = service.update_plan(session, actor, uuid.UUID(plan_id), {**fields, "version": version})
    return str(plan.id), plan.version, gym_clock(session).hhmm(utcnow())


def save_generated(
    session: Session,
    actor: Actor,
    *,
    member_id: str,
    title: str,
    starts_on: str,
    document: dict[str, Any],
    make_active: bool,
    generated: dict[str, Any],
) -> tuple[str, int, str]:
    """Store a reviewed AI draft for its member with its request and record (thrust/ai/service.py)."""
    plan = ai_service.keep(
        session,
        actor,
        member_id=uuid.UUID(member_id),
        request=parse_input(generated["request"]),
        record=generated["record"],
        data={"title": title, "planData": document, "startsOn": starts_on or None, "isActive": make_active},
    )
    return str(plan.id), plan.version, gym_clock(session).hhmm(utcnow())


def save_template(session: Session, actor: Actor, title: str, document: dict[str, Any]) -> str:
    return str(templates.create_template(session, actor, {"title": title, "planData": document}).id)


def set_active(session: Session, actor: Actor, plan_id: str, active: bool) -> None:
    service.update_plan(session, actor, uuid.UUID(plan_id), {"isActive": active})


def approve_plan(session: Session, actor: Actor, plan_id: str) -> None:
    service.approve_plan(session, actor, uuid.UUID(plan_id))


def delete_plan(session: Session, actor: Actor, plan_id: str) -> None:
    service.delete_plan(session, actor, uuid.UUID(plan_id))
