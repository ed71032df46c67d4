"""Reading a plan's or a template's fields from input (an API body, the planner's form): title and
document, each problem named by its field."""

from __future__ import annotations

from typing import Any

from thrust.core.errors import ValidationFailed
from thrust.core.validation import FieldReader
from thrust.planner.document import PlanDocument, parse_plan

MAX_TITLE = 120
PLAN_REQUIRED = "The plan itself (planData) is required"


def read_title(reader: FieldReader, *, required: bool) -> str | None:
    """The title; sent as null or blank it is required too (a plan always has one)."""
    title = reader.text("title", "Title", required=required or "title" in reader.data, max_length=MAX_TITLE)
    return title


def read_document(reader: FieldReader, *, required: bool) -> PlanDocument | None:
    """`planData`, checked; its problems join the reader's, named under "planData"."""
    raw: Any = reader.data.get("planData")
    if raw is None:
        if required or "planData" in reader.data:
            reader.fail("planData", PLAN_REQUIRED)
        return None
    try:
        return parse_plan(raw, at="planData")
    except ValidationFailed as exc:
        reader.problems.extend(exc.details)
        return None
