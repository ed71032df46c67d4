"""The exercise catalog: search with filters, one exercise or many by id, similar ones for the planner's
"swap", the staff's own exercises, and the picker's select options.

Framework-free: the planner's Reflex state and /api/v1/exercises call these with the acting user.
Reading needs BROWSE_EXERCISES (everyone signed in), adding ADD_EXERCISES (admins and trainers).
What a person types (a search, a filter, a new exercise's fields) is read by `parse_query` and
`create_custom`, which name every bad field at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from thrust.auth.rbac import Actor, require
from thrust.core.db import savepoint
from thrust.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from thrust.core.paging import page_count
from thrust.core.text import exercise_search_text, words
from thrust.core.validation import MAX_TEXT, UNSTORABLE_TEXT, FieldReader, is_storable, search_too_long
from thrust.models import Exercise, ExerciseMuscle, table_of
from thrust.planner.capabilities import ADD_EXERCISES, BROWSE_EXERCISES
from thrust.planner.catalog_file import muscle_rows
from thrust.planner.vocabulary import (
    VOCABULARIES,
    Category,
    Equipment,
    ExerciseTraits,
    Force,
    Level,
    Mechanic,
    Muscle,
    Vocabularies,
    with_traits,
)

E = TypeVar("E", bound=StrEnum)

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 100
MAX_TERMS = 6
SIMILAR_LIMIT = 10
MAX_NAME_LENGTH = 100
MAX_INSTRUCTIONS = MAX_TEXT
MAX_PRIMARY_MUSCLES = 3
NOT_FOUND = "No such exercise"

_EXERCISES = table_of(Exercise)
_MUSCLES = table_of(ExerciseMuscle)


# -- what the catalog shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseView(ExerciseTraits):
    """An exercise as the picker, a plan and the API show it."""

    id: uuid.UUID
    instructions: str | None  # written by the staff; the shipped catalog has none
    is_custom: bool
    source_id: str | None  # the shipped catalog's own id; None for the staff's exercises
    created_at: datetime


@dataclass(frozen=True)
class ExerciseQuery:
    """A search of the catalog: words of a name and filters (any of the values given within a filter, all
    filters together), one page of it by `limit` and `offset`."""

    text: str = ""
    equipment: tuple[Equipment, ...] = ()
    muscles: tuple[Muscle, ...] = ()
    include_secondary: bool = False  # a muscle filter also finds exercises that work it as a helper
    levels: tuple[Level, ...] = ()
    categories: tuple[Category, ...] = ()
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class ExercisePage:
    items: list[ExerciseView]
    total: int  # every exercise the search matches
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def total_pages(self) -> int:
        return page_count(self.total, self.limit)


def vocabularies() -> Vocabularies:
    """The options of the picker's filters and of the custom exercise form, with their labels."""
    return VOCABULARIES


def _view(row: Any) -> ExerciseView:
    return with_traits(
        ExerciseView,
        row,
        id=row.id,
        instructions=row.instructions,
        is_custom=row.is_custom,
        source_id=row.source_id,
        created_at=row.created_at,
    )


# -- reading a search ----------------------------------------------------------------------------------


def _many(reader: FieldReader, field: str, label: str, enum: type[E]) -> tuple[E, ...]:
    """A filter's values: a list, or text separated by commas ("barbell,dumbbell"); any case."""
    value = reader.data.get(field)
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or len(items) > len(enum):
        reader.fail(field, f"{label}: choose at most {len(enum)} values")
        return ()
    chosen: list[E] = []
    for item in items:
        try:
            chosen.append(enum(str(item).strip().lower()))
        except ValueError:
            options = ", ".join(member.value for member in enum)
            reader.fail(field, f"{label} must be one of {options}")
            return ()
    return tuple(dict.fromkeys(chosen))


def parse_query(raw: Mapping[str, Any]) -> ExerciseQuery:
    """A search as the API's query string or the picker sends it (q, equipment, muscle, includeSecondary,
    level, category, page, limit); ValidationFailed names every bad field."""
    reader = FieldReader(raw)
    text = reader.search("q", max_length=MAX_QUERY_LENGTH)
    equipment = _many(reader, "equipment", "Equipment", Equipment)
    muscles = _many(reader, "muscle", "Muscle", Muscle)
    include_secondary = bool(reader.flag("includeSecondary", "Include secondary muscles"))
    levels = _many(reader, "level", "Level", Level)
    categories = _many(reader, "category", "Category", Category)
    page, limit = reader.paging(max_page=MAX_PAGE, max_limit=MAX_LIMIT, default_limit=DEFAULT_LIMIT)
    reader.raise_if_problems()
    return ExerciseQuery(
        text=text,
        equipment=equipment,
        muscles=muscles,
        include_secondary=include_secondary,
        levels=levels,
        categories=categories,
        limit=limit,
        offset=(page - 1) * limit,
    )


