"""Reading untrusted input field by field, collecting every problem with a message a person understands."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email

from thrust.core.errors import Conflict, FieldProblem, ValidationFailed

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

MAX_TEXT = 2_000  # no free-text field of ours is longer; anything bigger is an attack or an accident

# -- text that can be stored ---------------------------------------------------------------------------
# PostgreSQL refuses NUL in text, and an unpaired surrogate (which JSON's "\\ud800" escape and a
# browser's JavaScript can produce) cannot be encoded as UTF-8 by any database or JSON encoder. Every
# door refuses them with this message: the API's request models, the services' field readers and the
# socket handlers' argument checks.
UNSTORABLE_TEXT = "Contains a character that cannot be stored (a NUL or an unpaired surrogate)"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The same rule as a JSON Schema pattern, for the OpenAPI document (JSON Schema's regular expressions
# cannot name surrogates, so the document states those in words).
STORABLE_PATTERN = "^[^\\x00]*$"
# Characters `str.split()` and `str.strip()` treat as white space (so a "required" name is not blank).
SPACE_CHARACTERS = (
    "\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK_PATTERN = f"^[^\\x00]*[^\\x00{SPACE_CHARACTERS}][^\\x00]*$"

# A phone number: an optional +, then 7 to 15 digits with spaces, ( ) - . / between them.
_PHONE_SEPARATORS = " ()\\-./"
PHONE_PATTERN = f"^\\+?[{_PHONE_SEPARATORS}]*(?:[0-9][{_PHONE_SEPARATORS}]*){{7,15}}$"
PHONE_MAX_LENGTH = 32
PHONE_MESSAGE = "Enter a phone number of 7 to 15 digits, like +1 555 123 4567"
_PHONE = re.compile(PHONE_PATTERN)


def is_storable(text: str) -> bool:
    """False when the text holds a NUL or an unpaired surrogate (neither can be stored or sent back)."""
    return _UNSTORABLE.search(text) is None


def unstorable_fields(values: Mapping[str, object]) -> list[FieldProblem]:
    """One problem per field whose text cannot be stored (fields named as the API and the forms name them)."""
    return [
        FieldProblem(field, UNSTORABLE_TEXT)
        for field, value in values.items()
        if isinstance(value, str) and not is_storable(value)
    ]


def require_storable(values: Mapping[str, object]) -> None:
    """Raise ValidationFailed naming every field whose text cannot be stored."""
    problems = unstorable_fields(values)
    if problems:
        raise ValidationFailed(details=problems)


EMAIL_MESSAGE = "Enter a valid email address, like name@example.com"
# One wording wherever an address turns out to be someone else's login (signup, profile, members, CLI).
EMAIL_TAKEN = "An account with this email already exists"


def email_taken() -> Conflict:
    """The refusal of an address that is someone else's login, named at the `email` field."""
    return Conflict(EMAIL_TAKEN, details=[FieldProblem("email", EMAIL_TAKEN)])


def email_address(value: str) -> str | None:
    """The stored form of an email address (validated without DNS, lower-cased), or None if invalid."""
    try:
        # test_environment: "name@host.test" is a valid address too (no DNS is asked either way).
        checked = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return checked.normalized.lower()


def phone_problem(phone: str) -> str | None:
    """Why a (space-collapsed) phone number is refused, or None."""
    if len(phone) > PHONE_MAX_LENGTH or not _PHONE.match(phone):
        return PHONE_MESSAGE
    return None


def search_too_long(max_length: int) -> str:
    return f"Search must be text of at most {max_length} characters"


