"""REST API shapes: camelCase bodies (`memberId`), the error JSON, field types enforced as documented."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from thrust.core.paging import Page, page_count
from thrust.core.validation import (
    EMAIL_MESSAGE,
    NOT_BLANK_PATTERN,
    PHONE_MAX_LENGTH,
    PHONE_MESSAGE,
    PHONE_PATTERN,
    SPACE_CHARACTERS,
    STORABLE_PATTERN,
    UNSTORABLE_TEXT,
    email_address,
    is_storable,
)

T = TypeVar("T")


class ApiModel(BaseModel):
    """Every request and response body: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        extra="forbid",
    )


def _patch_schema(schema: dict[str, Any]) -> None:
    schema["minProperties"] = 1
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None:  # "left out" is not a value a client could send
            del prop["default"]


class PatchModel(ApiModel):
    """A partial update: fields left out stay as they are, at least one must be sent, none may be null
    unless its type says so."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _patch_schema(schema))

    @model_validator(mode="before")
    @classmethod
    def _something(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data:
            raise PydanticCustomError("empty_patch", "Send at least one field")
        return data


class Data(ApiModel, Generic[T]):
    """The seed's success envelope: `{"data": ...}`."""

    data: T


class Pagination(ApiModel):
    """The seed's `pagination` beside a list's `data`."""

    total: int
    page: int
    limit: int
    total_pages: int

    @classmethod
    def of(cls, total: int, page: int, limit: int) -> Pagination:
        """The pagination of page `page` of `total` rows, `limit` a page (at least one page, even empty)."""
        return cls(total=total, page=page, limit=limit, total_pages=page_count(total, limit))

    @classmethod
    def of_page(cls, page: Page[Any]) -> Pagination:
        """The pagination of a page a service returned."""
        return cls.of(page.total, page.page, page.limit)


# -- the error body ---------------------------------------------------------------------------------


class ErrorDetail(ApiModel):
    field: str = Field(description="The camelCase name of the field (or `body`)")
    message: str


class ErrorBody(ApiModel):
    code: str = Field(
        description="VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, "
        "RATE_LIMIT_EXCEEDED, METHOD_NOT_ALLOWED, INTERNAL_ERROR, ..."
    )
    message: str
    details: list[ErrorDetail] = Field(default_factory=list, description="Present for field problems")
    request_id: str = Field(description="Quote it when reporting a problem (also the X-Request-ID header)")


class ErrorOut(ApiModel):
    """The seed's error JSON: `{"error": {"code", "message", "details"?, "requestId"}}`."""

    error: ErrorBody


# -- request field types ------------------------------------------------------------------------------
# Each type documents its rule in the OpenAPI schema and enforces that same rule on the raw value, so a
# request the document calls valid is accepted and one it calls invalid is refused (422, field message).


def _storable(value: Any) -> Any:
    # Before pydantic's own str check, which refuses an unpaired surrogate with a message of its own.
    if isinstance(value, str) and not is_storable(value):
        raise PydanticCustomError("unstorable_text", UNSTORABLE_TEXT)
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank_text", "Must not be empty or only spaces")
    return value


def _email(value: str) -> str:
    if email_address(value) is None:
        raise PydanticCustomError("email", EMAIL_MESSAGE)
    return value


def _phone(value: str) -> str:
    if value and not re.match(PHONE_PATTERN, value):
        raise PydanticCustomError("phone", PHONE_MESSAGE)
    return value


_UNSTORABLE_NOTE = "No NUL and no unpaired surrogate characters."


def _described(description: str, *notes: str) -> str:
    return " ".join(part for part in (description, *notes) if part)


def Text(max_length: int, *, description: str = "") -> Any:
    """Free text of at most `max_length` characters that can be stored."""
    text = _described(description, _UNSTORABLE_NOTE)
    return Annotated[
        str,
        Field(max_length=max_length),
        BeforeValidator(_storable),
        WithJsonSchema(
            {"type": "string", "maxLength": max_length, "pattern": STORABLE_PATTERN, "description": text}
        ),
    ]


def Name(max_length: int, *, description: str = "") -> Any:
    """Required text: at most `max_length` characters, not blank, storable."""
    text = _described(description, "Not blank.", _UNSTORABLE_NOTE)
    return Annotated[
        str,
        Field(max_length=max_length),
        BeforeValidator(_storable),
        AfterValidator(_not_blank),
        WithJsonSchema(
            {
                "type": "string",
                "minLength": 1,
                "maxLength": max_length,
                "pattern": NOT_BLANK_PATTERN,
                "description": text,
            }
        ),
    ]


