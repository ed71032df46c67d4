"""A member's progress through a plan: one record per plan day (done or not, what they did), written
idempotently, and the completion per week and overall, counted in SQL against the plan's own days."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor
from thrust.core.errors import FieldProblem, ValidationFailed
from thrust.core.types import utcnow
from thrust.core.validation import FieldReader
from thrust.gym import clock
from thrust.models import WorkoutPlan, WorkoutProgress, table_of
from thrust.planner.access import require_progress_rights, visible_plan
from thrust.planner.document import (
    DAYS_IN_WEEK,
    MAX_WEEKS,
    find_day,
    logged_twice,
    no_such_day,
    no_such_exercise,
    parse_logged,
)


@dataclass(frozen=True)
class DayProgress:
    """A plan day's record: whether it was done, when, and what was done of its exercises."""

    week_number: int
    day_number: int
    completed: bool
    completed_at: datetime | None
    exercises: list[dict[str, Any]]


@dataclass(frozen=True)
class WeekCompletion:
    week_number: int
    planned_days: int
    completed_days: int


@dataclass(frozen=True)
class Completion:
    """Days done of the days the plan has, per week and overall; `due_days`: the plan days up to the
    gym's today since the plan's start (None without a start date), and how many of those are done."""

    weeks: list[WeekCompletion]
    planned_days: int
    completed_days: int
    due_days: int | None
    completed_due_days: int | None

    @property
    def percent(self) -> int | None:
        return round(100 * self.completed_days / self.planned_days) if self.planned_days else None

    @property
    def adherence_percent(self) -> int | None:
        """Done of what was due so far (the member's profile's adherence); None before anything was due."""
        if not self.due_days or self.completed_due_days is None:
            return None
        return round(100 * self.completed_due_days / self.due_days)


@dataclass(frozen=True)
class DayRecorded:
    """A day's record as it now stands, and the plan's completion with it."""

    day: DayProgress
    completion: Completion


# -- recording a day ----------------------------------------------------------------------------------


def record_progress(
    session: Session, actor: Actor, plan_id: uuid.UUID, data: Mapping[str, Any]
) -> DayRecorded:
    """Record a plan day as done (or not) with what was done of its exercises; the same call twice
    leaves one record (an upsert on plan, week and day). Exercises left out keep those already recorded;
    sent (even empty), they replace them. The member themself, or staff who edit their plans."""
    plan, member = visible_plan(session, actor, plan_id)
    require_progress_rights(actor, member)
    reader = FieldReader(data)
    week = reader.integer("weekNumber", "Week number", minimum=1, maximum=MAX_WEEKS, required=True)
    day_number = reader.integer("dayNumber", "Day number", minimum=1, maximum=DAYS_IN_WEEK, required=True)
    completed = reader.flag("completed", "Completed")
    logged = None
    if data.get("exercises") is not None:
        try:
            logged = parse_logged(data["exercises"])
        except ValidationFailed as exc:
            reader.problems.extend(exc.details)
    reader.raise_if_problems()
    assert week is not None and day_number is not None
    day = find_day(plan.plan_data, week, day_number)
    if day is None:
        raise ValidationFailed(
            details=[
                FieldProblem("weekNumber", no_such_day(week, day_number)),
                FieldProblem("dayNumber", no_such_day(week, day_number)),
            ]
        )
    exercises = None if logged is None else _with_names(logged, day.get("exercises") or [], week, day_number)
    done = True if completed is None else completed
    _upsert(session, plan.id, week, day_number, done, exercises)
    return DayRecorded(
        _day(session, plan.id, week, day_number), completion(session, plan, today=clock.today(session))
    )


def _with_names(logged: list[Any], planned: list[Any], week: int, day: int) -> list[dict[str, Any]]:
    """The logged exercises as stored: each with the plan's name and catalog id beside its position (so
    the record still reads right after the plan changes)."""
    problems, seen, out = [], set(), []
    for n, entry in enumerate(logged):
        index = entry.exercise_index
        if index >= len(planned):
            problems.append(FieldProblem(f"exercises[{n}].exerciseIndex", no_such_exercise(index, week, day)))
            continue
        if index in seen:
            problems.append(FieldProblem(f"exercises[{n}].exerciseIndex", logged_twice(index)))
            continue
        seen.add(index)
        record = {"exerciseIndex": index, "exerciseName": planned[index].get("name", "")}
        if planned[index].get("exerciseId"):
            record["exerciseId"] = planned[index]["exerciseId"]
        values = {
            "actualSets": entry.actual_sets,
            "actualReps": entry.actual_reps,
            "loadKg": entry.load_kg,
            "notes": entry.notes or None,
        }
        out.append(record | {key: value for key, value in values.items() if value is not None})
    if problems:
        raise ValidationFailed(details=problems)
    return out


