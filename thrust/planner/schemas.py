"""Workout plans on the wire: camelCase JSON shapes for /api/v1/workout-plans and its templates.

The plan document (`planData`) and a day's logged exercises are taken as JSON and checked by the
service (thrust/planner/document.py), so every door answers with the same messages at the same JSON
paths (400, "planData.weeks[1].days[0].exercises[2].sets"); the document here describes them with the
same rules as a JSON Schema, and states in words the few it cannot."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from thrust.core.schemas import ApiModel, Day, Flag, Id, Name, PatchModel, Whole
from thrust.members.schemas import Pagination
from thrust.planner.document import (
    DAYS_IN_WEEK,
    MAX_EXERCISES_PER_DAY,
    MAX_WEEKS,
    LoggedExercise,
    PlanDocument,
)
from thrust.planner.fields import MAX_TITLE
from thrust.planner.versioning import MAX_VERSION

# -- the document's JSON Schema ------------------------------------------------------------------------


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            return _inline(copy.deepcopy(definitions[reference.removeprefix("#/$defs/")]), definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, definitions) for value in node]
    return node


def inline_schema(model: type[BaseModel], description: str) -> dict[str, Any]:
    """The model's JSON Schema with its parts written in place: one self-contained schema any body can
    embed, whatever components the OpenAPI document has."""
    schema = model.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})
    inlined: dict[str, Any] = _inline(schema, definitions)
    inlined["description"] = description
    return inlined


PLAN_DOCUMENT_SCHEMA = inline_schema(
    PlanDocument,
    "The seed's plan JSON. Rules stated in words: weeks are numbered 1, 2, ... in order; a day number "
    "appears once in its week; each end of a rep range is 1-100, low to high; rest given as text is at "
    "most 600 seconds.",
)
LOGGED_EXERCISE_SCHEMA = inline_schema(
    LoggedExercise, "What was done of one of the day's exercises (its position in the day, from 0)."
)

PlanData = Annotated[dict[str, Any], WithJsonSchema(PLAN_DOCUMENT_SCHEMA)]
Title = Name(MAX_TITLE, description="The plan's title.")
Version = Annotated[Whole(1, MAX_VERSION), Field(description="The version you opened (see `version`)")]


def _needs_version(*fields: str) -> Callable[[dict[str, Any]], None]:
    """A partial update's schema, saying that a change of any of `fields` names the version it started
    from (the service answers 400 naming `version` without it)."""

    def extra(schema: dict[str, Any]) -> None:
        patch = cast(Callable[[dict[str, Any]], None], PatchModel.model_config["json_schema_extra"])
        patch(schema)
        schema["dependentRequired"] = {field: ["version"] for field in fields}

    return extra


# -- plans ------------------------------------------------------------------------------------------------


class PlanSummaryOut(ApiModel):
    """A plan without its document."""

    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    title: str
    is_active: bool = Field(description="A member has at most one active plan")
    is_ai_generated: bool
    awaiting_approval: bool = Field(
        description="A generated plan its member does not see until staff who edit plans approve it "
        "(POST .../approve, or activating it): the gym's aiRequiresApproval setting"
    )
    version: int = Field(description="Counts saved changes; send it back with a change (409 if stale)")
    starts_on: date | None = Field(description="The gym's date of week 1, day 1")
    created_by: uuid.UUID
    author_name: str | None
    created_at: datetime
    updated_at: datetime


class PlanListOut(ApiModel):
    data: list[PlanSummaryOut]
    pagination: Pagination


class LoggedExerciseOut(ApiModel):
    exercise_index: int
    exercise_name: str = Field(description="The plan's name for it when it was logged")
    exercise_id: str | None = None
    actual_sets: int | None = None
    actual_reps: int | None = None
    load_kg: float | None = None
    notes: str | None = None


class DayProgressOut(ApiModel):
    week_number: int
    day_number: int
    completed: bool
    completed_at: datetime | None
    exercises: list[LoggedExerciseOut]


class WeekCompletionOut(ApiModel):
    week_number: int
    planned_days: int
    completed_days: int


class CompletionOut(ApiModel):
    """Days done of the plan's days; `dueDays`: those up to the gym's today since `startsOn`."""

    weeks: list[WeekCompletionOut]
    planned_days: int
    completed_days: int
    percent: int | None = Field(description="completedDays of plannedDays, 0-100")
    due_days: int | None
    completed_due_days: int | None
    adherence_percent: int | None = Field(description="completedDueDays of dueDays, 0-100")


class PlanOut(PlanSummaryOut):
    """A plan with its document, progress, completion and what the caller may do with it."""

    plan_data: PlanData
    input_params: dict[str, Any] | None = Field(description="What an AI-generated plan was asked for")
    generation: dict[str, Any] | None = Field(
        description="How the AI planner made it: provider, model, promptVersion, tokens, costUsd, repairs, "
        "notice and the checker's report; null for a plan written by hand"
    )
    progress: list[DayProgressOut]
    completion: CompletionOut
    allowed_actions: list[str] = Field(
        description="edit, delete, activate or deactivate, approve (while it awaits approval), recordProgress"
    )


class PlanCreate(ApiModel):
    """A plan for a member the caller may see; active (the default), it replaces their active plan."""

    member_id: Id
    title: Title
    plan_data: PlanData
    is_active: Flag = True
    starts_on: Day | None = Field(default=None, description="Default: the day it is activated")


class PlanUpdate(PatchModel):
    """The fields to change. `version` (the one you opened) must come with title, planData or startsOn;
    a plan saved by someone else since is not overwritten (409). isActive true deactivates the member's
    other active plan; null startsOn clears it."""

    model_config = ConfigDict(json_schema_extra=_needs_version("title", "planData", "startsOn"))

    # A default of None that the type refuses: left out means unchanged, null is refused.
    version: Version = None
    title: Title = None
    plan_data: PlanData = None
    starts_on: Day | None = None
    is_active: Flag = None


class ProgressIn(ApiModel):
    """A day of the plan done (or not), with what was done of its exercises. Sent twice, it leaves one
    record; `exercises` left out keeps those recorded before. The day must be one the plan has, and
    each exercise index one of that day's (400 naming weekNumber/dayNumber or exercises[i])."""

    week_number: Whole(1, MAX_WEEKS)
    day_number: Whole(1, DAYS_IN_WEEK)
    completed: Flag = True
    exercises: Annotated[
        list[dict[str, Any]] | None,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "array", "maxItems": MAX_EXERCISES_PER_DAY, "items": LOGGED_EXERCISE_SCHEMA},
                    {"type": "null"},
                ]
            }
        ),
    ] = None


