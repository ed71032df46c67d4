"""A member's own plans as the "My plan" page reads them: the active plan (or an earlier one, read-only)
with its days dated from its start, the catalog's details of its exercises, and the earlier plans with
their completion. Framework-free: the page's Reflex state calls these with the acting user.

Only the caller's own plans, whoever the caller is: staff see their members' plans on the planner, not
here (a staff account with no member record of its own has no plans to show).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, require
from thrust.core.errors import NotFound
from thrust.gym import clock
from thrust.models import Member, WorkoutPlan
from thrust.planner import catalog, service
from thrust.planner.access import PLAN_NOT_FOUND
from thrust.planner.catalog import ExerciseView
from thrust.planner.progress import Completion, completion
from thrust.planner.service import PlanDetail, PlanSummary

MAX_PLANS = 50  # a member's plans listed at once: years of four-week plans


@dataclass(frozen=True)
class EarlierPlan:
    """A plan the member followed before (inactive), with how much of it was done."""

    summary: PlanSummary
    completion: Completion


@dataclass(frozen=True)
class MyPlan:
    """What the page shows: the plan opened (None: the member has no active plan), the catalog's view of
    its exercises, the gym's today, whether it is the current (active) plan, and the earlier plans."""

    detail: PlanDetail | None
    exercises: dict[uuid.UUID, ExerciseView]
    today: date
    current: bool
    earlier: list[EarlierPlan]


def own_member_id(session: Session, actor: Actor) -> uuid.UUID | None:
    """The caller's own member record, if they have one."""
    return session.exec(select(col(Member.id)).where(col(Member.user_id) == actor.user_id)).first()


def day_date(starts_on: date | None, week_number: int, day_number: int) -> date | None:
    """The date of a plan day: its start plus whole weeks plus the day of the week (None undated)."""
    if starts_on is None:
        return None
    return starts_on + timedelta(days=(week_number - 1) * 7 + (day_number - 1))


def week_of(starts_on: date | None, today: date, weeks: int) -> int:
    """The plan week that holds `today` (the first before the start, the last after the end)."""
    if starts_on is None or weeks < 1:
        return 1
    return max(1, min(weeks, (today - starts_on).days // 7 + 1))


def exercise_ids(plan_data: dict[str, Any]) -> set[uuid.UUID]:
    """The catalog ids a stored document names (those that are ids at all)."""
    found = set()
    for week in plan_data.get("weeks") or []:
        for day in week.get("days") or [] if isinstance(week, dict) else []:
            for exercise in day.get("exercises") or [] if isinstance(day, dict) else []:
                try:
                    found.add(uuid.UUID(str(exercise.get("exerciseId"))))
                except (ValueError, AttributeError):
                    continue
    return found


def read_my_plan(session: Session, actor: Actor, plan_id: uuid.UUID | None = None) -> MyPlan:
    """The caller's active plan (or, given `plan_id`, one of their own plans) and their earlier plans.

    A plan that is not the caller's own is NotFound, even one they could see as staff."""
    require(actor)
    today = clock.today(session)
    member_id = own_member_id(session, actor)
    if member_id is None:
        if plan_id is not None:
            raise NotFound(PLAN_NOT_FOUND)
        return MyPlan(None, {}, today, True, [])
    plans = service.list_plans(session, actor, member_id=member_id, limit=MAX_PLANS).rows
    active = next((plan for plan in plans if plan.is_active), None)
    chosen = active
    if plan_id is not None:
        chosen = next((plan for plan in plans if plan.id == plan_id), None)
        if chosen is None:
            raise NotFound(PLAN_NOT_FOUND)
    detail = service.get_plan(session, actor, chosen.id) if chosen else None
    exercises = catalog.exercises_by_id(session, actor, exercise_ids(detail.plan_data)) if detail else {}
    earlier = []
    for summary in plans:
        if summary.is_active:
            continue
        row = session.get(WorkoutPlan, summary.id)
        if row is not None:
            earlier.append(EarlierPlan(summary, completion(session, row, today=today)))
    return MyPlan(
        detail=detail,
        exercises=exercises,
        today=today,
        current=chosen is not None and chosen.is_active,
        earlier=earlier,
    )
