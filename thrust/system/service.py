"""Health of the pieces THRUST depends on: the database and its schema, and Redis when configured."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache

import redis
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from thrust.core.settings import PROJECT_ROOT, VERSION, SettingsError


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
    migrations: Check = field(default_factory=lambda: Check("disabled"))
    checks_ok: bool = field(init=False)

    def __post_init__(self) -> None:
        self.checks_ok = not self.failed

    @property
    def failed(self) -> list[str]:
        """The names of the checks that did not pass."""
        checks = {"database": self.database, "migrations": self.migrations, "redis": self.redis}
        return [name for name, check in checks.items() if check.status not in {"ok", "disabled"}]


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


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The newest migration(s) this code ships (read once: the code does not change while it runs)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check_migrations(engine: Engine) -> Check:
    """Whether the database's schema is the one this code expects (alembic at head)."""
    start = time.perf_counter()
    try:
        with engine.connect() as connection:
            current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError as exc:
        return Check("error", error=type(exc).__name__)
    if current != head_revisions():
        return Check("error", error="not at head: run the migrations (python -m thrust serve does)")
    return Check("ok", latency_ms=_timed(start))


def health(engine: Engine, redis_url: str | None) -> Health:
    """Probe every dependency once; never raises."""
    database = check_database(engine)
    migrations = check_migrations(engine) if database.status == "ok" else Check("error", error="no database")
    return Health(version=VERSION, database=database, redis=check_redis(redis_url), migrations=migrations)


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
