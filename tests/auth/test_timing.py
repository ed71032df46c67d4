"""No user enumeration by timing: an unknown email, or an account with no password yet, costs what a wrong
password costs (real 12 rounds)."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session

from tests.auth.helpers import make_account
from tests.conftest import units_over
from thrust.auth import service
from thrust.core import security
from thrust.core.errors import Unauthorized
from thrust.core.ratelimit import InProcessBackend, RateLimiter


@pytest.mark.slow
def test_unknown_email_no_password_and_wrong_password_take_similar_time(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "BCRYPT_ROUNDS", 12)  # the production cost
    user = make_account(db, email="real@example.com")
    imported = make_account(db, email="imported@example.com")
    imported.password_hash = security.UNUSABLE_PASSWORD  # created by an admin or an import
    db.flush()
    limiter = RateLimiter(InProcessBackend())

    def timed(email: str, n: int) -> float:
        started = time.perf_counter()
        with pytest.raises(Unauthorized):
            service.login(
                units_over(db),
                email=email,
                password="Wrong-Password-1",
                ip=f"10.7.0.{n}",
                user_agent=None,
                limiter=limiter,
            )
        return time.perf_counter() - started

    timed("warm-up@example.com", 0)  # builds the dummy hash once
    known: list[float] = []
    unknown: list[float] = []
    no_password: list[float] = []
    for n in range(1, 7):  # interleaved, and the fastest of each: other load on the machine only adds time
        known.append(timed(user.email, n))
        unknown.append(timed(f"nobody{n}@example.com", n + 10))
        no_password.append(timed(imported.email, n + 20))
    assert min(known) > 0.05  # really bcrypt at 12 rounds, not the tests' fast setting
    assert 0.6 < min(unknown) / min(known) < 1.6, (known, unknown)
    assert 0.6 < min(no_password) / min(known) < 1.6, (known, no_password)
