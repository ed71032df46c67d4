"""Plan templates: plans not tied to a member, saved once by a trainer and assigned to many members (each
assignment copies the template into a plan of the member's own; later changes to either stay apart).

Stored in a table of their own rather than as plans without a member: a member's plan keeps the seed's
non-null member (its cascade on member delete, the one-active rule and the members' scope hold for every
plan without exceptions), and a template can never be activated or collect progress."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from thrust.auth.rbac import Actor, allowed, require
from thrust.core.errors import NotFound, PermissionDenied
from thrust.core.paging import Page
from thrust.core.validation import FieldReader
from thrust.models import User, WorkoutPlan, WorkoutPlanTemplate
from thrust.planner.access import visible_member
from thrust.planner.capabilities import BUILD_PLANS, EDIT_ANY_TEMPLATE, USE_TEMPLATES
from thrust.planner.document import stored
from thrust.planner.fields import MAX_TITLE, read_changes, read_document, read_title
from thrust.planner.service import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, Authored, new_plan
from thrust.planner.versioning import check_version, read_version, save_versioned

TEMPLATE_NOT_FOUND = "Template not found"
NOT_YOUR_TEMPLATE = "Only its author or an admin may change or delete this template"


@dataclass(frozen=True)
class TemplateSummary(Authored):
    """A template without its document: a row of a list."""

    id: uuid.UUID
    created_by: uuid.UUID | None  # None once its author's account is gone


TemplatePage = Page[TemplateSummary]


@dataclass(frozen=True)
class TemplateDetail:
    """A template with its document and what the viewer may do (edit, delete, assign)."""

    summary: TemplateSummary
    plan_data: dict[str, Any]
    allowed_actions: list[str]


_Author = aliased(User)


def _summaries(*conditions: Any) -> Any:
    return (
        sa.select(
            col(WorkoutPlanTemplate.id),
            col(WorkoutPlanTemplate.title),
            col(WorkoutPlanTemplate.version),
            col(WorkoutPlanTemplate.created_by),
            col(_Author.full_name).label("author_name"),
            col(WorkoutPlanTemplate.created_at),
            col(WorkoutPlanTemplate.updated_at),
        )
        .outerjoin(_Author, col(_Author.id) == col(WorkoutPlanTemplate.created_by))
        .where(*conditions)
    )


def _may_change(actor: Actor, template: WorkoutPlanTemplate) -> bool:
    return template.created_by == actor.user_id or allowed(actor, EDIT_ANY_TEMPLATE)


def _load(session: Session, actor: Actor, template_id: uuid.UUID) -> WorkoutPlanTemplate:
    require(actor, *USE_TEMPLATES)
    template = session.get(WorkoutPlanTemplate, template_id)
    if template is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    return template


def _load_to_change(session: Session, actor: Actor, template_id: uuid.UUID) -> WorkoutPlanTemplate:
    template = _load(session, actor, template_id)
    if not _may_change(actor, template):
        raise PermissionDenied(NOT_YOUR_TEMPLATE)
    return template


# -- reading ----------------------------------------------------------------------------------------------


def list_templates(
    session: Session, actor: Actor, *, page: int = 1, limit: int = DEFAULT_PAGE_SIZE
) -> TemplatePage:
    """One page of the gym's templates, by title (staff)."""
    require(actor, *USE_TEMPLATES)
    page, limit = max(1, min(page, MAX_PAGE)), max(1, min(limit, MAX_PAGE_SIZE))
    total = session.execute(sa.select(sa.func.count()).select_from(WorkoutPlanTemplate)).scalar_one()
    rows = session.execute(
        _summaries()
        .order_by(col(WorkoutPlanTemplate.title), col(WorkoutPlanTemplate.id))
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()
    return TemplatePage([TemplateSummary(**row._asdict()) for row in rows], int(total), page, limit)


def get_template(session: Session, actor: Actor, template_id: uuid.UUID) -> TemplateDetail:
    template = _load(session, actor, template_id)
    row = session.execute(_summaries(col(WorkoutPlanTemplate.id) == template.id)).one()
    actions = ["edit", "delete"] if _may_change(actor, template) else []
    if allowed(actor, BUILD_PLANS):
        actions.append("assign")
    return TemplateDetail(TemplateSummary(**row._asdict()), template.plan_data, actions)


# -- writing ----------------------------------------------------------------------------------------------


def create_template(session: Session, actor: Actor, data: Mapping[str, Any]) -> WorkoutPlanTemplate:
    """A template from `title` and `planData` (a plan's document: "save as template" sends its plan's)."""
    require(actor, *BUILD_PLANS)
    reader = FieldReader(data)
    title = read_title(reader, required=True)
    document = read_document(reader, session, required=True)
    reader.raise_if_problems()
    assert title is not None and document is not None
    template = WorkoutPlanTemplate(created_by=actor.user_id, title=title, plan_data=stored(document))
    session.add(template)
    session.flush()
    return template


def update_template(
    session: Session, actor: Actor, template_id: uuid.UUID, data: Mapping[str, Any]
) -> WorkoutPlanTemplate:
    """Change `title` and/or `planData`, naming the `version` the change started from (409 if stale).
    Plans assigned from it before keep their copy."""
    template = _load_to_change(session, actor, template_id)
    reader = FieldReader(data)
    version = read_version(reader)
    changes = read_changes(reader, session)
    reader.raise_if_problems()
    check_version("template", template.version, version)
    if changes:
        assert version is not None
        save_versioned(session, WorkoutPlanTemplate, template.id, version, changes, kind="template")
    return template


def delete_template(session: Session, actor: Actor, template_id: uuid.UUID) -> None:
    """Delete the template; plans assigned from it stay."""
    template = _load_to_change(session, actor, template_id)
    session.delete(template)
    session.flush()


def assign_template(
    session: Session, actor: Actor, template_id: uuid.UUID, data: Mapping[str, Any]
) -> WorkoutPlan:
    """A plan for `memberId` (one the actor may see) copied from the template, titled `title` or the
    template's; `isActive` (default true) makes it the member's only active plan from `startsOn`."""
    require(actor, *BUILD_PLANS)
    template = _load(session, actor, template_id)
    reader = FieldReader(data)
    member_id = reader.identifier("memberId", "Member", required=True)
    title = reader.text("title", "Title", max_length=MAX_TITLE)  # none or blank: the template's
    starts_on = reader.day("startsOn", "Start date")
    active = reader.flag("isActive", "Active")
    reader.raise_if_problems()
    assert member_id is not None
    member = visible_member(session, actor, member_id)
    return new_plan(
        session,
        actor,
        member,
        title=title or template.title,
        plan_data=copy.deepcopy(template.plan_data),
        active=active is not False,
        starts_on=starts_on,
    )