def _checked(query: ExerciseQuery) -> None:
    """A query built in code (the picker's state) meets the same bounds as one read by `parse_query`."""
    problems = []
    if len(query.text) > MAX_QUERY_LENGTH or not is_storable(query.text):
        problems.append(FieldProblem("q", search_too_long(MAX_QUERY_LENGTH)))
    if not 1 <= query.limit <= MAX_LIMIT:
        problems.append(FieldProblem("limit", f"Limit must be a whole number from 1 to {MAX_LIMIT}"))
    if not 0 <= query.offset <= MAX_PAGE * MAX_LIMIT:
        problems.append(FieldProblem("page", f"Page must be a whole number from 1 to {MAX_PAGE}"))
    if problems:
        raise ValidationFailed(details=problems)


# -- searching -----------------------------------------------------------------------------------------


def _conditions(query: ExerciseQuery) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    # Every word typed matches the start of a word of the name (or of two neighbours run together, so
    # "pullup" finds "Pull-Up"): "row" finds "Upright Row" and "Rowing", not "Throw" or "Narrow". Words
    # hold letters and digits only, so nothing in them means anything to LIKE.
    for term in words(query.text)[:MAX_TERMS]:
        conditions.append(_EXERCISES.c.search_name.like(f"% {term}%"))
    if query.equipment:
        conditions.append(_EXERCISES.c.equipment.in_([e.value for e in query.equipment]))
    if query.levels:
        conditions.append(_EXERCISES.c.level.in_([level.value for level in query.levels]))
    if query.categories:
        conditions.append(_EXERCISES.c.category.in_([c.value for c in query.categories]))
    if query.muscles:
        trains = [_MUSCLES.c.exercise_id == _EXERCISES.c.id]
        trains.append(_MUSCLES.c.muscle.in_([m.value for m in query.muscles]))
        if not query.include_secondary:
            trains.append(_MUSCLES.c.is_primary)
        conditions.append(sa.exists().where(*trains))
    return conditions


def _order(query: ExerciseQuery) -> list[Any]:
    """By name; with a search, the names that begin with what was typed first ("Squat" before
    "Barbell Full Squat")."""
    typed = words(query.text)[:MAX_TERMS]
    order: list[Any] = []
    if typed:
        starts = _EXERCISES.c.search_name.like(" " + " ".join(typed) + "%")
        order.append(sa.case((starts, 0), else_=1))
    return [*order, _EXERCISES.c.name, _EXERCISES.c.id]


def search(session: Session, actor: Actor | None, query: ExerciseQuery) -> ExercisePage:
    """One page of the exercises the query matches, with how many match in all."""
    require(actor, *BROWSE_EXERCISES)
    _checked(query)
    conditions = _conditions(query)
    total_column = sa.func.count().over().label("total")
    statement = (
        sa.select(*_EXERCISES.columns, total_column)
        .where(*conditions)
        .order_by(*_order(query))
        .limit(query.limit)
        .offset(query.offset)
    )
    rows = session.execute(statement).all()
    if rows:
        total = int(rows[0].total)
    elif query.offset == 0:
        total = 0
    else:  # a page past the end: the count comes on its own
        counted = sa.select(sa.func.count()).select_from(_EXERCISES).where(*conditions)
        total = int(session.execute(counted).scalar_one())
    return ExercisePage(
        items=[_view(row) for row in rows], total=total, limit=query.limit, offset=query.offset
    )


def get_exercise(session: Session, actor: Actor | None, exercise_id: uuid.UUID) -> ExerciseView:
    """One exercise; NotFound if there is none with this id."""
    require(actor, *BROWSE_EXERCISES)
    row = session.execute(sa.select(*_EXERCISES.columns).where(_EXERCISES.c.id == exercise_id)).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return _view(row)


def exercises_by_id(
    session: Session, actor: Actor | None, exercise_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ExerciseView]:
    """The exercises of these ids that exist (a plan's, in one query); ids of none are left out."""
    require(actor, *BROWSE_EXERCISES)
    if not exercise_ids:
        return {}
    found: dict[uuid.UUID, ExerciseView] = {}
    wanted = list(dict.fromkeys(exercise_ids))
    for start in range(0, len(wanted), 500):  # bound the IN list (SQLite's variable limit)
        chunk = wanted[start : start + 500]
        rows = session.execute(sa.select(*_EXERCISES.columns).where(_EXERCISES.c.id.in_(chunk)))
        found.update((row.id, _view(row)) for row in rows)
    return found


def similar(
    session: Session, actor: Actor | None, exercise_id: uuid.UUID, *, limit: int = SIMILAR_LIMIT
) -> list[ExerciseView]:
    """Exercises to swap this one for: the same main muscle (as a main muscle of theirs) and the same
    equipment, the closest first (same category, mechanic, force, level), then by name."""
    base = get_exercise(session, actor, exercise_id)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.on("limit", f"Limit must be a whole number from 1 to {MAX_LIMIT}")
    e = _EXERCISES.c
    trains_it = sa.exists().where(
        _MUSCLES.c.exercise_id == e.id, _MUSCLES.c.muscle == base.main_muscle.value, _MUSCLES.c.is_primary
    )
    alike = [
        e.category == base.category.value,
        e.mechanic == (base.mechanic.value if base.mechanic else None),
        e.force == (base.force.value if base.force else None),
        e.level == base.level.value,
    ]
    closeness = sum((sa.case((same, 1), else_=0) for same in alike), sa.literal(0))
    statement = (
        sa.select(*_EXERCISES.columns)
        .where(e.id != base.id, e.equipment == base.equipment.value, trains_it)
        .order_by(closeness.desc(), e.name, e.id)
        .limit(limit)
    )
    return [_view(row) for row in session.execute(statement)]


