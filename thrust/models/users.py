"""Accounts and their sessions: who may sign in, in which role, and each signed-in device."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import UTCDateTime
from thrust.models.columns import created, db_enum, flag, foreign_key, updated


class Role(StrEnum):
    """What a user account may do (the seed's RBAC table)."""

    ADMIN = "ADMIN"
    TRAINER = "TRAINER"
    MEMBER = "MEMBER"


class User(SQLModel, table=True):
    """A login: staff (ADMIN, TRAINER) or a member's own account."""

    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(
        sa_column=sa.Column(sa.String(254), nullable=False, unique=True),
        description="Lower-cased login email, unique.",
    )
    password_hash: str = Field(
        sa_column=sa.Column(sa.String(100), nullable=False),
        description="bcrypt hash; '!' means no usable password has been set yet.",
    )
    role: Role = Field(
        default=Role.MEMBER,
        sa_column=sa.Column(db_enum(Role, "role"), nullable=False, server_default=Role.MEMBER.value),
    )
    full_name: str = Field(
        default="",
        sa_column=sa.Column(sa.String(120), nullable=False, server_default=""),
        description="Display name (staff; members also carry it on their member profile).",
    )
    phone: str | None = Field(default=None, sa_column=sa.Column(sa.String(32), nullable=True))
    is_active: bool = flag(True, "False once an admin deactivates the account: it can no longer sign in.")
    is_demo: bool = flag(
        False, "Created by the demo seed (its trainers and members, not its admin): removable as one."
    )
    last_login_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    password_changed_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = created()
    updated_at: datetime = updated()


class AuthSession(SQLModel, table=True):
    """One signed-in device: the family of rotating refresh tokens, revocable as a whole."""

    __tablename__ = "auth_sessions"
    __table_args__ = (sa.Index("auth_sessions_user_id_idx", "user_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = foreign_key("users.id", ondelete="CASCADE")
    current_token_id: uuid.UUID = Field(
        default_factory=uuid.uuid4,
        sa_column=sa.Column(sa.Uuid(), nullable=False),
        description="tokenId of the only refresh token of this family still usable.",
    )
    user_agent: str | None = Field(default=None, sa_column=sa.Column(sa.String(300), nullable=True))
    ip_address: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    last_used_at: datetime = created()
    revoked_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    revoked_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(40), nullable=True))
    created_at: datetime = created()
