"""Auth fixtures: fast bcrypt, accounts of each role, an in-process limiter on a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

from tests.auth.helpers import Clock, make_account
from thrust.auth.sessions import IssuedTokens, start_session
from thrust.core import security
from thrust.core.ratelimit import InProcessBackend, RateLimiter
from thrust.models import User


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """4 bcrypt rounds instead of 12: the same rules, a much faster suite."""
    monkeypatch.setattr(security, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock: Clock) -> RateLimiter:
    return RateLimiter(InProcessBackend(clock))


@pytest.fixture
def make_user(db: Session) -> Callable[..., User]:
    def make(*args: object, **kwargs: object) -> User:
        return make_account(db, *args, **kwargs)  # type: ignore[arg-type]  # the arguments pass through unchanged

    return make


@pytest.fixture
def sign_in(db: Session) -> Callable[[User], IssuedTokens]:
    def start(user: User) -> IssuedTokens:
        return start_session(db, user, user_agent="pytest", ip="10.0.0.1")

    return start
