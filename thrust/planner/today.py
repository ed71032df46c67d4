"""A plan's calendar: the date each plan day falls on, and today's day of a member's active plan (what
the front desk's card shows when the member checks in)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor
from thrust.gym import clock
from thrust.models import Member, WorkoutPlan
from thrust.planner.access import readable_plans
from thrust.planner.document import DAYS_IN_WEEK, find_day

# The desk names this many of the day's exercises; the rest is counted.
FIRST_EXERCISES = 3


def day_date(starts_on: date, week_number: int, day_number: int) -> date:
    """The date a plan day falls on: day 1 of week 1 is the plan's start date."""
    return starts_on + timedelta(days=(week_number - 1) * DAYS_IN_WEEK + day_number - 1)


def plan_day_on(starts_on: date, on: date) -> tuple[int, int] | None:
    """(week number, day number) of the plan day on a date, or None before the plan starts."""
    offset = (on - starts_on).days
    if offset < 0:
        return None
    return offset // DAYS_IN_WEEK + 1, offset % DAYS_IN_WEEK + 1


@dataclass(frozen=True)
class TodaysDay:
    """Today's day of a member's active plan, as much as a greeting needs."""

    plan_id: uuid.UUID
    plan_title: str
    week_number: int
    day_number: int
    title: str
    exercise_count: int
    first_exercises: list[str]


def todays_day(session: Session, actor: Actor, member_id: uuid.UUID) -> TodaysDay | None:
    """Today's (the gym's today) day of the member's active plan, if the actor may read the plan (the
    members directory's scope, and approved unless the actor edits plans: `readable_plans`, as for every
    plan) and the plan has a day today; None otherwise.

    Never raises for a plan it cannot read (a rest day, a plan past its last week, a document without
    the day): the desk calls it inside a check-in, which must not fail over a greeting."""
    plan = session.exec(
        select(WorkoutPlan)
        .join(Member, col(Member.id) == col(WorkoutPlan.member_id))
        .where(
            col(WorkoutPlan.member_id) == member_id,
            col(WorkoutPlan.is_active).is_(True),
            readable_plans(actor),
        )
    ).first()
    if plan is None or plan.starts_on is None:
        return None
    place = plan_day_on(plan.starts_on, clock.today(session))
    if place is None:
        return None
    day = find_day(plan.plan_data if isinstance(plan.plan_data, dict) else {}, *place)
    if day is None:
        return None
    exercises = [e for e in day.get("exercises") or [] if isinstance(e, dict)]
    return TodaysDay(
        plan_id=plan.id,
        plan_title=plan.title,
        week_number=place[0],
        day_number=place[1],
        title=str(day.get("title") or f"Day {place[1]}"),
        exercise_count=len(exercises),
        first_exercises=[str(e.get("name") or "") for e in exercises[:FIRST_EXERCISES]],
    )
