"""Brute-force limits on both backends: checked before any bcrypt, per address and per account."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from sqlmodel import Session

from tests.auth.helpers import PASSWORD, Clock
from tests.conftest import units_over
from thrust.auth import service
from thrust.auth.tokens import issue_device_token
from thrust.core.errors import Conflict, RateLimited, Unauthorized
from thrust.core.ratelimit import (
    InProcessBackend,
    Limit,
    RateLimiter,
    RedisBackend,
    get_rate_limiter,
)
from thrust.core.settings import get_settings
from thrust.models import User

MakeUser = Callable[..., User]


@pytest.fixture(params=["in-process", "redis"])
def backend_limiter(request: pytest.FixtureRequest, clock: Clock) -> Iterator[RateLimiter]:
    if request.param == "in-process":
        yield RateLimiter(InProcessBackend(clock))
        return
    client: redis.Redis = request.getfixturevalue("redis_client")
    yield RateLimiter(RedisBackend(client))


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every bcrypt check the login service makes."""
    calls: list[str] = []
    real = service.verify_password

    def counting(password: str, password_hash: str) -> bool:
        calls.append(password)
        return real(password, password_hash)

    monkeypatch.setattr(service, "verify_password", counting)
    return calls


def _login(db: Session, limiter: RateLimiter, email: str, password: str, ip: str = "203.0.113.7") -> object:
    return service.login(
        units_over(db), email=email, password=password, ip=ip, user_agent=None, limiter=limiter
    )


def test_five_failures_from_one_address_then_429_before_any_hashing(
    db: Session, make_user: MakeUser, backend_limiter: RateLimiter, verify_calls: list[str]
) -> None:
    user = make_user()
    for _ in range(5):
        with pytest.raises(Unauthorized):
            _login(db, backend_limiter, user.email, "Wrong-Password-1")
    assert len(verify_calls) == 5
    for password in ("Wrong-Password-1", PASSWORD):  # even the right password waits now
        with pytest.raises(RateLimited) as exc:
            _login(db, backend_limiter, user.email, password)
        assert exc.value.code == "RATE_LIMIT_EXCEEDED" and exc.value.status == 429
        assert 14 * 60 < exc.value.retry_after <= 15 * 60
        assert "Try again in 15 minutes" in exc.value.message
    assert len(verify_calls) == 5  # no bcrypt ran for the refused attempts
    # Another address is not affected.
    assert _login(db, backend_limiter, user.email, PASSWORD, ip="198.51.100.9")


def test_successes_do_not_count(db: Session, make_user: MakeUser, backend_limiter: RateLimiter) -> None:
    user = make_user()
    for _ in range(4):
        with pytest.raises(Unauthorized):
            _login(db, backend_limiter, user.email, "Wrong-Password-1")
    for _ in range(6):
        _login(db, backend_limiter, user.email, PASSWORD)
    with pytest.raises(Unauthorized):
        _login(db, backend_limiter, user.email, "Wrong-Password-1")
    with pytest.raises(RateLimited):
        _login(db, backend_limiter, user.email, PASSWORD)


def test_unknown_emails_count_like_known_ones(
    db: Session, backend_limiter: RateLimiter, verify_calls: list[str]
) -> None:
    for n in range(5):
        with pytest.raises(Unauthorized):
            _login(db, backend_limiter, f"nobody{n}@example.com", PASSWORD)
    with pytest.raises(RateLimited):
        _login(db, backend_limiter, "nobody@example.com", PASSWORD)
    assert len(verify_calls) == 5


def test_at_most_100_failures_per_hour_per_account_from_any_address(
    db: Session, make_user: MakeUser, backend_limiter: RateLimiter, verify_calls: list[str]
) -> None:
    user = make_user()
    for n in range(100):
        with pytest.raises(Unauthorized):
            _login(db, backend_limiter, user.email, "Wrong-Password-1", ip=f"10.9.{n // 4}.{n % 4}")
    with pytest.raises(RateLimited) as exc:
        _login(db, backend_limiter, user.email.upper(), PASSWORD, ip="192.0.2.200")
    assert "for this account" in exc.value.message
    assert 59 * 60 < exc.value.retry_after <= 60 * 60
    assert len(verify_calls) == 100


def _exhaust_account(db: Session, limiter: RateLimiter, email: str) -> None:
    for n in range(100):  # from many addresses, four each (under the per-address limit)
        with pytest.raises(Unauthorized):
            _login(db, limiter, email, "Wrong-Password-1", ip=f"10.8.{n // 4}.{n % 4 + 1}")


def _device_login(db: Session, limiter: RateLimiter, user: User, token: str | None, ip: str) -> object:
    return service.login(
        units_over(db),
        email=user.email,
        password=PASSWORD,
        ip=ip,
        user_agent=None,
        device_token=token,
        limiter=limiter,
    )


