"""Reading a plan's or a template's fields from input (an API body, the planner's form): title and
document, each problem named by its field, and every exercise it names found in the catalog."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from thrust.core.errors import FieldProblem, ValidationFailed
from thrust.core.validation import FieldReader
from thrust.models import Exercise, table_of
from thrust.planner.document import PlanDocument, parse_plan, stored

MAX_TITLE = 120
PLAN_REQUIRED = "The plan itself (planData) is required"
NOT_IN_CATALOG = "This exercise is not in the catalog (it may have been removed)"


def read_title(reader: FieldReader, *, required: bool) -> str | None:
    """The title; sent as null or blank it is required too (a plan always has one)."""
    title = reader.text("title", "Title", required=required or "title" in reader.data, max_length=MAX_TITLE)
    return title


def read_document(reader: FieldReader, session: Session, *, required: bool) -> PlanDocument | None:
    """`planData`, checked, with every `exerciseId` it holds found in the catalog; its problems join the
    reader's, named under "planData"."""
    raw: Any = reader.data.get("planData")
    if raw is None:
        if required or "planData" in reader.data:
            reader.fail("planData", PLAN_REQUIRED)
        return None
    try:
        document = parse_plan(raw, at="planData")
    except ValidationFailed as exc:
        reader.problems.extend(exc.details)
        return None
    unknown = exercises_not_in_catalog(session, document, at="planData")
    reader.problems.extend(unknown)
    return None if unknown else document


def read_changes(reader: FieldReader, session: Session) -> dict[str, Any]:
    """The `title` and `planData` an update sends, as the columns to change (none sent: empty); their
    problems join the reader's."""
    title = read_title(reader, required=False)
    document = read_document(reader, session, required=False)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = title
    if document is not None:
        changes["plan_data"] = stored(document)
    return changes


def exercises_not_in_catalog(session: Session, document: PlanDocument, *, at: str) -> list[FieldProblem]:
    """A problem for each exercise whose `exerciseId` names no exercise of the catalog (one query)."""
    places: dict[str, uuid.UUID] = {}
    for w, week in enumerate(document.weeks):
        for d, day in enumerate(week.days):
            for e, exercise in enumerate(day.exercises):
                if exercise.exercise_id is not None:
                    places[f"{at}.weeks[{w}].days[{d}].exercises[{e}].exerciseId"] = uuid.UUID(
                        exercise.exercise_id
                    )
    if not places:
        return []
    table = table_of(Exercise)
    found = set(session.execute(sa.select(table.c.id).where(table.c.id.in_(set(places.values())))).scalars())
    return [FieldProblem(path, NOT_IN_CATALOG) for path, named in places.items() if named not in found]
