"""What the planner page shows of a plan being written: rows built from its document, its problems by place
(`editing.messages_by_place`) and its progress, so the page only lays them out."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from thrust.planner.document import DAYS_IN_WEEK
from thrust.planner.progress import Completion
from thrust.planner.today import day_date
from thrust.ui.format import day_label

SHORT_DAY = "%a %-d %b"  # Wed 9 Dec


@dataclasses.dataclass
class ExerciseRow:
    name: str = ""
    exercise_id: str = ""  # "" for a free-text exercise (no swap, no instructions)
    sets: str = ""
    reps: str = ""
    rest: str = ""
    notes: str = ""
    sets_error: str = ""
    reps_error: str = ""
    rest_error: str = ""
    notes_error: str = ""
    error: str = ""  # about the row as a whole (its name, its catalog id)
    first: bool = False
    last: bool = False


@dataclasses.dataclass
class DayCard:
    day_number: str = ""  # "3": the select's value
    heading: str = ""  # "Day 3"
    when: str = ""  # "Wed 9 Dec", when the plan has a start date
    title: str = ""
    title_error: str = ""
    error: str = ""  # about the day as a whole ("A day needs at least one exercise", its number)
    done: bool = False  # the member has marked it done
    exercises: list[ExerciseRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class WeekTab:
    value: str = ""  # "0": the tab's value (its position)
    label: str = ""  # "Week 1"
    note: str = ""  # "2/3 done", "" before any progress
    has_problem: bool = False


@dataclasses.dataclass
class PlanCard:
    """One of the member's plans, in the list beside the editor."""

    id: str = ""
    title: str = ""
    active: bool = False
    detail: str = ""  # "Starts Mon 7 Dec · 5/12 days done"
    updated: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _exercise_row(
    exercise: Any, place: str, messages: dict[str, str], position: int, count: int
) -> ExerciseRow:
    item = exercise if isinstance(exercise, dict) else {}
    own = [messages.get(f"{place}.{field}", "") for field in ("name", "exerciseId")]
    return ExerciseRow(
        name=_text(item.get("name")),
        exercise_id=_text(item.get("exerciseId")),
        sets=_text(item.get("sets")),
        reps=_text(item.get("reps")),
        rest=_text(item.get("rest")),
        notes=_text(item.get("notes")),
        sets_error=messages.get(f"{place}.sets", ""),
        reps_error=messages.get(f"{place}.reps", ""),
        rest_error=messages.get(f"{place}.rest", ""),
        notes_error=messages.get(f"{place}.notes", ""),
        error=messages.get(place, "") or next((m for m in own if m), ""),
        first=position == 0,
        last=position == count - 1,
    )


def day_cards(
    doc: dict[str, Any], w: int, messages: dict[str, str], starts_on: date | None, done: set[tuple[int, int]]
) -> list[DayCard]:
    """Week `w`'s days (position from 0) as the editor shows them."""
    cards = []
    for d, day in enumerate(doc["weeks"][w].get("days") or []):
        place = f"{w}.{d}"
        exercises = day.get("exercises") if isinstance(day.get("exercises"), list) else []
        number = day.get("dayNumber")
        valid = isinstance(number, int) and 1 <= number <= DAYS_IN_WEEK
        when = day_date(starts_on, w + 1, number) if starts_on and valid else None
        cards.append(
            DayCard(
                day_number=_text(number),
                heading=f"Day {number}",
                when=day_label(when, SHORT_DAY) if when else "",
                title=_text(day.get("title")),
                title_error=messages.get(f"{place}.title", ""),
                error=messages.get(f"{place}.exercises", "")
                or messages.get(f"{place}.dayNumber", "")
                or messages.get(place, ""),
                done=(w + 1, number) in done,
                exercises=[
                    _exercise_row(item, f"{place}.{e}", messages, e, len(exercises))
                    for e, item in enumerate(exercises)
                ],
            )
        )
    return cards


def week_tabs(doc: dict[str, Any], messages: dict[str, str], completion: Completion | None) -> list[WeekTab]:
    done = {week.week_number: week for week in completion.weeks} if completion else {}
    tabs = []
    for w in range(len(doc["weeks"])):
        figures = done.get(w + 1)
        note = (
            f"{figures.completed_days}/{figures.planned_days} done"
            if figures and figures.completed_days
            else ""
        )
        tabs.append(
            WeekTab(
                value=str(w),
                label=f"Week {w + 1}",
                note=note,
                has_problem=any(key == str(w) or key.startswith(f"{w}.") for key in messages),
            )
        )
    return tabs


def completion_label(completion: Completion) -> str:
    """ "5 of 12 days done" (and the adherence so far, when the plan has started)."""
    text = f"{completion.completed_days} of {completion.planned_days} days done"
    if completion.adherence_percent is not None:
        text += f" · {completion.adherence_percent}% of the days due so far"
    return text
