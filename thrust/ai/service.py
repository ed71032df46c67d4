"""Generating a plan for a member: who may (staff who build plans, for members they may see), how often
(PLANS_PER_HOUR per trainer), which provider (the offline planner unless a model is configured and the
month's budget allows it), and what is kept: the plan with its record and inputs, and one usage line
per model call. The model is never asked inside a database transaction: `prepare` and `keep` are two
short units of work around `generation.generate`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.ai.draft import GenerationInput
from thrust.ai.exercise_pool import ExerciseChoice, allowed_exercises
from thrust.ai.generation import Generated
from thrust.ai.inputs import input_json, parse_input
from thrust.ai.model_client import ModelConfig
from thrust.auth.rbac import Actor, require
from thrust.core.errors import ValidationFailed
from thrust.core.ratelimit import Attempt, Limit, get_rate_limiter
from thrust.core.validation import FieldReader
from thrust.gym import clock
from thrust.gym.service import get_gym
from thrust.models import AIUsageLog, WorkoutPlan
from thrust.planner.access import visible_member
from thrust.planner.capabilities import BUILD_PLANS
from thrust.planner.document import stored
from thrust.planner.fields import read_document, read_title
from thrust.planner.service import new_plan

ENDPOINT = "generate-workout"  # the seed's ai_usage_logs.endpoint
PLANS_PER_HOUR = 10
PER_TRAINER = Limit(
    "ai-generate",
    PLANS_PER_HOUR,
    3600,
    f"You have generated {PLANS_PER_HOUR} plans in the last hour. Try again in {{wait}}.",
)
NOTHING_FITS = "No exercise in the catalog fits this equipment, level and these injuries: loosen one of them."
OVER_BUDGET = (
    "This month's AI budget (${budget:.2f}) is spent, so the built-in planner wrote this plan. "
    "An admin can raise the budget in Settings."
)


@dataclass(frozen=True)
class Prepared:
    """A checked request for a member the trainer may see, the exercises it may use and who answers."""

    request: GenerationInput
    member_id: uuid.UUID
    member_name: str
    pool: list[ExerciseChoice]
    config: ModelConfig | None  # None: the offline planner
    notice: str = ""  # why the offline planner answers although a model is configured


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def form_defaults(session: Session, actor: Actor, member_id: uuid.UUID) -> dict[str, Any]:
    """What the form starts with for this member: their age and gender from the profile."""
    require(actor, *BUILD_PLANS)
    member = visible_member(session, actor, member_id)
    return {"age": age_on(member.date_of_birth, clock.today(session)), "gender": member.gender}


def month_cost(session: Session, *, today: date) -> float:
    """The estimated model cost so far this calendar month (the gym's), in USD."""
    start = clock.gym_clock(session).midnight(today.replace(day=1))
    total = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(col(AIUsageLog.cost)), 0.0)).where(
            col(AIUsageLog.created_at) >= start
        )
    ).scalar_one()
    return float(total)


def provider_for(session: Session) -> tuple[ModelConfig | None, str]:
    """The model's settings when one is configured and the month's budget (if any) is not spent; else
    None (the offline planner) and, when a model was configured, why it is not asked."""
    if not ModelConfig.configured():
        return None, ""
    budget = get_gym(session).ai_monthly_budget_usd
    if budget is not None and month_cost(session, today=clock.today(session)) >= budget:
        return None, OVER_BUDGET.format(budget=budget)
    return ModelConfig.from_settings(), ""


def prepare(session: Session, actor: Actor, data: Mapping[str, Any]) -> Prepared:
    """Check the request (the form's or the API's body, with `memberId`); age and gender default to the
    member's profile. ValidationFailed names every bad field; NotFound for a member out of reach."""
    require(actor, *BUILD_PLANS)
    reader = FieldReader(data)
    member_id = reader.identifier("memberId", "Member", required=True)
    reader.raise_if_problems()
    assert member_id is not None
    defaults = form_defaults(session, actor, member_id)
    filled = {**data, **{k: v for k, v in defaults.items() if data.get(k) in (None, "") and v is not None}}
    request = parse_input(filled)
    member = visible_member(session, actor, member_id)
    pool = allowed_exercises(session, request)
    if not pool:
        raise ValidationFailed.on("equipment", NOTHING_FITS)
    config, notice = provider_for(session)
    return Prepared(request, member.id, member.full_name, pool, config, notice)


def start(actor: Actor) -> Attempt:
    """Count a generation against the trainer's hourly limit (RateLimited, with when to try again)."""
    return get_rate_limiter().attempt((PER_TRAINER, f"user:{actor.user_id}"))


def log_usage(session: Session, actor: Actor, generated: Generated) -> None:
    """One ai_usage_logs line per model call (the offline planner costs nothing and logs nothing)."""
    for call in generated.calls:
        session.add(
            AIUsageLog(
                user_id=actor.user_id,
                endpoint=ENDPOINT,
                model=call.model[:80],
                tokens_used=call.prompt_tokens + call.completion_tokens,
                cost=call.cost,
            )
        )
    session.flush()


def keep(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    request: GenerationInput,
    record: dict[str, Any],
    data: Mapping[str, Any],
) -> WorkoutPlan:
    """Store a generated plan for its member: `data` holds `planData` (as generated, or as the trainer
    left it: checked like any plan), `title`, `isActive` (default false: a generated plan is reviewed
    first) and `startsOn`; `record` is how it was made (Generated.record()). When the gym asks for
    approval, it is stored inactive and the member sees it only once a trainer approves (or activates) it."""
    require(actor, *BUILD_PLANS)
    reader = FieldReader({"title": default_title(request), **data})
    title = read_title(reader, required=True)
    document = read_document(reader, session, required=True)
    starts_on = reader.day("startsOn", "Start date")
    active = reader.flag("isActive", "Active")
    reader.raise_if_problems()
    assert title is not None and document is not None
    member = visible_member(session, actor, member_id)
    # A plan that waits for approval is stored inactive: activating it (which approves it) is the
    # trainer's next step, so the member never loses their current plan to one they cannot see.
    awaiting = get_gym(session).ai_requires_approval
    plan = new_plan(
        session,
        actor,
        member,
        title=title,
        plan_data=stored(document),
        active=active is True and not awaiting,
        starts_on=starts_on,
        is_ai_generated=True,
        input_params=input_json(request),
    )
    plan.generation = record
    plan.awaiting_approval = awaiting
    session.add(plan)
    session.flush()
    return plan


def record_of(prepared: Prepared, generated: Generated) -> dict[str, Any]:
    """What a generated plan keeps of its making, with why the model was not asked (a spent budget)."""
    return {**generated.record(), "notice": prepared.notice or generated.notice}


def default_title(request: GenerationInput) -> str:
    """ "Muscle gain: 4 days a week"."""
    goal = request.goals[0].value.replace("_", " ")
    return f"{goal.capitalize()}: {request.days_per_week} days a week"
