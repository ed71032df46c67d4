"""The plan document (the seed's plan JSON): its pydantic schema, the rules it obeys and their messages.

    {planSummary, weeks: [{weekNumber, focus, days: [{dayNumber, title,
        exercises: [{name, sets, reps, rest, notes, exerciseId?}]}]}], nutritionTips, progressionNotes}

One set of rules and messages for every door: the service (and so the API) refuses a document with a
`ValidationFailed` whose details name each problem by its JSON path ("weeks[1].days[0].exercises[2].sets"),
and the planner's editor can ask `plan_problems` for the same list while the trainer types.

Decisions: a plan has 1 to 4 weeks (the seed's plans are 4 weeks; a trainer may build week 1 first and
copy it forward), numbered 1, 2, ... in order; a week 1 to 7 days with day numbers 1-7 (the day of the
plan's week, so rest days are the numbers left out), each once; a day 1 to 20 exercises. Reps are stored
as text as the seed has them ("10", "8-12"); rest as whole seconds (the seed's AI writes "60s", which is
read as 60). `exerciseId` names a catalog exercise; the name is kept beside it, as the seed's format has it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from thrust.core.errors import FieldProblem, ValidationFailed
from thrust.core.schemas import UUID_PATTERN
from thrust.core.validation import NOT_BLANK_PATTERN, STORABLE_PATTERN, UNSTORABLE_TEXT, is_storable

MAX_WEEKS = 4
DAYS_IN_WEEK = 7
MAX_EXERCISES_PER_DAY = 20
SETS_RANGE = (1, 10)
REPS_RANGE = (1, 100)
REST_RANGE = (0, 600)  # seconds
MAX_NAME = 120  # an exercise's name
MAX_HEADING = 120  # a day's title, a week's focus
MAX_NOTES = 500  # an exercise's notes
MAX_SUMMARY = 2000  # the plan's summary and its progression notes
MAX_TIPS, MAX_TIP = 10, 300
MAX_REPS_TEXT = 20

# -- the messages (the only place they are written) ------------------------------------------------------

SETS_MESSAGE = f"Sets must be a whole number from {SETS_RANGE[0]} to {SETS_RANGE[1]}"
REPS_MESSAGE = f"Reps must be a number from {REPS_RANGE[0]} to {REPS_RANGE[1]}, or a range like 8-12"
REPS_ORDER_MESSAGE = "A rep range goes from low to high, like 8-12"
REST_MESSAGE = f"Rest must be {REST_RANGE[0]} to {REST_RANGE[1]} seconds"
WEEKS_MESSAGE = f"A plan has 1 to {MAX_WEEKS} weeks"
DAYS_MESSAGE = f"A week has 1 to {DAYS_IN_WEEK} days"
NO_EXERCISE_MESSAGE = "A day needs at least one exercise"
TOO_MANY_EXERCISES_MESSAGE = f"A day has at most {MAX_EXERCISES_PER_DAY} exercises"
TIPS_MESSAGE = f"At most {MAX_TIPS} nutrition tips"
WEEK_NUMBER_MESSAGE = f"Week number must be a whole number from 1 to {MAX_WEEKS}"
DAY_NUMBER_MESSAGE = f"Day number must be a whole number from 1 to {DAYS_IN_WEEK}"
EXERCISE_ID_MESSAGE = "Not a valid exercise id (a UUID like 3f2b8c1e-...)"
NOT_AN_OBJECT = "Must be an object"
UNKNOWN_FIELD = "Unknown field"


def week_out_of_order(position: int) -> str:
    return f"Weeks are numbered 1 to {MAX_WEEKS} in order: this is week {position}"


def day_twice(day: int, week: int) -> str:
    return f"Day {day} is already in week {week}"


def no_such_week(week: int) -> str:
    return f"This plan has no week {week}"


def no_such_day(week: int, day: int) -> str:
    return f"This plan has no day {day} in week {week}"


LAST_WEEK_MESSAGE = f"Week {MAX_WEEKS} is a plan's last week: there is no week after it to copy it to"

# What a missing required field is called (`{label} is required`), or its whole message.
_MISSING = {
    "weeks": "A plan needs at least one week",
    "weekNumber": "Week number is required",
    "days": "A week needs at least one day",
    "dayNumber": "Day number is required",
    "exercises": NO_EXERCISE_MESSAGE,
    "name": "Exercise name is required",
    "sets": "Sets is required",
    "reps": "Reps is required",
    "rest": "Rest is required",
    "exerciseIndex": "Exercise index is required",
}

# -- field types: each checks the raw value itself, so the message is ours ---------------------------------


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("plan_rule", message)


def _whole_number(value: Any, low: int, high: int, message: str) -> int:
    # JSON's 3.0 is the integer 3 (as JSON Schema's "integer" says); true, "3" and 3.5 are not.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(message)
    return value


def _number(low: int, high: int, message: str) -> Any:
    return Annotated[
        int,
        BeforeValidator(lambda value: _whole_number(value, low, high, message)),
        WithJsonSchema({"type": "integer", "minimum": low, "maximum": high}),
    ]


def _number_or_text(
    stored: type, read: Callable[[Any], Any], bounds: tuple[int, int], text: dict[str, Any], description: str
) -> Any:
    """A whole number in `bounds`, or text a person writes for one (`text`: its JSON Schema); `read`
    checks either and returns the `stored` value."""
    return Annotated[
        stored,
        BeforeValidator(read),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "integer", "minimum": bounds[0], "maximum": bounds[1]},
                    {"type": "string", **text},
                ],
                "description": description,
            }
        ),
    ]


def _text(label: str, max_length: int, *, required: bool = False, one_line: bool = True) -> Any:
    """Text of at most `max_length` characters (as sent), trimmed; one line: inner spaces collapsed."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail(f"{label} must be text")
        if not is_storable(value):
            raise _fail(UNSTORABLE_TEXT)
        if len(value) > max_length:
            raise _fail(f"{label} must be at most {max_length} characters")
        text = " ".join(value.split()) if one_line else value.strip()
        if required and not text:
            raise _fail(f"{label} is required")
        return text

    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, "pattern": STORABLE_PATTERN}
    if required:
        schema.update(minLength=1, pattern=NOT_BLANK_PATTERN)
    return Annotated[str, BeforeValidator(check), WithJsonSchema(schema)]


