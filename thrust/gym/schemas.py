"""Request and response bodies of /api/v1/settings/gym."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from thrust.core.schemas import ApiModel, Flag, Name, PatchModel, Whole
from thrust.gym.service import (
    AI_BUDGET_RANGE,
    AUTO_CHECKOUT_RANGE,
    CAPACITY_RANGE,
    DAYS,
    MAX_NAME_LENGTH,
    timezone_names,
    valid_timezone,
)


class GymOut(ApiModel):
    name: str
    max_capacity: int
    timezone: str
    auto_checkout_hours: int
    opening_hours: dict[str, list[str] | None]
    public_occupancy: bool = Field(description="Whether /busy and /api/v1/public/occupancy answer")
    ai_requires_approval: bool = Field(
        description="Whether a member sees an AI-generated plan only once a trainer approved it"
    )
    ai_monthly_budget_usd: float | None = Field(
        description="Estimated AI model cost a calendar month (USD) after which the built-in planner "
        "answers; null: no budget"
    )
    updated_at: datetime


_HHMM = "^([01][0-9]|2[0-3]):[0-5][0-9]$"
Clock = Annotated[str, Field(pattern=_HHMM, description="HH:MM, 00:00 to 23:59")]
# Opening and closing time; the opening must come first (a rule of words: 400 otherwise).
Span = Annotated[list[Clock], Field(min_length=2, max_length=2)]


def _timezone(value: str) -> str:
    if not valid_timezone(value):
        raise PydanticCustomError("timezone", "Choose a valid time zone, e.g. Europe/Berlin")
    return value


Timezone = Annotated[
    str,
    Field(max_length=64),
    AfterValidator(_timezone),
    WithJsonSchema({"type": "string", "enum": list(timezone_names()), "description": "An IANA time zone"}),
]


class OpeningHours(ApiModel):
    """Days left out keep their hours; null closes the day. Each span's opening comes before its closing."""

    mon: Span | None = None
    tue: Span | None = None
    wed: Span | None = None
    thu: Span | None = None
    fri: Span | None = None
    sat: Span | None = None
    sun: Span | None = None


assert tuple(OpeningHours.model_fields) == DAYS


# true/false and numbers only: "25" and true are refused, as the service refuses them.
Budget = Annotated[
    float, Field(ge=AI_BUDGET_RANGE[0], le=AI_BUDGET_RANGE[1], strict=True, allow_inf_nan=False)
]


class GymPatch(PatchModel):
    """Change only the fields sent (null is refused: every setting has a value, except the AI budget,
    where null means no budget)."""

    name: Name(MAX_NAME_LENGTH, description="The gym's name.") = None
    max_capacity: Whole(*CAPACITY_RANGE) = None
    timezone: Timezone = None
    auto_checkout_hours: Whole(*AUTO_CHECKOUT_RANGE) = None
    opening_hours: OpeningHours = None
    public_occupancy: Flag = Field(
        default=None, description="Tell anyone how busy the gym is: the public page /busy and its API."
    )
    ai_requires_approval: Flag = Field(
        default=None,
        description="A member sees an AI-generated plan only once a trainer approved it.",
    )
    ai_monthly_budget_usd: Budget | None = Field(
        default=None,
        description="Estimated AI model cost a calendar month (USD, kept to the cent) after which the "
        "built-in planner answers instead of the model; null removes the budget.",
    )
