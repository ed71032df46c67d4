"""Check-ins on the wire: camelCase JSON shapes for /api/v1/check-ins."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import AliasChoices, Field

from thrust.checkins.service import OVERRIDE_REASON_LENGTH
from thrust.core.schemas import ApiModel, Id, Pagination, Trimmed


class CapacityOut(ApiModel):
    current: int
    max: int


class CapacityMeta(ApiModel):
    capacity: CapacityOut


class CheckInIn(ApiModel):
    member_id: Id
    override_reason: Trimmed(*OVERRIDE_REASON_LENGTH, empty=True) | None = Field(
        default=None,
        description='ADMIN only: let the member in past capacity for this reason ("" or null: none)',
    )


class CheckOutIn(ApiModel):
    """Nothing is needed to check out; the body may be empty."""


class VisitOut(ApiModel):
    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str | None = None
    check_in_time: datetime
    check_out_time: datetime | None
    auto_checked_out: bool = False
    override_reason: str | None = None


class VisitWithCapacityOut(ApiModel):
    data: VisitOut
    meta: CapacityMeta


class VisitListOut(ApiModel):
    data: list[VisitOut]
    pagination: Pagination


class CurrentOut(ApiModel):
    current: int
    max: int
    percent: int


class OwnVisitOut(ApiModel):
    id: uuid.UUID
    check_in_time: datetime
    check_out_time: datetime | None = Field(description="null while still inside")
    minutes: int | None = Field(description="The visit's length in whole minutes; null while still inside")
    # read off the visit view's `automatic` (the members API's name for the same flag)
    auto_checked_out: bool = Field(validation_alias=AliasChoices("automatic", "auto_checked_out"))


class MonthOfVisitsOut(ApiModel):
    from_: date = Field(alias="from", description="The month's first day, in the gym's calendar")
    to: date = Field(description="The month's last day")
    count: int = Field(description="Visits begun this month")
    minutes: int = Field(description="The finished visits' time, in whole minutes")
    visits: list[OwnVisitOut] = Field(description="Newest first (at most 100)")