def _list(low: int, high: int, too_few: str, too_many: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise _fail("Must be a list")
        if len(value) < low:
            raise _fail(too_few)
        if len(value) > high:
            raise _fail(too_many)
        return value

    return check


# "12", "8-12", "8 - 12": one number, or a range of two.
REPS_PATTERN = "^ *[0-9]{1,3} *(- *[0-9]{1,3} *)?$"
_REPS = re.compile(REPS_PATTERN)


def _reps(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(_whole_number(value, *REPS_RANGE, REPS_MESSAGE))
    if not isinstance(value, str) or len(value) > MAX_REPS_TEXT or not _REPS.match(value):
        raise _fail(REPS_MESSAGE)
    numbers = [int(part) for part in value.split("-")]
    if not all(REPS_RANGE[0] <= n <= REPS_RANGE[1] for n in numbers):
        raise _fail(REPS_MESSAGE)
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        raise _fail(REPS_ORDER_MESSAGE)
    low, high = numbers[0], numbers[-1]
    return str(low) if low == high else f"{low}-{high}"


# "90", "90s", "90 sec", "2 min": whole seconds or minutes, in the words the seed's AI writes.
REST_PATTERN = "^ *([0-9]{1,3}) *(s|sec|secs|seconds|m|min|mins|minutes)? *$"
_REST = re.compile(REST_PATTERN)


def _rest(value: Any) -> int:
    if isinstance(value, str):
        found = _REST.match(value)
        if found is None:
            raise _fail(REST_MESSAGE)
        minutes = (found.group(2) or "s").startswith("m")
        value = int(found.group(1)) * (60 if minutes else 1)
    return _whole_number(value, *REST_RANGE, REST_MESSAGE)


def _exercise_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not UUID_PATTERN.match(value):
        raise _fail(EXERCISE_ID_MESSAGE)
    return value.lower()


Sets = _number(*SETS_RANGE, SETS_MESSAGE)
WeekNumber = _number(1, MAX_WEEKS, WEEK_NUMBER_MESSAGE)
DayNumber = _number(1, DAYS_IN_WEEK, DAY_NUMBER_MESSAGE)
Reps = _number_or_text(
    str,
    _reps,
    REPS_RANGE,
    {"maxLength": MAX_REPS_TEXT, "pattern": REPS_PATTERN},
    f'{REPS_RANGE[0]}-{REPS_RANGE[1]}, or a range low-high like "8-12"; stored as text',
)
Rest = _number_or_text(
    int,
    _rest,
    REST_RANGE,
    {"maxLength": 20, "pattern": REST_PATTERN},
    f'Seconds, {REST_RANGE[0]}-{REST_RANGE[1]} ("90s", "2 min" are read too); stored as a number',
)
ExerciseId = Annotated[
    str | None,
    BeforeValidator(_exercise_id),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}],
            "description": "A catalog exercise's id",
        }
    ),
]


