"""The "My plan" page's rows: a member's plan worded for a phone (weeks, dated day cards, each exercise
with what to do and the catalog's details, what was logged), shaped from `my_plan.MyPlan`. Pure: no
database, no Reflex, so the words are tested directly."""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from datetime import date
from typing import Any

from thrust.planner.catalog import ExerciseView
from thrust.planner.my_plan import EarlierPlan, MyPlan, day_date, week_of
from thrust.planner.progress import Completion, DayProgress
from thrust.planner.vocabulary import label
from thrust.ui.format import DAY, count_label, day_label

SHORT_DAY = "%a %-d %b"  # Wed 12 Nov
FIELDS = ("sets", "reps", "load")  # what a member logs of an exercise, as its inputs are named
LOGGED_KEYS = {"sets": "actualSets", "reps": "actualReps", "load": "loadKg"}


@dataclasses.dataclass
class ExerciseRow:
    """One exercise of a day: what to do, the catalog's details, and the inputs of what was done."""

    index: int = 0
    name: str = ""
    prescription: str = ""  # 3 × 8-12
    rest: str = ""  # Rest 90 s
    notes: str = ""
    level: str = ""
    equipment: str = ""
    muscles: str = ""
    instructions: str = ""
    has_details: bool = False  # found in the catalog
    sets_id: str = ""  # w1-d3-e0-sets: unique on the page, for labels and messages
    reps_id: str = ""
    load_id: str = ""
    sets_name: str = ""  # sets-0: the form's field
    reps_name: str = ""
    load_name: str = ""
    sets_value: str = ""  # what was logged ("" for nothing)
    reps_value: str = ""
    load_value: str = ""
    sets_error: str = ""
    reps_error: str = ""
    load_error: str = ""
    logged: str = ""  # Did 3 sets × 10 at 22.5 kg (what a read-only plan shows instead of inputs)


