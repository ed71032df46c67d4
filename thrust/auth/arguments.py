"""Event handler arguments, which arrive from the client untyped: read each with the checker for its kind.

`text_arg`, `int_arg`, `bool_arg`, `uuid_arg`, `choice_arg` and `form_values` return the value or raise
`BadArgument`; a handler guarded by `@requires` (thrust/auth/guard.py) turns that into a toast and
changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from thrust.core.validation import UNSTORABLE_TEXT, is_storable


class BadArgument(ValueError):
    """A handler argument of the wrong type, too big, or nested: the call is refused."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def text_arg(value: object, name: str, *, max_length: int = 200, storable: bool = True) -> str:
    """A string argument of at most `max_length` characters (not stripped: the service does that).

    Text that cannot be stored (NUL, an unpaired surrogate) is refused here, before it reaches the
    state (whose updates could not be sent) or a query; a form passes `storable=False` and lets the
    service name the field next to the input instead.
    """
    if not isinstance(value, str):
        raise BadArgument(name, "must be text")
    if len(value) > max_length:
        raise BadArgument(name, f"must be at most {max_length} characters")
    if storable and not is_storable(value):
        raise BadArgument(name, UNSTORABLE_TEXT[0].lower() + UNSTORABLE_TEXT[1:])
    return value


def int_arg(value: object, name: str, *, minimum: int = -(2**31), maximum: int = 2**31 - 1) -> int:
    """An integer argument (a bool is not an integer here) within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadArgument(name, "must be a whole number")
    if not minimum <= value <= maximum:
        raise BadArgument(name, f"must be between {minimum} and {maximum}")
    return value


def bool_arg(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise BadArgument(name, "must be true or false")
    return value


def uuid_arg(value: object, name: str) -> uuid.UUID:
    text = text_arg(value, name, max_length=36)
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BadArgument(name, "must be an id") from None


def choice_arg(value: object, name: str, choices: Iterable[str]) -> str:
    allowed = tuple(choices)
    text = text_arg(value, name, max_length=max((len(c) for c in allowed), default=0))
    if text not in allowed:
        raise BadArgument(name, "is not one of the allowed values")
    return text


MAX_FORM_KEYS = 64


def form_values(form_data: object, limits: Mapping[str, int]) -> dict[str, str]:
    """The named text fields of a submitted form, each at most its limit; absent fields read as "".

    Refuses anything but a flat dict of strings (no lists, dicts or numbers anywhere in it), and
    ignores keys it was not asked for. A null reads as absent: Reflex reports a control the page did
    not show (one inside an `rx.cond`) as null.
    """
    if not isinstance(form_data, dict):
        raise BadArgument("form", "must be a form")
    if len(form_data) > MAX_FORM_KEYS:
        raise BadArgument("form", "has too many fields")
    for key, value in form_data.items():
        if not isinstance(key, str) or not (isinstance(value, str) or value is None):
            raise BadArgument("form", "fields must be text")
    # The services check each field (storable text included) and name the field in their answer.
    return {
        field: text_arg(form_data.get(field) or "", field, max_length=limit, storable=False)
        for field, limit in limits.items()
    }