ExerciseName = _text("Exercise name", MAX_NAME, required=True)
Notes = _text("Notes", MAX_NOTES, one_line=False)
DayTitle = _text("Title", MAX_HEADING)
Focus = _text("Focus", MAX_HEADING)
Summary = _text("Summary", MAX_SUMMARY, one_line=False)
ProgressionNotes = _text("Progression notes", MAX_SUMMARY, one_line=False)
Tip = _text("Tip", MAX_TIP, required=True)


class _Part(BaseModel):
    # camelCase only, as the seed's JSON has it; anything else in a document is refused, not dropped.
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")


class PlanExercise(_Part):
    """One exercise of a day: what to do and how much."""

    name: ExerciseName
    sets: Sets
    reps: Reps
    rest: Rest
    notes: Notes = ""
    exercise_id: ExerciseId = None


class PlanDay(_Part):
    """One training day of a week; the days a week leaves out are rest days."""

    day_number: DayNumber
    title: DayTitle = ""
    exercises: Annotated[
        list[PlanExercise],
        BeforeValidator(_list(1, MAX_EXERCISES_PER_DAY, NO_EXERCISE_MESSAGE, TOO_MANY_EXERCISES_MESSAGE)),
        Field(min_length=1, max_length=MAX_EXERCISES_PER_DAY),
    ]


class PlanWeek(_Part):
    """One week of the plan and what it works on."""

    week_number: WeekNumber
    focus: Focus = ""
    days: Annotated[
        list[PlanDay],
        BeforeValidator(_list(1, DAYS_IN_WEEK, _MISSING["days"], DAYS_MESSAGE)),
        Field(min_length=1, max_length=DAYS_IN_WEEK),
    ]


class PlanDocument(_Part):
    """A whole plan: the seed's plan JSON."""

    plan_summary: Summary = ""
    weeks: Annotated[
        list[PlanWeek],
        BeforeValidator(_list(1, MAX_WEEKS, _MISSING["weeks"], WEEKS_MESSAGE)),
        Field(min_length=1, max_length=MAX_WEEKS),
    ]
    nutrition_tips: Annotated[
        list[Tip],
        BeforeValidator(_list(0, MAX_TIPS, "", TIPS_MESSAGE)),
        Field(max_length=MAX_TIPS),
    ] = Field(default_factory=list)
    progression_notes: ProgressionNotes = ""


# -- what a member did of a day's exercises (a progress record's exercise data) ----------------------------

MAX_SETS_DONE, MAX_REPS_DONE, MAX_LOAD_KG = 20, 1000, 1000
EXERCISE_INDEX_MESSAGE = f"Exercise index must be a whole number from 0 to {MAX_EXERCISES_PER_DAY - 1}"
SETS_DONE_MESSAGE = f"Sets done must be a whole number from 0 to {MAX_SETS_DONE}"
REPS_DONE_MESSAGE = f"Reps done must be a whole number from 0 to {MAX_REPS_DONE}"
LOAD_MESSAGE = f"Load must be 0 to {MAX_LOAD_KG} kg"
LOGGED_MESSAGE = f"At most {MAX_EXERCISES_PER_DAY} exercises a day"


def no_such_exercise(position: int, week: int, day: int) -> str:
    return f"Day {day} of week {week} has no exercise {position + 1}"


def logged_twice(position: int) -> str:
    return f"Exercise {position + 1} is logged twice"


def _optional_number(low: int, high: int, message: str) -> Any:
    def check(value: Any) -> int | None:
        return None if value is None else _whole_number(value, low, high, message)

    return Annotated[
        int | None,
        BeforeValidator(check),
        WithJsonSchema({"anyOf": [{"type": "integer", "minimum": low, "maximum": high}, {"type": "null"}]}),
    ]


def _load(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_LOAD_KG:
        raise _fail(LOAD_MESSAGE)
    return round(float(value), 2)


ExerciseIndex = _number(0, MAX_EXERCISES_PER_DAY - 1, EXERCISE_INDEX_MESSAGE)
SetsDone = _optional_number(0, MAX_SETS_DONE, SETS_DONE_MESSAGE)
RepsDone = _optional_number(0, MAX_REPS_DONE, REPS_DONE_MESSAGE)
LoadKg = Annotated[
    float | None,
    BeforeValidator(_load),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_LOAD_KG}, {"type": "null"}],
            "description": "kg",
        }
    ),
]


class LoggedExercise(_Part):
    """What a member actually did of one exercise of the day, by its position in the day (0 = first)."""

    exercise_index: ExerciseIndex
    actual_sets: SetsDone = None
    actual_reps: RepsDone = None
    load_kg: LoadKg = None
    notes: Notes = ""