class ProgressOut(ApiModel):
    day: DayProgressOut
    completion: CompletionOut


class CopyWeekIn(ApiModel):
    """Copy week `weekNumber` over the week after it (or add that week): a versioned save."""

    week_number: Whole(1, MAX_WEEKS - 1)
    version: Version


# -- templates --------------------------------------------------------------------------------------------


class TemplateSummaryOut(ApiModel):
    id: uuid.UUID
    title: str
    version: int
    created_by: uuid.UUID | None
    author_name: str | None
    created_at: datetime
    updated_at: datetime


class TemplateListOut(ApiModel):
    data: list[TemplateSummaryOut]
    pagination: Pagination


class TemplateOut(TemplateSummaryOut):
    plan_data: PlanData
    allowed_actions: list[str] = Field(description="edit, delete (its author or an admin), assign")


class TemplateCreate(ApiModel):
    """A template: a plan's document not tied to a member."""

    title: Title
    plan_data: PlanData


class TemplateUpdate(PatchModel):
    """The fields to change, with the `version` you opened (409 if someone saved since)."""

    model_config = ConfigDict(json_schema_extra=_needs_version("title", "planData"))

    version: Version = None
    title: Title = None
    plan_data: PlanData = None


class AssignIn(ApiModel):
    """A plan for a member (one the caller may see) copied from the template."""

    member_id: Id
    title: Title | None = Field(default=None, description="Default: the template's title")
    is_active: Flag = True
    starts_on: Day | None = None