# -- the staff's own exercises ------------------------------------------------------------------------


def _one(reader: FieldReader, field: str, label: str, enum: type[E], *, required: bool) -> E | None:
    value = reader.data.get(field)
    if value is None or value == "":
        if required:
            reader.fail(field, f"{label} is required")
        return None
    try:
        return enum(value.strip().lower()) if isinstance(value, str) else enum(value)
    except ValueError:
        reader.fail(field, f"{label} must be one of {', '.join(member.value for member in enum)}")
        return None


def _muscles(reader: FieldReader, field: str, label: str, *, most: int, required: bool) -> tuple[Muscle, ...]:
    value = reader.data.get(field)
    if value is None or value == [] or value == "":
        if required:
            reader.fail(field, f"{label}: choose at least one")
        return ()
    chosen = _many(reader, field, label, Muscle)
    if len(chosen) > most:
        reader.fail(field, f"{label}: choose at most {most}")
    return chosen


def _instructions(reader: FieldReader) -> str | None:
    """Free text with its line breaks kept (steps one per line), spaces at the ends of lines trimmed."""
    value = reader.data.get("instructions")
    if value is None:
        return None
    if not isinstance(value, str):
        reader.fail("instructions", "Instructions must be text")
        return None
    if not is_storable(value):
        reader.fail("instructions", UNSTORABLE_TEXT)
        return None
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    text = "\n".join(lines).strip()
    if len(text) > MAX_INSTRUCTIONS:
        reader.fail("instructions", f"Instructions must be at most {MAX_INSTRUCTIONS} characters")
        return None
    return text or None


def name_taken(existing_name: str, *, custom: bool) -> str:
    """Why a new exercise's name is refused: one of the gym's exercises, or the catalog's, has it."""
    if custom:
        return f'The gym already has an exercise called "{existing_name}"'
    return f'"{existing_name}" is already in the catalog: pick it from there'


def create_custom(session: Session, actor: Actor | None, data: Mapping[str, Any]) -> ExerciseView:
    """Add one of the gym's own exercises (name, level, category, equipment, primaryMuscles required;
    secondaryMuscles, mechanic, force, instructions optional); flushes, the caller commits.

    The name must differ from every other exercise's, the catalog's included, once case, accents,
    spacing and punctuation are set aside ("Landmine press" and "landmine-Press" are one name).
    """
    actor = require(actor, *ADD_EXERCISES)
    reader = FieldReader(data)
    name = reader.text("name", "Name", required=True, max_length=MAX_NAME_LENGTH)
    if name is not None and not words(name):
        reader.fail("name", "Name needs at least one letter or digit")
        name = None
    level = _one(reader, "level", "Level", Level, required=True)
    category = _one(reader, "category", "Category", Category, required=True)
    equipment = _one(reader, "equipment", "Equipment", Equipment, required=True)
    mechanic = _one(reader, "mechanic", "Mechanic", Mechanic, required=False)
    force = _one(reader, "force", "Force", Force, required=False)
    primary = _muscles(reader, "primaryMuscles", "Main muscles", most=MAX_PRIMARY_MUSCLES, required=True)
    secondary = _muscles(reader, "secondaryMuscles", "Secondary muscles", most=len(Muscle), required=False)
    if both := [m.value for m in secondary if m in primary]:
        reader.fail("secondaryMuscles", f"Already a main muscle: {', '.join(both)}")
    instructions = _instructions(reader)
    key = exercise_search_text(name) if name else ""
    if name:
        clash = session.execute(
            sa.select(_EXERCISES.c.name, _EXERCISES.c.is_custom)
            .where(_EXERCISES.c.search_name == key)
            .order_by(_EXERCISES.c.is_custom.desc())
            .limit(1)
        ).first()
        if clash is not None:
            reader.fail("name", name_taken(clash.name, custom=clash.is_custom))
    reader.raise_if_problems()
    assert name and level and category and equipment and primary
    exercise = Exercise(
        name=name,
        search_name=key,
        level=level.value,
        category=category.value,
        equipment=equipment.value,
        mechanic=mechanic.value if mechanic else None,
        force=force.value if force else None,
        primary_muscles=[m.value for m in primary],
        secondary_muscles=[m.value for m in secondary],
        instructions=instructions,
        is_custom=True,
        created_by=actor.user_id,
    )
    taken = name_taken(name, custom=True)
    with savepoint(session, Conflict(taken, details=[FieldProblem("name", taken)])):  # a race for the name
        session.add(exercise)
        session.flush()
        session.add_all(
            ExerciseMuscle(exercise_id=exercise.id, muscle=muscle, is_primary=is_primary)
            for muscle, is_primary in muscle_rows(exercise.primary_muscles, exercise.secondary_muscles)
        )
        session.flush()
    return get_exercise(session, actor, exercise.id)