class _Logged(BaseModel):
    exercises: Annotated[
        list[LoggedExercise],
        BeforeValidator(_list(0, MAX_EXERCISES_PER_DAY, "", LOGGED_MESSAGE)),
        Field(max_length=MAX_EXERCISES_PER_DAY),
    ]


# -- reading a document ------------------------------------------------------------------------------------


def json_path(loc: tuple[int | str, ...], at: str = "") -> str:
    """("weeks", 1, "days", 0, "sets") -> "weeks[1].days[0].sets", under `at` if given."""
    path = at
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path or "plan"


def _message(error: Any) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "missing":
        return _MISSING.get(str(loc[-1]), f"{loc[-1]} is required")
    if kind == "extra_forbidden":
        return UNKNOWN_FIELD
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return NOT_AN_OBJECT
    return str(error["msg"])


def _problems(exc: ValidationError, at: str, *, skip: int = 0) -> list[FieldProblem]:
    """Pydantic's errors in our words, one per JSON path (the first of each), in document order."""
    found: dict[str, FieldProblem] = {}
    for error in exc.errors():
        path = json_path(tuple(error["loc"])[skip:], at)
        found.setdefault(path, FieldProblem(path, _message(error)))
    return list(found.values())


def _numbering(document: PlanDocument, at: str) -> list[FieldProblem]:
    """Weeks numbered 1, 2, ... in order; each day number once in its week."""
    problems = []
    for w, week in enumerate(document.weeks):
        if week.week_number != w + 1:
            problems.append(FieldProblem(json_path(("weeks", w, "weekNumber"), at), week_out_of_order(w + 1)))
        seen: set[int] = set()
        for d, day in enumerate(week.days):
            if day.day_number in seen:
                path = json_path(("weeks", w, "days", d, "dayNumber"), at)
                problems.append(FieldProblem(path, day_twice(day.day_number, w + 1)))
            seen.add(day.day_number)
    return problems


def plan_problems(data: Any, *, at: str = "") -> list[FieldProblem]:
    """Every problem of a document, one per JSON path (the first of each), in document order."""
    try:
        document = PlanDocument.model_validate(data)
    except ValidationError as exc:
        return _problems(exc, at)
    return _numbering(document, at)


def parse_plan(data: Any, *, at: str = "") -> PlanDocument:
    """The document, checked; ValidationFailed naming every problem by its path under `at`."""
    try:
        document = PlanDocument.model_validate(data)
    except ValidationError:
        raise ValidationFailed(details=plan_problems(data, at=at)) from None
    problems = _numbering(document, at)
    if problems:
        raise ValidationFailed(details=problems)
    return document


def parse_logged(data: Any, *, at: str = "exercises") -> list[LoggedExercise]:
    """A progress record's exercises, checked (ValidationFailed names each problem under `at`)."""
    try:
        return _Logged.model_validate({"exercises": data}).exercises
    except ValidationError as exc:
        raise ValidationFailed(details=_problems(exc, at, skip=1)) from None


def stored(document: PlanDocument) -> dict[str, Any]:
    """The document as JSON to store and send: camelCase, reps as text, rest in seconds."""
    return document.model_dump(mode="json", by_alias=True, exclude_none=True)


# -- changing a document -----------------------------------------------------------------------------------


def copy_week_forward(document: PlanDocument, week_number: int, *, at: str = "weekNumber") -> PlanDocument:
    """Week `week_number` copied over the week after it (or added as the next week): its focus, days and
    exercises; the next week's own content is replaced."""
    if not 1 <= week_number <= len(document.weeks):
        raise ValidationFailed.on(at, no_such_week(week_number))
    if week_number >= MAX_WEEKS:
        raise ValidationFailed.on(at, LAST_WEEK_MESSAGE)
    source = document.weeks[week_number - 1]
    copied = source.model_copy(update={"week_number": week_number + 1}, deep=True)
    weeks = list(document.weeks)
    if week_number < len(weeks):
        weeks[week_number] = copied
    else:
        weeks.append(copied)
    return document.model_copy(update={"weeks": weeks})


def find_day(plan_data: dict[str, Any], week_number: int, day_number: int) -> dict[str, Any] | None:
    """The stored document's day (as stored), or None."""
    for week in plan_data.get("weeks") or []:
        if isinstance(week, dict) and week.get("weekNumber") == week_number:
            for day in week.get("days") or []:
                if isinstance(day, dict) and day.get("dayNumber") == day_number:
                    return day
    return None
