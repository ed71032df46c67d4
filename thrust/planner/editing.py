"""The planner's edits to a plan document being written: plain changes to the seed's camelCase JSON that
any state may hold, so an edit never needs a valid document (the checks in `document.py` say what is
wrong, at the place it is wrong, after every change)."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from thrust.core.errors import FieldProblem
from thrust.planner.document import (
    DAYS_IN_WEEK,
    MAX_WEEKS,
    plan_problems,
)

Document = dict[str, Any]

# What a new exercise starts with: a common hypertrophy prescription, changed in a keystroke.
NEW_SETS, NEW_REPS, NEW_REST = 3, "8-12", 90
# The days a blank plan trains on (Monday, Wednesday, Friday: the usual beginner's split).
BLANK_DAYS = (1, 3, 5)
BLANK_WEEKS = 4
EDITABLE_FIELDS = ("sets", "reps", "rest", "notes")
WEEK_FULL = f"A week has at most {DAYS_IN_WEEK} days"
PLAN_FULL = f"A plan has at most {MAX_WEEKS} weeks"
WEEK_INCOMPLETE = "Fix the marked fields of this week first: a week is copied only when it is complete."


def blank_document(weeks: int = BLANK_WEEKS, days: Sequence[int] = BLANK_DAYS) -> Document:
    """A plan to fill in: its weeks and training days, no exercises yet."""
    return {
        "planSummary": "",
        "weeks": [
            {"weekNumber": w, "focus": "", "days": [_blank_day(d) for d in days]} for w in range(1, weeks + 1)
        ],
        "nutritionTips": [],
        "progressionNotes": "",
    }


def _blank_day(day_number: int) -> dict[str, Any]:
    return {"dayNumber": day_number, "title": "", "exercises": []}


def _week(doc: Document, w: int) -> dict[str, Any]:
    return doc["weeks"][w]


def _exercises(doc: Document, w: int, d: int) -> list[dict[str, Any]]:
    return _week(doc, w)["days"][d]["exercises"]


def new_exercise(name: str, exercise_id: str | None) -> dict[str, Any]:
    """A catalog exercise as a plan row, with the default prescription."""
    return {
        "name": name,
        "sets": NEW_SETS,
        "reps": NEW_REPS,
        "rest": NEW_REST,
        "notes": "",
        "exerciseId": exercise_id,
    }


def add_exercise(doc: Document, w: int, d: int, name: str, exercise_id: str | None) -> Document:
    out = copy.deepcopy(doc)
    _exercises(out, w, d).append(new_exercise(name, exercise_id))
    return out


def remove_exercise(doc: Document, w: int, d: int, e: int) -> Document:
    out = copy.deepcopy(doc)
    del _exercises(out, w, d)[e]
    return out


def move_exercise(doc: Document, w: int, from_day: int, e: int, to_day: int, to_index: int) -> Document:
    """Move exercise `e` of `from_day` to position `to_index` of `to_day` (both days of week `w`); a
    position past the end appends."""
    out = copy.deepcopy(doc)
    moved = _exercises(out, w, from_day).pop(e)
    target = _exercises(out, w, to_day)
    target.insert(max(0, min(to_index, len(target))), moved)
    return out


def swap_exercise(doc: Document, w: int, d: int, e: int, name: str, exercise_id: str) -> Document:
    """Put another exercise in the row, keeping its sets, reps, rest and notes."""
    out = copy.deepcopy(doc)
    _exercises(out, w, d)[e].update(name=name, exerciseId=exercise_id)
    return out


def _typed(field: str, raw: str) -> Any:
    # Whole numbers are stored as numbers; anything else is kept as typed, so the check names it.
    text = raw.strip()
    if field in ("sets", "rest") and re.fullmatch(r"\d{1,6}", text):
        return int(text)
    return raw if field == "notes" else text


def set_exercise_field(doc: Document, w: int, d: int, e: int, field: str, raw: str) -> Document:
    if field not in EDITABLE_FIELDS:
        raise ValueError(f"not an editable field: {field}")
    out = copy.deepcopy(doc)
    _exercises(out, w, d)[e][field] = _typed(field, raw)
    return out


def _set_day_field(doc: Document, w: int, d: int, field: str, value: Any) -> Document:
    out = copy.deepcopy(doc)
    _week(out, w)["days"][d][field] = value
    return out


def set_day_title(doc: Document, w: int, d: int, title: str) -> Document:
    return _set_day_field(doc, w, d, "title", title)


def set_week_focus(doc: Document, w: int, focus: str) -> Document:
    out = copy.deepcopy(doc)
    _week(out, w)["focus"] = focus
    return out


def set_text(doc: Document, field: str, text: str) -> Document:
    """The plan's summary or progression notes."""
    if field not in ("planSummary", "progressionNotes"):
        raise ValueError(f"not a plan text: {field}")
    return {**doc, field: text}