class FieldReader:
    """Reads fields from a mapping (an API body, a form, a CSV row) and remembers what was wrong.

    Each reader returns None when the field is absent or invalid; call `raise_if_problems()` once at
    the end so the user sees every problem at once. Field names are the camelCase names of the API,
    which the UI's form inputs use too.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[FieldProblem] = []

    # -- bookkeeping -------------------------------------------------------------------------------

    def has(self, field: str) -> bool:
        return field in self.data

    def fail(self, field: str, message: str) -> None:
        if not any(p.field == field for p in self.problems):  # the first problem of a field is enough
            self.problems.append(FieldProblem(field, message))

    def raise_if_problems(self) -> None:
        if self.problems:
            raise ValidationFailed(details=list(self.problems))

    def _raw(self, field: str) -> Any:
        value = self.data.get(field)
        if isinstance(value, str):
            if not is_storable(value):
                self.fail(field, UNSTORABLE_TEXT)
                return None
            value = value.strip()
            return value or None
        return value

    def _given(self, field: str, label: str, required: bool) -> Any:
        """The field's value, or None when it is absent or blank (a problem if it is `required`)."""
        value = self._raw(field)
        if value is None and required:
            self.fail(field, f"{label} is required")
        return value

    def _parsed(
        self, field: str, value: Any, kind: type[T], parse: Callable[[str], T], message: str, *, longest: int
    ) -> T | None:
        """`value` if it is a `kind` already, else what `parse` makes of its text (at most `longest`
        characters); `message` if neither."""
        if isinstance(value, kind):
            return value
        if isinstance(value, str) and len(value) <= longest:
            try:
                return parse(value)
            except ValueError:
                pass
        self.fail(field, message)
        return None

    # -- typed readers -----------------------------------------------------------------------------

    def text(self, field: str, label: str, *, required: bool = False, max_length: int = 120) -> str | None:
        value = self._given(field, label, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(field, f"{label} must be text")
            return None
        value = " ".join(value.split())
        if len(value) > min(max_length, MAX_TEXT):
            self.fail(field, f"{label} must be at most {max_length} characters")
            return None
        return value

    def email(self, field: str = "email", *, required: bool = False) -> str | None:
        value = self.text(field, "Email", required=required, max_length=254)
        if value is None:
            return None
        address = email_address(value)
        if address is None:
            self.fail(field, EMAIL_MESSAGE)
        return address

    def phone(self, field: str = "phone", *, required: bool = False) -> str | None:
        value = self.text(field, "Phone", required=required, max_length=PHONE_MAX_LENGTH)
        if value is None:
            return None
        problem = phone_problem(value)
        if problem is not None:
            self.fail(field, problem)
            return None
        return value

    def day(self, field: str, label: str, *, required: bool = False) -> date | None:
        value = self._given(field, label, required)
        if value is None:
            return None
        message = f"{label} must be a date like 2026-01-31"
        return self._parsed(field, value, date, date.fromisoformat, message, longest=10)

    def choice(self, field: str, label: str, enum: type[E], *, required: bool = False) -> E | None:
        value = self._given(field, label, required)
        if value is None:
            return None
        message = f"{label} must be one of {', '.join(member.value for member in enum)}"
        return self._parsed(field, value, enum, lambda text: enum(text.upper()), message, longest=MAX_TEXT)

    def identifier(self, field: str, label: str, *, required: bool = False) -> uuid.UUID | None:
        value = self._given(field, label, required)
        if value is None:
            return None
        return self._parsed(field, value, uuid.UUID, uuid.UUID, f"{label} is not a valid id", longest=40)

    def integer(
        self, field: str, label: str, *, minimum: int, maximum: int, required: bool = False
    ) -> int | None:
        value = self._given(field, label, required)
        if value is None:
            return None
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value):
            value = int(value)
        if not isinstance(value, int) or not minimum <= value <= maximum:
            self.fail(field, f"{label} must be a whole number from {minimum} to {maximum}")
            return None
        return value

    def search(self, field: str, *, max_length: int) -> str:
        """What a search box sends, trimmed; "" when it is absent or not usable (a problem then)."""
        value = self.data.get(field) or ""
        if not isinstance(value, str) or len(value) > max_length:
            self.fail(field, search_too_long(max_length))
            return ""
        if not is_storable(value):
            self.fail(field, UNSTORABLE_TEXT)
            return ""
        return value.strip()

    def paging(self, *, max_page: int, max_limit: int, default_limit: int) -> tuple[int, int]:
        """A list's `page` (from 1) and `limit` (rows a page): 1 and `default_limit` when absent."""
        page = self.integer("page", "Page", minimum=1, maximum=max_page) or 1
        limit = self.integer("limit", "Limit", minimum=1, maximum=max_limit) or default_limit
        return page, limit

    def flag(self, field: str, label: str) -> bool | None:
        value = self._raw(field)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
            return value.lower() in {"true", "1", "yes", "on"}
        self.fail(field, f"{label} must be true or false")
        return None
