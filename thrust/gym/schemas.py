"""Request and response bodies of /api/v1/settings/gym."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from thrust.core.schemas import ApiModel


class GymOut(ApiModel):
    name: str
    max_capacity: int
    timezone: str
    auto_checkout_hours: int
    opening_hours: dict[str, list[str] | None]
    updated_at: datetime


class GymPatch(ApiModel):
    name: str | None = Field(default=None, max_length=500)
    max_capacity: int | None = None
    timezone: str | None = Field(default=None, max_length=100)
    auto_checkout_hours: int | None = None
    opening_hours: dict[str, list[str] | None] | None = Field(
        default=None, description='{"mon": ["05:30", "23:00"], ..., "sun": null}; days left out keep theirs.'
    )
