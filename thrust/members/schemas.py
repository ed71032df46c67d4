"""Members on the wire: camelCase JSON shapes for /api/v1/members (rules live in the service)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from thrust.core.schemas import ApiModel
from thrust.models import MembershipTier, MemberStatus


class MemberOut(ApiModel):
    """A directory row."""

    id: uuid.UUID
    full_name: str
    email: str
    phone: str | None
    membership_tier: MembershipTier
    status: MemberStatus
    membership_end: date
    membership_cue: str = Field(description="How a person reads the end date, e.g. 'expires in 5 days'.")
    days_left: int
    trainer_id: uuid.UUID | None
    trainer_name: str | None
    last_visit_at: datetime | None


class Pagination(ApiModel):
    total: int
    page: int
    limit: int
    total_pages: int


class MemberListOut(ApiModel):
    data: list[MemberOut]
    pagination: Pagination


class VisitOut(ApiModel):
    id: uuid.UUID
    check_in_time: datetime
    check_out_time: datetime | None
    minutes: int | None
    automatic: bool


class MemberDetailOut(ApiModel):
    """A member's profile, with what the viewer may do."""

    id: uuid.UUID
    full_name: str
    email: str
    phone: str | None
    date_of_birth: date | None
    gender: str | None
    membership_tier: MembershipTier
    membership_start: date
    membership_end: date
    membership_cue: str
    status: MemberStatus
    trainer_id: uuid.UUID | None
    trainer_name: str | None
    last_visit_at: datetime | None
    inside_now: bool
    visits_last_30_days: int
    average_visit_minutes: int | None
    visits: list[VisitOut]
    visits_total: int
    allowed_actions: list[str]


class MemberWrite(ApiModel):
    """Fields to create (all required ones) or change (any subset). Values are checked by the service."""

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    date_of_birth: str | None = Field(default=None, description="YYYY-MM-DD")
    gender: str | None = Field(default=None, description="male, female or other")
    membership_tier: str | None = Field(default=None, description="BASIC, PREMIUM or VIP")
    membership_start: str | None = Field(default=None, description="YYYY-MM-DD")
    membership_end: str | None = Field(default=None, description="YYYY-MM-DD, after the start")
    status: str | None = Field(default=None, description="ACTIVE, INACTIVE or FROZEN")
    assigned_trainer_id: str | None = None


class MemberFilterIn(ApiModel):
    """The directory's filters, as in the list's query string."""

    q: str | None = None
    status: str | None = None
    tier: str | None = None
    trainer_id: str | None = None
    expiring_within_days: int | None = None
    expired: bool | None = None


class BulkActionIn(ApiModel):
    action: Literal["activate", "deactivate", "freeze"]
    member_ids: list[str] | None = Field(default=None, max_length=1000)
    filter: MemberFilterIn | None = Field(default=None, description="Instead of ids: every member matching")


class BulkActionOut(ApiModel):
    updated: int


class ImportProblemOut(ApiModel):
    line: int
    field: str
    message: str


class ImportReportOut(ApiModel):
    total_rows: int
    ready: int
    rows_with_errors: int
    can_import: bool
    problems: list[ImportProblemOut]
    duplicate_emails: list[str]
    suggested_mapping: dict[str, str]
    imported: int = 0
