"""Members on the wire: camelCase JSON shapes for /api/v1/members (rules live in the service)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from thrust.auth.schemas import MAX_NAME_LENGTH
from thrust.core.schemas import (
    UUID_PATTERN,
    ApiModel,
    Day,
    Email,
    Flag,
    Id,
    Name,
    Pagination,
    PatchModel,
    Phone,
    Text,
    Whole,
)
from thrust.members.bulk import MAX_SELECTED
from thrust.members.directory import MemberPage
from thrust.members.search import MAX_EXPIRING_DAYS, MAX_QUERY_LENGTH
from thrust.members.service import GENDERS
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
    matched_inside: bool = Field(
        default=False,
        description="Found by the search's words inside a word of the member's (not at its start): "
        "these rows follow the others, shown as 'also matching inside names'.",
    )


class MemberPagination(Pagination):
    """The seed's pagination, extended (every field it had keeps its meaning): whether `total` is
    exact, and the cursor of the next page."""

    total_is_exact: bool = Field(
        default=True,
        description="False: `total` is an estimate (more than the exact-count limit match; ask "
        "`count=exact` for the exact number).",
    )
    next_cursor: str | None = Field(
        default=None, description="Pass as `after` (same sort and order) for the next page; null on the last."
    )

    @classmethod
    def of_member_page(cls, page: MemberPage) -> MemberPagination:
        base = Pagination.of_page(page)
        cursor = page.next_after.token() if page.next_after is not None else None
        return cls(**base.model_dump(), total_is_exact=page.total_is_exact, next_cursor=cursor)


class MemberListOut(ApiModel):
    data: list[MemberOut]
    pagination: MemberPagination


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


Gender = Literal[GENDERS]
FullName = Name(MAX_NAME_LENGTH, description="Full name.")
# The rules JSON Schema cannot state are in words; the service answers 400 naming the field.
BirthDay = Annotated[Day, Field(description="YYYY-MM-DD, giving an age of 5 to 110 years in the gym's today")]
EndDay = Annotated[Day, Field(description="YYYY-MM-DD, after membershipStart")]
TrainerId = Annotated[Id, Field(description="An active trainer's id")]


class MemberCreate(ApiModel):
    """A new member and their login (no usable password until one is set)."""

    full_name: FullName
    email: Email = Field(description="Not used by another account")
    phone: Phone | None = None
    date_of_birth: BirthDay | None = None
    gender: Gender | None = None
    membership_tier: MembershipTier = MembershipTier.BASIC
    membership_start: Day
    membership_end: EndDay
    status: MemberStatus = MemberStatus.ACTIVE
    assigned_trainer_id: TrainerId | None = None


class MemberUpdate(PatchModel):
    """The fields to change; null clears phone, dateOfBirth, gender and assignedTrainerId. A TRAINER may
    not send membershipTier, status or assignedTrainerId (403)."""

    # A default of None that the type refuses: left out means unchanged, null is refused.
    full_name: FullName = None
    email: Email = Field(default=None, description="Not used by another account")
    phone: Phone | None = None
    date_of_birth: BirthDay | None = None
    gender: Gender | None = None
    membership_tier: MembershipTier = None
    membership_start: Day = None
    membership_end: EndDay = None
    status: MemberStatus = None
    assigned_trainer_id: TrainerId | None = None


def _none_or_id(value: Any) -> Any:
    if value == "none" or isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or not UUID_PATTERN.match(value):
        raise PydanticCustomError("trainer", 'A trainer\'s id, or "none"')
    return uuid.UUID(value)


# A trainer's id, or "none" for members without a trainer.
TrainerFilter = Annotated[
    uuid.UUID | str,
    BeforeValidator(_none_or_id),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "uuid"}, {"type": "string", "const": "none"}],
            "description": 'A trainer\'s id, or "none" for members without one',
        }
    ),
]
Search = Text(MAX_QUERY_LENGTH, description="Words of a name, an email or phone digits.")
ExpiringWithin = Whole(0, MAX_EXPIRING_DAYS)


def _choices(enum: type[StrEnum]) -> Any:
    """Comma-separated values of an enum, e.g. "ACTIVE,FROZEN" (as in the list's query string)."""
    one = "|".join(member.value for member in enum)
    return Annotated[
        str,
        Field(pattern=f"^({one})(,({one}))*$", max_length=100, description=f"Comma-separated: {one}"),
    ]


class MemberFilterIn(ApiModel):
    """The directory's filters, as in the list's query string."""

    q: Search | None = None
    status: _choices(MemberStatus) | None = None
    tier: _choices(MembershipTier) | None = None
    trainer_id: TrainerFilter | None = None
    expiring_within_days: ExpiringWithin | None = None
    expired: Flag | None = None
    started_this_month: Flag | None = None


class BulkActionIn(ApiModel):
    """The members to change: `memberIds`, or `filter` for every member matching it (exactly one)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["memberIds"]}, {"required": ["filter"]}]}
    )

    action: Literal["activate", "deactivate", "freeze"]
    # A default of None that the type refuses: one of the two is left out, neither may be null.
    member_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_SELECTED)] = None
    filter: MemberFilterIn = Field(default=None, description="Instead of ids: every member matching")

    @model_validator(mode="after")
    def _one_target(self) -> BulkActionIn:
        if ("member_ids" in self.model_fields_set) == ("filter" in self.model_fields_set):
            raise PydanticCustomError("one_target", "Send either memberIds or filter")
        return self


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
