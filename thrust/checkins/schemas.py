"""Check-ins on the wire: camelCase JSON shapes for /api/v1/check-ins."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from thrust.checkins.service import OVERRIDE_REASON_LENGTH
from thrust.core.schemas import ApiModel, Id, Trimmed


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


class Pagination(ApiModel):
    total: int
    page: int
    limit: int
    total_pages: int


class VisitListOut(ApiModel):
    data: list[VisitOut]
    pagination: Pagination


class CurrentOut(ApiModel):
    current: int
    max: int
    percent: int
