"""Request and response bodies of /api/v1/auth, /settings/profile, /settings/password and /staff."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from thrust.core.schemas import ApiModel
from thrust.models import Role

# Generous outer bounds against oversized bodies; the services give the precise, friendly messages.
_EMAIL = Field(max_length=320)
_PASSWORD = Field(max_length=1024)
_NAME = Field(max_length=500)
_PHONE = Field(default=None, max_length=64)


class LoginIn(ApiModel):
    email: str = _EMAIL
    password: str = _PASSWORD
    use_cookies: bool = Field(
        default=False, description="Set HttpOnly cookies instead of returning the tokens (browsers)."
    )


class SignupIn(LoginIn):
    full_name: str = _NAME
    phone: str | None = _PHONE


class RefreshIn(ApiModel):
    refresh_token: str | None = Field(
        default=None, max_length=4096, description="Omit to use the refresh cookie instead."
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


class ProfileIn(ApiModel):
    full_name: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=64, description='null or "" clears it.')
    email: str | None = Field(default=None, max_length=320)


class PasswordIn(ApiModel):
    current_password: str = _PASSWORD
    new_password: str = _PASSWORD


class StaffOut(ApiModel):
    id: uuid.UUID
    email: str
    role: Role
    full_name: str
    phone: str | None
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class StaffIn(ApiModel):
    email: str = _EMAIL
    password: str = _PASSWORD
    full_name: str = _NAME
    role: Role = Role.TRAINER


class StaffPatch(ApiModel):
    role: Role | None = None
    is_active: bool | None = None