def set_tips(doc: Document, text: str) -> Document:
    """Nutrition tips, one a line."""
    return {**doc, "nutritionTips": [line.strip() for line in text.splitlines() if line.strip()]}


def free_days(doc: Document, w: int) -> list[int]:
    """The days of week `w` it does not train on yet."""
    taken = {day.get("dayNumber") for day in _week(doc, w)["days"]}
    return [n for n in range(1, DAYS_IN_WEEK + 1) if n not in taken]


def add_day(doc: Document, w: int, day_number: int | None = None) -> Document:
    """A training day on `day_number` (else the first free one), kept in day order."""
    free = free_days(doc, w)
    if not free:
        raise ValueError(WEEK_FULL)
    number = day_number if day_number in free else free[0]
    out = copy.deepcopy(doc)
    days = _week(out, w)["days"]
    days.append(_blank_day(number))
    days.sort(key=lambda day: day.get("dayNumber") if isinstance(day.get("dayNumber"), int) else 99)
    return out


def set_day_number(doc: Document, w: int, d: int, day_number: int) -> Document:
    """Move a training day to another day of the week (the check names a day used twice)."""
    return _set_day_field(doc, w, d, "dayNumber", day_number)


def remove_day(doc: Document, w: int, d: int) -> Document:
    out = copy.deepcopy(doc)
    del _week(out, w)["days"][d]
    return out


def add_week(doc: Document) -> Document:
    """A next week with the last week's training days, no exercises yet."""
    if len(doc["weeks"]) >= MAX_WEEKS:
        raise ValueError(PLAN_FULL)
    out = copy.deepcopy(doc)
    last = out["weeks"][-1] if out["weeks"] else {"days": [_blank_day(n) for n in BLANK_DAYS]}
    days = [_blank_day(day.get("dayNumber", 1)) for day in last["days"]]
    out["weeks"].append({"weekNumber": len(out["weeks"]) + 1, "focus": "", "days": days})
    return out


def remove_last_week(doc: Document) -> Document:
    out = copy.deepcopy(doc)
    out["weeks"].pop()
    return out


def copy_forward(doc: Document, w: int) -> Document:
    """Week `w` copied over the week after it (or added as the next week), numbered for its place. Only
    that week must be complete: ValueError (WEEK_INCOMPLETE) names what to fix first."""
    if any(key == str(w) or key.startswith(f"{w}.") for key in problems_of(doc)):
        raise ValueError(WEEK_INCOMPLETE)
    if w + 1 >= MAX_WEEKS:
        raise ValueError(PLAN_FULL)
    out = copy.deepcopy(doc)
    copied = {**copy.deepcopy(out["weeks"][w]), "weekNumber": w + 2}
    if w + 1 < len(out["weeks"]):
        out["weeks"][w + 1] = copied
    else:
        out["weeks"].append(copied)
    return out


# -- what is wrong, where --------------------------------------------------------------------------------

_PLACE = re.compile(
    r"^planData\.weeks\[(\d+)\](?:\.days\[(\d+)\](?:\.exercises\[(\d+)\](?:\.(\w+))?|\.(\w+))?|\.(\w+))?$"
)


def messages_by_place(problems: Sequence[FieldProblem]) -> dict[str, str]:
    """The document's problems keyed by place: "w", "w.focus", "w.d", "w.d.title", "w.d.e", "w.d.e.sets"
    (positions from 0), or the plan field's name ("planSummary") for the rest; one message a place."""
    out: dict[str, str] = {}
    for problem in problems:
        match = _PLACE.match(problem.field)
        if match is None:
            key = problem.field.removeprefix("planData.") or "planData"
        else:
            w, d, e, exercise_field, day_field, week_field = match.groups()
            parts = [w, d, e, exercise_field or day_field or week_field]
            key = ".".join(p for p in parts if p is not None)
        out.setdefault(key, problem.message)
    return out


def problems_of(doc: Document) -> dict[str, str]:
    """What the checks say of the document, by place (see `messages_by_place`)."""
    return messages_by_place(plan_problems(doc, at="planData"))