@dataclasses.dataclass
class DayCard:
    """One training day of the week shown."""

    key: str = ""  # w1-d3
    week: int = 0
    day: int = 0
    title: str = ""  # Upper body (or "Day 3")
    date: str = ""  # Wed 12 Nov ("" for an undated plan)
    is_today: bool = False
    done: bool = False
    done_note: str = ""  # Done on Wed 12 Nov
    saved_note: str = ""  # shown once this visit saved the day
    error: str = ""  # a problem with the day itself
    form_key: str = ""  # changes when saved values change, so the inputs show them
    exercises: list[ExerciseRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class WeekTab:
    number: int = 0
    label: str = ""  # Week 1
    progress: str = ""  # 2 of 3 days
    focus: str = ""
    holds_today: bool = False


@dataclasses.dataclass
class EarlierRow:
    """A plan the member followed before, with how much of it was done."""

    id: str = ""
    title: str = ""
    dates: str = ""  # From 3 Mar 2026, or "Not dated"
    completion: str = ""  # 9 of 12 days done (75%)


def rest_label(seconds: Any) -> str:
    """'Rest 90 s', 'Rest 2 min', 'Rest 2 min 30 s'; 'No rest' for 0."""
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return ""
    if seconds == 0:
        return "No rest"
    if seconds < 120:
        return f"Rest {seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"Rest {minutes} min" + (f" {rest} s" if rest else "")


def shown_number(value: Any) -> str:
    """A logged number as its input shows it (22.5, 10; \"\" for nothing)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def logged_words(sets: str, reps: str, load: str) -> str:
    """What was done of an exercise in words ("" for nothing logged)."""
    parts = [f"{sets} {'set' if sets == '1' else 'sets'}" if sets else "", f"{reps} reps" if reps else ""]
    text = " × ".join(part for part in parts if part)
    if load:
        text = f"{text} at {load} kg" if text else f"{load} kg"
    return f"Did {text}" if text else ""


def _exercise(
    raw: dict[str, Any], index: int, key: str, found: dict[uuid.UUID, ExerciseView], logged: dict[Any, Any]
) -> ExerciseRow:
    view = None
    with contextlib.suppress(ValueError):  # a name without a catalog id: no details to show
        view = found.get(uuid.UUID(str(raw.get("exerciseId"))))
    done = logged.get(index) or {}
    ids = {name: f"{key}-e{index}-{name}" for name in FIELDS}
    return ExerciseRow(
        index=index,
        name=str(raw.get("name", "")),
        prescription=f"{raw.get('sets', '')} × {raw.get('reps', '')}",
        rest=rest_label(raw.get("rest")),
        notes=str(raw.get("notes") or ""),
        level=label(view.level) if view else "",
        equipment=label(view.equipment) if view else "",
        muscles=", ".join(label(m) for m in (*view.primary_muscles, *view.secondary_muscles)) if view else "",
        instructions=(view.instructions or "") if view else "",
        has_details=view is not None,
        sets_id=ids["sets"],
        reps_id=ids["reps"],
        load_id=ids["load"],
        sets_name=f"sets-{index}",
        reps_name=f"reps-{index}",
        load_name=f"load-{index}",
        **_logged_fields(done),
    )


def _logged_fields(entry: dict[str, Any]) -> dict[str, str]:
    values = {f"{field}_value": shown_number(entry.get(LOGGED_KEYS[field])) for field in FIELDS}
    return {
        **values,
        "logged": logged_words(values["sets_value"], values["reps_value"], values["load_value"]),
    }


def with_logged(row: ExerciseRow, entry: dict[str, Any]) -> ExerciseRow:
    """The row showing what was recorded of it (`entry`: the progress record's exercise), no messages."""
    fields: dict[str, Any] = _logged_fields(entry)
    return dataclasses.replace(row, sets_error="", reps_error="", load_error="", **fields)


def done_note(record: DayProgress | None, local_day: date | None) -> str:
    if record is None or not record.completed:
        return ""
    return f"Done on {day_label(local_day, SHORT_DAY)}" if local_day else "Done"


def day_card(
    raw: dict[str, Any],
    week: int,
    starts_on: date | None,
    today: date,
    found: dict[uuid.UUID, ExerciseView],
    record: DayProgress | None,
    done_on: date | None,
) -> DayCard:
    """A day of the plan as its card shows it; `done_on`: the gym's date it was marked done."""
    number = int(raw.get("dayNumber", 0))
    key = f"w{week}-d{number}"
    when = day_date(starts_on, week, number)
    logged = {entry.get("exerciseIndex"): entry for entry in (record.exercises if record else [])}
    exercises = [_exercise(e, i, key, found, logged) for i, e in enumerate(raw.get("exercises") or [])]
    values = "|".join(f"{e.sets_value},{e.reps_value},{e.load_value}" for e in exercises)
    return DayCard(
        key=key,
        week=week,
        day=number,
        title=str(raw.get("title") or "") or f"Day {number}",
        date=day_label(when, SHORT_DAY),
        is_today=when == today,
        done=bool(record and record.completed),
        done_note=done_note(record, done_on),
        form_key=f"{key}:{bool(record and record.completed)}:{values}",
        exercises=exercises,
    )


def week_progress(planned: int, finished: int) -> str:
    return f"{finished} of {planned} days"


def week_tabs(
    plan_data: dict[str, Any], done: Completion, starts_on: date | None, today: date
) -> list[WeekTab]:
    counts = {w.week_number: (w.planned_days, w.completed_days) for w in done.weeks}
    tabs = []
    for week in plan_data.get("weeks") or []:
        if not isinstance(week, dict):
            continue
        number = int(week.get("weekNumber", 0))
        planned, finished = counts.get(number, (0, 0))
        first, last = day_date(starts_on, number, 1), day_date(starts_on, number, 7)
        tabs.append(
            WeekTab(
                number=number,
                label=f"Week {number}",
                progress=week_progress(planned, finished),
                focus=str(week.get("focus") or ""),
                holds_today=first is not None and last is not None and first <= today <= last,
            )
        )
    return tabs


def completion_words(done: Completion) -> tuple[int, str, int, str]:
    """(percent done, "12 of 28 days done", adherence percent, its words) for the meters."""
    percent = done.percent or 0
    overall = f"{done.completed_days} of {count_label(done.planned_days, 'day')} done"
    if done.due_days is None:
        return percent, overall, 0, "The plan has no start date, so nothing is due yet."
    if not done.due_days:
        return percent, overall, 0, "Nothing due yet: the plan has not started."
    adherence = done.adherence_percent or 0
    words = f"{done.completed_due_days} of {count_label(done.due_days, 'day')} due so far done ({adherence}%)"
    return percent, overall, adherence, words


def earlier_row(plan: EarlierPlan) -> EarlierRow:
    done = plan.completion
    percent = f" ({done.percent}%)" if done.percent is not None else ""
    starts = plan.summary.starts_on
    return EarlierRow(
        id=str(plan.summary.id),
        title=plan.summary.title,
        dates=f"From {day_label(starts, DAY)}" if starts else "Not dated",
        completion=f"{done.completed_days} of {count_label(done.planned_days, 'day')} done{percent}",
    )


def today_line(view: MyPlan) -> str:
    """Where today stands in the plan, in words (the page's first line)."""
    detail = view.detail
    if detail is None:
        return ""
    starts = detail.summary.starts_on
    if starts is None:
        return "This plan has no start date: follow it at your own pace."
    weeks = [w for w in detail.plan_data.get("weeks") or [] if isinstance(w, dict)]
    last = day_date(starts, len(weeks), 7)
    if view.today < starts:
        return f"Your plan starts on {day_label(starts, SHORT_DAY)}."
    if last is not None and view.today > last:
        return f"This plan ended on {day_label(last, SHORT_DAY)}."
    week = week_of(starts, view.today, len(weeks))
    day = (view.today - starts).days % 7 + 1
    for raw in weeks[week - 1].get("days") or [] if week <= len(weeks) else []:
        if isinstance(raw, dict) and raw.get("dayNumber") == day:
            return f"Today is day {day} of week {week}: {raw.get('title') or 'training day'}."
    return f"Today is a rest day (day {day} of week {week})."