def test_a_browser_that_signed_in_before_is_not_held_to_the_account_limit(
    db: Session, make_user: MakeUser, backend_limiter: RateLimiter
) -> None:
    owner, other = make_user(), make_user()
    device = issue_device_token(user_id=owner.id, password_hash=owner.password_hash)
    _exhaust_account(db, backend_limiter, owner.email)
    refused = {
        "no device token": None,
        "another account's": issue_device_token(user_id=other.id, password_hash=other.password_hash),
        "an older password's": issue_device_token(user_id=owner.id, password_hash=other.password_hash),
        "a forged one": device[:-6] + "AAAAAA",
        "an access token": _login(db, backend_limiter, other.email, PASSWORD).access_token,  # type: ignore[attr-defined]  # _login is typed loosely (object); it returns IssuedTokens
    }
    for what, token in refused.items():
        with pytest.raises(RateLimited) as exc:
            _device_login(db, backend_limiter, owner, token, ip="192.0.2.10")
        assert "for this account" in exc.value.message, what
    assert _device_login(db, backend_limiter, owner, device, ip="192.0.2.10")
    # The owner's address is still limited.
    for _ in range(5):
        with pytest.raises(Unauthorized):
            service.login(
                units_over(db),
                email=owner.email,
                password="Wrong-Password-1",
                ip="192.0.2.10",
                user_agent=None,
                device_token=device,
                limiter=backend_limiter,
            )
    with pytest.raises(RateLimited) as exc:
        _device_login(db, backend_limiter, owner, device, ip="192.0.2.10")
    assert "from your network" in exc.value.message


def test_ipv6_addresses_of_one_64_share_a_limit(
    db: Session, make_user: MakeUser, backend_limiter: RateLimiter
) -> None:
    user = make_user()
    for n in range(1, 6):
        with pytest.raises(Unauthorized):
            _login(db, backend_limiter, user.email, "Wrong-Password-1", ip=f"2001:db8:7:9::{n:x}")
    with pytest.raises(RateLimited):
        _login(db, backend_limiter, user.email, PASSWORD, ip="2001:db8:7:9:ffff:ffff:ffff:ffff")
    assert _login(db, backend_limiter, user.email, PASSWORD, ip="2001:db8:7:a::1")  # the next /64
    assert _login(db, backend_limiter, user.email, PASSWORD, ip="::ffff:198.51.100.3")  # an IPv4 client


def test_signups_count_against_the_address_before_the_email_is_looked_up(
    db: Session, make_user: MakeUser, backend_limiter: RateLimiter
) -> None:
    taken = make_user().email

    def signup(email: str) -> object:
        return service.signup(
            units_over(db),
            email=email,
            password=PASSWORD,
            full_name="Probe Person",
            ip="203.0.113.50",
            user_agent=None,
            limiter=backend_limiter,
        )

    for _ in range(20):
        with pytest.raises(Conflict):
            signup(taken)
    for email in (taken, "free@example.com"):
        with pytest.raises(RateLimited) as exc:
            signup(email)
        assert "sign-up attempts" in exc.value.message


def test_the_window_ends(db: Session, make_user: MakeUser, clock: Clock) -> None:
    limiter = RateLimiter(InProcessBackend(clock))
    user = make_user()
    for _ in range(5):
        with pytest.raises(Unauthorized):
            _login(db, limiter, user.email, "Wrong-Password-1")
    clock.advance(10 * 60)
    with pytest.raises(RateLimited) as exc:
        _login(db, limiter, user.email, PASSWORD)
    assert exc.value.retry_after == 5 * 60 and "5 minutes" in exc.value.message
    clock.advance(5 * 60)
    assert _login(db, limiter, user.email, PASSWORD)


def test_the_window_ends_in_redis(redis_client: redis.Redis) -> None:
    limiter = RateLimiter(RedisBackend(redis_client))
    short = Limit("test-short", max_attempts=2, window_seconds=0.3)
    for _ in range(2):
        with limiter.attempt((short, "k")) as attempt:
            attempt.charge()
    with pytest.raises(RateLimited):
        limiter.attempt((short, "k"))
    time.sleep(0.4)
    limiter.attempt((short, "k")).__exit__(None, None, None)
    assert all(key.startswith(b"thrust:rl:") for key in redis_client.keys("*"))


def test_parallel_attempts_cannot_outrun_the_limit(backend_limiter: RateLimiter) -> None:
    # Five attempts in flight (bcrypt still running) fill the budget: a sixth is refused at once.
    limit = Limit("test-burst", max_attempts=5, window_seconds=60)
    running = [backend_limiter.attempt((limit, "1.2.3.4")) for _ in range(5)]
    with pytest.raises(RateLimited) as exc:
        backend_limiter.attempt((limit, "1.2.3.4"))
    assert exc.value.retry_after == 1 and "at once" in exc.value.message
    for attempt in running[:2]:
        attempt.__exit__(None, None, None)  # two succeeded: they free their places
    backend_limiter.attempt((limit, "1.2.3.4"))


def test_threads_racing_get_no_more_than_the_limit(backend_limiter: RateLimiter) -> None:
    limit = Limit("test-race", max_attempts=5, window_seconds=60)
    admitted: list[int] = []
    barrier = threading.Barrier(20)

    def guess(n: int) -> None:
        barrier.wait()
        try:
            with backend_limiter.attempt((limit, "attacker")) as attempt:
                time.sleep(0.05)  # "bcrypt"
                attempt.charge()
                admitted.append(n)
        except RateLimited:
            pass

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= len(admitted) <= 5


def test_a_redis_outage_falls_back_to_this_process() -> None:
    broken = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    limiter = RateLimiter(RedisBackend(broken), fallback=InProcessBackend())
    limit = Limit("test-fallback", max_attempts=1, window_seconds=60)
    with limiter.attempt((limit, "x")) as attempt:
        attempt.charge()
    with pytest.raises(RateLimited):
        limiter.attempt((limit, "x"))


def test_the_backend_follows_the_settings(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    assert isinstance(get_rate_limiter().backend, InProcessBackend)
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    try:
        assert isinstance(get_rate_limiter().backend, RedisBackend)
    finally:
        monkeypatch.delenv("REDIS_URL")
        get_settings.cache_clear()
