"""Request and response bodies of /api/v1/auth, /settings/profile and /settings/password."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from thrust.auth.passwords import MIN_LENGTH, shape_problems
from thrust.auth.service import MAX_NAME_LENGTH
from thrust.core.schemas import ApiModel, Email, Flag, Name, PatchModel, Phone, Text
from thrust.core.security import BCRYPT_MAX_BYTES
from thrust.models import Role

# The password rules as the document states them: 8+ characters with an upper-case letter, a digit and
# a character that is neither (in any order); "not a common password" and "at most 72 bytes" are
# rules of words (400 from the service).
_U, _D, _S = "[A-Z]", "[0-9]", "[^A-Za-z0-9\\x00]"
_ANY = "[^\\x00]*"
_ORDERS = ((_U, _D, _S), (_U, _S, _D), (_D, _U, _S), (_D, _S, _U), (_S, _U, _D), (_S, _D, _U))
PASSWORD_PATTERN = f"^{_ANY}(?:" + "|".join(_ANY.join(order) for order in _ORDERS) + f"){_ANY}$"


def _password_shape(value: str) -> str:
    problems = shape_problems(value)
    if problems:
        raise PydanticCustomError("password", problems[0])
    return value


NewPassword = Annotated[
    Text(BCRYPT_MAX_BYTES),
    AfterValidator(_password_shape),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": MIN_LENGTH,
            "maxLength": BCRYPT_MAX_BYTES,
            "pattern": PASSWORD_PATTERN,
            "description": f"At least {MIN_LENGTH} characters and at most {BCRYPT_MAX_BYTES} bytes, with "
            "an upper-case letter, a digit and a special character; not a common password.",
        }
    ),
]
# Signing in takes whatever was typed: a wrong password is a 401, never a rule.
AnyPassword = Text(1024)
FullName = Name(MAX_NAME_LENGTH, description="Full name.")


class LoginIn(ApiModel):
    email: Text(320)
    password: AnyPassword
    use_cookies: Flag = Field(
        default=False,
        description="Set HttpOnly cookies instead of returning the tokens (browsers, from a trusted Origin).",
    )


class SignupIn(ApiModel):
    email: Email
    password: NewPassword
    full_name: FullName
    phone: Phone | None = None
    use_cookies: Flag = Field(
        default=False,
        description="Set HttpOnly cookies instead of returning the tokens (browsers, from a trusted Origin).",
    )


class RefreshIn(ApiModel):
    refresh_token: Text(4096) | None = Field(
        default=None, description="Omit to use the refresh cookie instead."
    )


class UserOut(ApiModel):
    id: uuid.UUID
    email: str
    role: Role
    full_name: str
    phone: str | None


class AuthOut(ApiModel):
    """The signed-in user and, unless cookies were asked for, the tokens."""

    user: UserOut
    access_token: str | None = Field(default=None, description="Omitted in cookie mode.")
    refresh_token: str | None = Field(default=None, description="Omitted in cookie mode.")
    expires_in: int = Field(description="Seconds until the access token expires.")


class ProfileIn(PatchModel):
    """Send at least one field; the others stay as they are."""

    # A default of None that the type refuses: left out means unchanged, null is refused.
    full_name: FullName = None
    phone: Phone | None = Field(default=None, description='null or "" clears it.')
    email: Email = None


class PasswordIn(ApiModel):
    current_password: AnyPassword
    new_password: NewPassword
