"""Request and response bodies of /api/v1/staff."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from thrust.auth.schemas import FullName, NewPassword
from thrust.core.schemas import ApiModel, Email, Flag, PatchModel
from thrust.models import Role


class StaffOut(ApiModel):
    id: uuid.UUID
    email: str
    role: Role
    full_name: str
    phone: str | None
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


StaffRole = Literal[Role.ADMIN, Role.TRAINER]


class StaffIn(ApiModel):
    email: Email
    password: NewPassword
    full_name: FullName
    role: StaffRole = Role.TRAINER


class StaffPatch(PatchModel):
    """Send role, isActive or both."""

    role: StaffRole = None
    is_active: Flag = None
