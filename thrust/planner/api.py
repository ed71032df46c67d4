"""Workout plan routes: list, create, read, change, delete, approve, progress and copy a week; plan
templates and their assignment to a member."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypeVar

from fastapi import Query
from fastapi.responses import Response
from sqlmodel import Session

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.auth.rbac import Actor
from thrust.core.http import API_PREFIX, documented
from thrust.core.paging import Page
from thrust.core.schemas import ApiModel, Data
from thrust.members.schemas import Pagination
from thrust.planner import progress, service, templates
from thrust.planner.schemas import (
    AssignIn,
    CompletionOut,
    CopyWeekIn,
    DayProgressOut,
    PlanCreate,
    PlanListOut,
    PlanOut,
    PlanSummaryOut,
    PlanUpdate,
    ProgressIn,
    ProgressOut,
    TemplateCreate,
    TemplateListOut,
    TemplateOut,
    TemplateSummaryOut,
    TemplateUpdate,
)

router = authenticated_router(tags=["workout plans"])

# A plan's document is bigger than other JSON bodies: 4 weeks of 7 days of 20 exercises with their
# notes in full is about 0.4 MB (the default limit is 64 KB). Read by the body-limit layer (thrust.py).
PLAN_BODY_LIMIT = 1024 * 1024
BODY_LIMITS = {
    f"{API_PREFIX}/workout-plans/*": PLAN_BODY_LIMIT,
    f"{API_PREFIX}/workout-plan-templates/*": PLAN_BODY_LIMIT,
}

QueryPage = Annotated[int, Query(ge=1, le=service.MAX_PAGE)]
QueryLimit = Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)]

ListOut = TypeVar("ListOut", PlanListOut, TemplateListOut)


def _listed(body: type[ListOut], row: type[ApiModel], result: Page[Any]) -> ListOut:
    """A page the service returned as a list route's body: its rows as `row`s, then the pagination."""
    return body(
        data=[row.model_validate(item) for item in result.rows], pagination=Pagination.of_page(result)
    )


def _plan(detail: service.PlanDetail) -> PlanOut:
    return PlanOut(
        **PlanSummaryOut.model_validate(detail.summary).model_dump(),
        plan_data=detail.plan_data,
        input_params=detail.input_params,
        generation=detail.generation,
        progress=[DayProgressOut.model_validate(day) for day in detail.progress],
        completion=CompletionOut.model_validate(detail.completion),
        allowed_actions=detail.allowed_actions,
    )


def _plan_data(session: Session, actor: Actor, plan_id: uuid.UUID) -> Data[PlanOut]:
    """The plan as the caller now sees it: what every plan route but the list answers."""
    return Data(data=_plan(service.get_plan(session, actor, plan_id)))


# -- plans ------------------------------------------------------------------------------------------------


@router.get("/workout-plans", response_model=PlanListOut, summary="List workout plans")
def list_plans(
    actor: CurrentActor,
    session: SessionDep,
    member_id: Annotated[uuid.UUID | None, Query(alias="memberId")] = None,
    active: Annotated[bool | None, Query(description="only active (true) or inactive (false) plans")] = None,
    page: QueryPage = 1,
    limit: QueryLimit = service.DEFAULT_PAGE_SIZE,
) -> PlanListOut:
    """Plans of the members the caller may see (ADMIN all, TRAINER assigned, MEMBER their own, without
    those awaiting a trainer's approval), active first; without their documents."""
    result = service.list_plans(session, actor, member_id=member_id, active=active, page=page, limit=limit)
    return _listed(PlanListOut, PlanSummaryOut, result)


@router.post(
    "/workout-plans", status_code=201, **documented("Create a workout plan", Data[PlanOut], 404, 409)
)
def create_plan(body: PlanCreate, actor: CurrentActor, session: SessionDep) -> Data[PlanOut]:
    """A plan for a member the caller may see (ADMIN, TRAINER for assigned members)."""
    plan = service.create_plan(session, actor, body.model_dump(by_alias=True))
    return _plan_data(session, actor, plan.id)