def _upsert(
    session: Session,
    plan_id: uuid.UUID,
    week: int,
    day: int,
    completed: bool,
    exercises: list[dict[str, Any]] | None,
) -> None:
    progress = table_of(WorkoutProgress)
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(progress).values(
        id=uuid.uuid4(),
        plan_id=plan_id,
        week_number=week,
        day_number=day,
        completed=completed,
        completed_at=now if completed else None,
        exercise_data=exercises if exercises is not None else sa.null(),
        created_at=now,
    )
    changes: dict[str, Any] = {
        "completed": insert.excluded.completed,
        # Done again: it stays done since the first time (a repeated call changes nothing).
        "completed_at": sa.case(
            (
                insert.excluded.completed,
                sa.func.coalesce(progress.c.completed_at, insert.excluded.completed_at),
            ),
            else_=sa.null(),
        ),
    }
    if exercises is not None:
        changes["exercise_data"] = insert.excluded.exercise_data
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[progress.c.plan_id, progress.c.week_number, progress.c.day_number], set_=changes
        )
    )


def _as_day(row: WorkoutProgress) -> DayProgress:
    return DayProgress(
        week_number=row.week_number,
        day_number=row.day_number,
        completed=row.completed,
        completed_at=row.completed_at,
        exercises=list(row.exercise_data or []),
    )


def _day(session: Session, plan_id: uuid.UUID, week: int, day: int) -> DayProgress:
    row = session.exec(
        select(WorkoutProgress)
        .where(
            col(WorkoutProgress.plan_id) == plan_id,
            col(WorkoutProgress.week_number) == week,
            col(WorkoutProgress.day_number) == day,
        )
        .execution_options(populate_existing=True)  # the upsert bypassed the session's copy
    ).one()
    return _as_day(row)


def progress_of(session: Session, plan_id: uuid.UUID) -> list[DayProgress]:
    """Every record of the plan, by week and day."""
    rows = session.exec(
        select(WorkoutProgress)
        .where(col(WorkoutProgress.plan_id) == plan_id)
        .order_by(col(WorkoutProgress.week_number), col(WorkoutProgress.day_number))
    ).all()
    return [_as_day(row) for row in rows]


# -- completion ---------------------------------------------------------------------------------------

# The plan's days as rows (week_number, day_number), read from its document by each engine's JSON
# functions; anything that is not a list of weeks with lists of days adds no rows.
_PLAN_DAYS = {
    "postgresql": """
        SELECT (w.value ->> 'weekNumber')::int AS week_number, (d.value ->> 'dayNumber')::int AS day_number
        FROM workout_plans AS p
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(p.plan_data -> 'weeks') = 'array' THEN p.plan_data -> 'weeks'
                 ELSE '[]'::jsonb END) AS w(value)
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(w.value -> 'days') = 'array' THEN w.value -> 'days'
                 ELSE '[]'::jsonb END) AS d(value)
        WHERE p.id = :plan_id
    """,
    "sqlite": """
        SELECT json_extract(w.value, '$.weekNumber') AS week_number,
               json_extract(d.value, '$.dayNumber') AS day_number
        FROM workout_plans AS p, json_each(p.plan_data, '$.weeks') AS w, json_each(w.value, '$.days') AS d
        WHERE p.id = :plan_id AND json_type(p.plan_data, '$.weeks') = 'array'
          AND json_type(w.value, '$.days') = 'array'
    """,
}
# Per week: the plan's days, those done, those due by the gym's today (a day's place in the plan,
# counted from 0 on its start date, is at most :elapsed), and those due and done. Progress recorded for
# a day the plan no longer has counts for nothing.
_COMPLETION = """
    WITH days AS ({days})
    SELECT days.week_number,
           count(*) AS planned,
           sum(CASE WHEN wp.completed THEN 1 ELSE 0 END) AS done,
           sum(CASE WHEN (days.week_number - 1) * 7 + days.day_number - 1 <= :elapsed
                    THEN 1 ELSE 0 END) AS due,
           sum(CASE WHEN wp.completed AND (days.week_number - 1) * 7 + days.day_number - 1 <= :elapsed
                    THEN 1 ELSE 0 END) AS due_done
    FROM days
    LEFT JOIN workout_progress AS wp
      ON wp.plan_id = :plan_id AND wp.week_number = days.week_number AND wp.day_number = days.day_number
    GROUP BY days.week_number
    ORDER BY days.week_number
"""


def completion(session: Session, plan: WorkoutPlan, *, today: date) -> Completion:
    """How much of the plan is done, per week and overall, and of what was due by `today`."""
    dialect = session.get_bind().dialect.name
    elapsed = (today - plan.starts_on).days if plan.starts_on else -1
    statement = sa.text(_COMPLETION.format(days=_PLAN_DAYS[dialect])).bindparams(
        sa.bindparam("plan_id", plan.id, type_=sa.Uuid()), sa.bindparam("elapsed", elapsed)
    )
    rows = session.execute(statement).all()
    weeks = [
        WeekCompletion(int(row.week_number), int(row.planned), int(row.done or 0))
        for row in rows
        if row.week_number is not None
    ]
    dated = plan.starts_on is not None
    return Completion(
        weeks=weeks,
        planned_days=sum(w.planned_days for w in weeks),
        completed_days=sum(w.completed_days for w in weeks),
        due_days=sum(int(row.due or 0) for row in rows if row.week_number is not None) if dated else None,
        completed_due_days=(
            sum(int(row.due_done or 0) for row in rows if row.week_number is not None) if dated else None
        ),
    )