def Trimmed(min_length: int, max_length: int, *, description: str = "", empty: bool = False) -> Any:
    """Text of `min_length` to `max_length` characters with no spaces at either end, storable;
    with `empty`, "" is allowed too (it means "none")."""
    edge = f"[^\\x00{SPACE_CHARACTERS}]"
    text: dict[str, Any] = {
        "type": "string",
        "minLength": min_length,
        "maxLength": max_length,
        "pattern": f"^{edge}(?:[^\\x00]*{edge})?$",
    }
    described = _described(description, "No spaces at either end.", _UNSTORABLE_NOTE)

    def check(value: str) -> str:
        if empty and value == "":
            return value
        if not min_length <= len(value) <= max_length:
            raise PydanticCustomError("length", f"Give {min_length} to {max_length} characters")
        if value != value.strip():
            raise PydanticCustomError("untrimmed_text", "Must not start or end with spaces")
        return value

    schema = {"anyOf": [text, {"type": "string", "const": ""}]} if empty else text
    return Annotated[
        str,
        BeforeValidator(_storable),
        AfterValidator(check),
        WithJsonSchema({**schema, "description": described}),
    ]


Phone = Annotated[
    str,
    Field(max_length=PHONE_MAX_LENGTH),
    BeforeValidator(_storable),
    AfterValidator(_phone),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": PHONE_MAX_LENGTH, "pattern": PHONE_PATTERN},
                {"type": "string", "const": ""},
            ],
            "description": '7 to 15 digits; a leading +, spaces and ( ) - . / between them; "" for none',
        }
    ),
]


def _whole(value: Any) -> Any:
    # JSON Schema's integer is any number without a fraction (3.0 too); text and true/false are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Must be a whole number")
    return value


def Whole(minimum: int, maximum: int) -> Any:
    """A whole number from `minimum` to `maximum` in a JSON body."""
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_whole)]


Flag = Annotated[bool, Field(strict=True)]
"""true or false in a JSON body (not 0, 1 or "yes")."""

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _id(value: Any) -> Any:
    if isinstance(value, str) and not UUID_PATTERN.match(value):
        raise PydanticCustomError("uuid", "Not a valid id (a UUID like 3f2b8c1e-...)")
    return value


Id = Annotated[uuid.UUID, BeforeValidator(_id), WithJsonSchema({"type": "string", "format": "uuid"})]
"""An id in its canonical UUID form, 8-4-4-4-12 hex digits."""

MAX_EMAIL_LENGTH = 254
Email = Annotated[
    str,
    Field(max_length=MAX_EMAIL_LENGTH),
    BeforeValidator(_storable),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": MAX_EMAIL_LENGTH}),
]

# RFC 3339 as JSON Schema's `date-time` and `date` formats mean it: an offset is required.
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _moment(value: object) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise PydanticCustomError(
            "date_time", "Give a date and time with its zone, e.g. 2026-02-08T10:30:00Z"
        )
    text = value.upper()
    if text.startswith("0000-"):  # RFC 3339 has a year 0, Python's calendar does not
        return datetime.min.replace(tzinfo=UTC)
    if "." in text:  # Python reads at most 6 fractional digits
        head, _, tail = text.partition(".")
        digits = re.match(r"\d+", tail)
        assert digits is not None
        text = f"{head}.{digits.group()[:6].ljust(6, '0')}{tail[digits.end() :]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("date_time", "Not a real date and time") from None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # Year 1 or 9999 shifted past the calendar's ends: as a bound it means "the beginning/end of time".
        return datetime.min.replace(tzinfo=UTC) if moment.year == 1 else datetime.max.replace(tzinfo=UTC)


def _day(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise PydanticCustomError("date", "Give a date like 2026-01-31")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date", "Not a real date") from None


Moment = Annotated[
    datetime, BeforeValidator(_moment), WithJsonSchema({"type": "string", "format": "date-time"})
]
"""An instant in RFC 3339 form with its offset, e.g. 2026-02-08T10:30:00Z (read as UTC)."""

Day = Annotated[date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]
"""A calendar date, YYYY-MM-DD."""