@router.get("/workout-plans/{plan_id:uuid}", response_model=Data[PlanOut], summary="Get a workout plan")
def get_plan(plan_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Data[PlanOut]:
    """The plan with its document, progress and completion: ADMIN any, TRAINER assigned members',
    MEMBER their own (once approved, when it awaits a trainer's approval)."""
    return _plan_data(session, actor, plan_id)


@router.patch("/workout-plans/{plan_id:uuid}", **documented("Update a workout plan", Data[PlanOut], 409))
def update_plan(
    plan_id: uuid.UUID, body: PlanUpdate, actor: CurrentActor, session: SessionDep
) -> Data[PlanOut]:
    """Change title, planData or startsOn (with the version you opened: 409 if someone saved since), or
    isActive (activating deactivates the member's other active plan, and approves a plan that awaits
    approval). ADMIN, TRAINER."""
    service.update_plan(session, actor, plan_id, body.model_dump(by_alias=True, exclude_unset=True))
    return _plan_data(session, actor, plan_id)


@router.delete("/workout-plans/{plan_id:uuid}", status_code=204, summary="Delete a workout plan")
def delete_plan(plan_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    """Delete the plan and its progress. ADMIN, TRAINER (assigned members)."""
    service.delete_plan(session, actor, plan_id)
    return Response(status_code=204)


@router.post(
    "/workout-plans/{plan_id:uuid}/approve",
    **documented("Approve a generated plan for its member", Data[PlanOut]),
)
def approve_plan(plan_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Data[PlanOut]:
    """Let the member see a plan that awaits a trainer's approval (awaitingApproval); a plan that awaits
    nothing is answered unchanged. ADMIN, TRAINER (assigned members)."""
    service.approve_plan(session, actor, plan_id)
    return _plan_data(session, actor, plan_id)


@router.post(
    "/workout-plans/{plan_id:uuid}/progress",
    **documented("Record a day of the plan as done", Data[ProgressOut]),
)
def record_progress(
    plan_id: uuid.UUID, body: ProgressIn, actor: CurrentActor, session: SessionDep
) -> Data[ProgressOut]:
    """Idempotent per plan, week and day: the member themself, or staff who edit their plans."""
    recorded = progress.record_progress(
        session, actor, plan_id, body.model_dump(by_alias=True, exclude_unset=True)
    )
    return Data(data=ProgressOut.model_validate(recorded))


@router.post(
    "/workout-plans/{plan_id:uuid}/copy-week",
    **documented("Copy a week of the plan forward", Data[PlanOut], 409),
)
def copy_week(
    plan_id: uuid.UUID, body: CopyWeekIn, actor: CurrentActor, session: SessionDep
) -> Data[PlanOut]:
    """Week weekNumber copied over the week after it (or added as that week). ADMIN, TRAINER."""
    service.copy_week(session, actor, plan_id, body.model_dump(by_alias=True))
    return _plan_data(session, actor, plan_id)


# -- templates --------------------------------------------------------------------------------------------


def _template(detail: templates.TemplateDetail) -> TemplateOut:
    return TemplateOut(
        **TemplateSummaryOut.model_validate(detail.summary).model_dump(),
        plan_data=detail.plan_data,
        allowed_actions=detail.allowed_actions,
    )


def _template_data(session: Session, actor: Actor, template_id: uuid.UUID) -> Data[TemplateOut]:
    return Data(data=_template(templates.get_template(session, actor, template_id)))


@router.get("/workout-plan-templates", response_model=TemplateListOut, summary="List plan templates")
def list_templates(
    actor: CurrentActor,
    session: SessionDep,
    page: QueryPage = 1,
    limit: QueryLimit = service.DEFAULT_PAGE_SIZE,
) -> TemplateListOut:
    """The gym's templates, by title. ADMIN, TRAINER."""
    result = templates.list_templates(session, actor, page=page, limit=limit)
    return _listed(TemplateListOut, TemplateSummaryOut, result)


@router.post(
    "/workout-plan-templates", status_code=201, response_model=Data[TemplateOut], summary="Save a template"
)
def create_template(body: TemplateCreate, actor: CurrentActor, session: SessionDep) -> Data[TemplateOut]:
    """A plan not tied to a member, to assign to many. ADMIN, TRAINER."""
    template = templates.create_template(session, actor, body.model_dump(by_alias=True))
    return _template_data(session, actor, template.id)


@router.get(
    "/workout-plan-templates/{template_id:uuid}", response_model=Data[TemplateOut], summary="Get a template"
)
def get_template(template_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Data[TemplateOut]:
    """A template with its document. ADMIN, TRAINER."""
    return _template_data(session, actor, template_id)


@router.patch(
    "/workout-plan-templates/{template_id:uuid}", **documented("Update a template", Data[TemplateOut], 409)
)
def update_template(
    template_id: uuid.UUID, body: TemplateUpdate, actor: CurrentActor, session: SessionDep
) -> Data[TemplateOut]:
    """Change its title or planData with the version you opened (409 if stale): its author or ADMIN.
    Plans assigned from it keep their own copy."""
    templates.update_template(session, actor, template_id, body.model_dump(by_alias=True, exclude_unset=True))
    return _template_data(session, actor, template_id)


@router.delete("/workout-plan-templates/{template_id:uuid}", status_code=204, summary="Delete a template")
def delete_template(template_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    """Delete it (plans assigned from it stay): its author or ADMIN."""
    templates.delete_template(session, actor, template_id)
    return Response(status_code=204)


@router.post(
    "/workout-plan-templates/{template_id:uuid}/assign",
    status_code=201,
    **documented("Assign a template to a member", Data[PlanOut], 409),
)
def assign_template(
    template_id: uuid.UUID, body: AssignIn, actor: CurrentActor, session: SessionDep
) -> Data[PlanOut]:
    """A plan for the member copied from the template (active by default). ADMIN, TRAINER (assigned)."""
    plan = templates.assign_template(session, actor, template_id, body.model_dump(by_alias=True))
    return _plan_data(session, actor, plan.id)
