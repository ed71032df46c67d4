"""Health of the pieces THRUST depends on: the database, and Redis when configured."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from thrust.core.settings import VERSION, SettingsError


@dataclass
class Check:
    status: str  # "ok", "error" or "disabled"
    latency_ms: float | None = None
    error: str | None = None


@dataclass
class Health:
    version: str
    database: Check
    redis: Check
    checks_ok: bool = field(init=False)

    def __post_init__(self) -> None:
        self.checks_ok = self.database.status == "ok" and self.redis.status in {"ok", "disabled"}


def _timed(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def check_database(engine: Engine) -> Check:
    start = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return Check("error", error=type(exc).__name__)
    return Check("ok", latency_ms=_timed(start))


def check_redis(redis_url: str | None, *, timeout: float = 2.0) -> Check:
    if not redis_url:
        return Check("disabled")
    start = time.perf_counter()
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as exc:
        return Check("error", error=type(exc).__name__)
    finally:
        client.close()
    return Check("ok", latency_ms=_timed(start))


def health(engine: Engine, redis_url: str | None) -> Health:
    """Probe every dependency once; never raises."""
    return Health(version=VERSION, database=check_database(engine), redis=check_redis(redis_url))


def require_reachable(engine: Engine, redis_url: str | None) -> None:
    """Start-up gate: raise SettingsError naming the variable whose target cannot be reached."""
    from thrust.core.db import check_database as connect_or_fail

    connect_or_fail(engine)
    if redis_url:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise SettingsError("REDIS_URL", f"cannot connect to {_redacted(redis_url)}: {exc}") from None
        finally:
            client.close()


def _redacted(url: str) -> str:
    # redis://user:secret@host -> redis://user:***@host
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
