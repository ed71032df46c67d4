"""State of a plan's print view: the plan the address names, as the planner's service lets the viewer see
it (a trainer their assigned members' plans, a member their own, an admin all), worded for paper."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.guard import signed_in
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import NotFound
from thrust.planner import service
from thrust.planner.today import day_date
from thrust.ui import routes
from thrust.ui.feedback import in_unit_of_work, refusals
from thrust.ui.format import DAY, WEEKDAY, day_label

log = logging.getLogger("thrust.planner")

NOT_FOUND_MESSAGE = "Plan not found. It does not exist, or it is not one you can see."
FAILED_MESSAGE = "This plan could not be loaded. Try again in a moment."


@dataclasses.dataclass
class PrintExercise:
    name: str = ""
    sets: int = 0
    reps: str = ""
    rest: str = ""  # "90 s"
    notes: str = ""
    boxes: list[int] = dataclasses.field(default_factory=list)  # one tick box per set


@dataclasses.dataclass
class PrintDay:
    heading: str = ""  # "Day 3 · Upper body"
    date: str = ""  # "Wed 3 Mar 2027"; "" for a plan without a start date
    exercises: list[PrintExercise] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PrintWeek:
    heading: str = ""  # "Week 1"
    focus: str = ""
    dates: str = ""  # "1 Mar 2027 – 7 Mar 2027"
    days: list[PrintDay] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PrintedPlan:
    title: str = ""
    member_name: str = ""
    starts: str = ""
    summary: str = ""
    weeks: list[PrintWeek] = dataclasses.field(default_factory=list)
    tips: list[str] = dataclasses.field(default_factory=list)
    progression: str = ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _exercise(entry: dict[str, Any]) -> PrintExercise:
    sets, rest = _number(entry.get("sets")), entry.get("rest")
    return PrintExercise(
        name=_text(entry.get("name")),
        sets=sets,
        reps=str(entry.get("reps") or ""),
        rest=f"{rest} s" if isinstance(rest, int) and not isinstance(rest, bool) else "",
        notes=_text(entry.get("notes")),
        boxes=list(range(sets)),
    )


def _week(week: dict[str, Any], starts_on: date | None) -> PrintWeek:
    number = _number(week.get("weekNumber"))
    days = []
    for day in week.get("days") or []:
        if not isinstance(day, dict):
            continue
        day_number = _number(day.get("dayNumber"))
        title = _text(day.get("title"))
        on = day_date(starts_on, number, day_number) if starts_on and number and day_number else None
        days.append(
            PrintDay(
                heading=f"Day {day_number}" + (f" · {title}" if title else ""),
                date=day_label(on, WEEKDAY) if on else "",
                exercises=[_exercise(e) for e in day.get("exercises") or [] if isinstance(e, dict)],
            )
        )
    dates = ""
    if starts_on and number:
        dates = f"{day_label(day_date(starts_on, number, 1))} – {day_label(day_date(starts_on, number, 7))}"
    return PrintWeek(heading=f"Week {number}", focus=_text(week.get("focus")), dates=dates, days=days)


def printed(detail: service.PlanDetail) -> PrintedPlan:
    """The plan as the page prints it: weeks in order, each day dated when the plan has a start date."""
    data, summary = detail.plan_data if isinstance(detail.plan_data, dict) else {}, detail.summary
    weeks = [w for w in data.get("weeks") or [] if isinstance(w, dict)]
    tips = data.get("nutritionTips")
    return PrintedPlan(
        title=summary.title,
        member_name=summary.member_name,
        starts=day_label(summary.starts_on, DAY) if summary.starts_on else "No start date",
        summary=_text(data.get("planSummary")),
        weeks=[_week(w, summary.starts_on) for w in weeks],
        tips=[_text(t) for t in tips if _text(t)] if isinstance(tips, list) else [],
        progression=_text(data.get("progressionNotes")),
    )


@user_bound
class PlanPrintState(rx.State):
    """The print view's plan; `missing` when the address names no plan this viewer may see."""

    plan: PrintedPlan = PrintedPlan()
    loaded: bool = False
    missing: bool = False
    error: str = ""

    @rx.event
    @signed_in
    async def open_print(self) -> Any:
        """On load: the plan the address names, if the planner's service lets this viewer see it."""
        actor = await acting_user(self)
        plan_id = routes.plan_id_in(self.router.url.path)
        self.plan, self.loaded, self.missing, self.error = PrintedPlan(), False, False, ""
        if plan_id is None:
            self.missing, self.loaded = True, True
            return None

        def work(session: Session) -> PrintedPlan | None:
            try:
                return printed(service.get_plan(session, actor, plan_id))
            except NotFound:
                return None  # not there, or not one this viewer may see: the same plain answer

        try:
            with refusals(self, message="error", loaded=True) as refused:
                shown = await in_unit_of_work(work, read_only=True)
        except Exception:
            log.exception("loading a plan to print failed")
            self.error, self.loaded = FAILED_MESSAGE, True
            return None
        if refused:
            return refused.toast
        if shown is None:
            self.missing = True
        else:
            self.plan = shown
        self.loaded = True
        return None
