"""Helpers shared by the auth, gym, staff and API tests: accounts with a known password, a clock to move,
signing in and reading errors over HTTP."""

from __future__ import annotations

import itertools
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from thrust.auth.rbac import Actor
from thrust.auth.sessions import IssuedTokens
from thrust.core import security
from thrust.core.text import member_search_text
from thrust.models import Member, MembershipTier, MemberStatus, Role, User

PASSWORD = "Tr0ub4dor&Horse"
NEW_PASSWORD = "Correct-Staple-94"
_numbers = itertools.count(1)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_account(
    db: Session,
    role: Role = Role.MEMBER,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    active: bool = True,
    full_name: str | None = None,
) -> User:
    """A user with a real bcrypt hash of `password` (and a member profile for MEMBER)."""
    n = next(_numbers)
    user = User(
        email=email or f"{role.value.lower()}{n}@example.com",
        password_hash=security.hash_password(password),
        role=role,
        full_name=full_name or f"{role.value.title()} Number{n}",
        is_active=active,
    )
    db.add(user)
    db.flush()
    if role == Role.MEMBER:
        db.add(
            Member(
                user_id=user.id,
                full_name=user.full_name,
                membership_tier=MembershipTier.BASIC,
                membership_start=date(2026, 1, 1),
                membership_end=date(2026, 12, 31),
                status=MemberStatus.ACTIVE,
                search_text=member_search_text(user.full_name, user.email, None),
            )
        )
        db.flush()
    return user


def actor_of(tokens: IssuedTokens) -> Actor:
    user = tokens.user
    return Actor(user_id=user.id, email=user.email, role=Role(user.role), session_id=tokens.session_id)


# -- over HTTP ----------------------------------------------------------------------------------------


def api_login(client: TestClient, user: User, password: str = PASSWORD, **extra: object) -> dict:
    """Sign `user` in through /api/v1/auth/login; the response's data."""
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": password, **extra})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def bearer(client: TestClient, user: User) -> dict[str, str]:
    """Headers that call the API as `user`."""
    return {"Authorization": f"Bearer {api_login(client, user)['accessToken']}"}


def api_error(response: object, status: int, code: str) -> dict:
    """The error body of a refused call, checked for its status and code."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]  # a TestClient response, typed loosely here
    error = response.json()["error"]  # type: ignore[attr-defined]  # a TestClient response, typed loosely here
    assert error["code"] == code and error["requestId"]
    return error
