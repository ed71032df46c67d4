"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, in a rolled-back transaction."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from thrust.core import security
from thrust.core.db import UnitsOfWork, build_engine, set_engine
from thrust.core.http import get_session, get_session_factory
from thrust.core.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.server"]
PG_ADMIN_URL = os.environ.get("THRUST_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("THRUST_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ENGINES = ("sqlite", "postgresql")

# "Today" in a test is the gym's day, and test gyms keep UTC's date (UTC itself, or the afternoon zone
# tests/server.py picks): the test process reads the clock in UTC whatever the machine's zone. The app
# never reads local time; the servers the tests start keep the machine's zone to show it.
os.environ.setdefault("THRUST_TEST_MACHINE_TZ", os.environ.get("TZ", ""))
os.environ["TZ"] = "UTC"
time.tzset()

# Tests never read the developer's environment or touch ./data: each run gets its own data folder.
for _name in list(os.environ):
    if (_name.startswith("THRUST_") and not _name.startswith("THRUST_TEST_")) or _name in {
        "DATABASE_URL",
        "REDIS_URL",
        "JWT_SECRET",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    }:
        del os.environ[_name]
os.environ["THRUST_DATA_DIR"] = tempfile.mkdtemp(prefix="thrust-test-data-")
# bcrypt while a unit of work of the same request or thread holds a transaction fails the test (in
# production it is logged): see thrust/core/security.py.
security.RAISE_INSIDE_TRANSACTION = True


def alembic_config(connection: object | None = None) -> Config:
    """Alembic's config for this repo, optionally bound to an open connection."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


class Databases:
    """Creates throwaway databases for one test run and drops them at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def new_url(self, kind: str) -> str:
        name = f"thrust_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if kind == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.db')}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("db"))
    try:
        with dbs.admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # a missing PostgreSQL must fail the run, never skip it
        pytest.exit(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}", returncode=3)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """A migrated database of each kind, shared by the session's tests."""
    url = databases.new_url(request.param)
    eng = build_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose every commit is rolled back when the test ends."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


def units_over(session: Session) -> UnitsOfWork:
    """A unit-of-work factory whose every unit is `session` (for use cases that open their own)."""

    @contextmanager
    def scope(**_options: object) -> Iterator[Session]:
        yield session
        session.flush()

    return scope


@pytest.fixture
def units(db: Session) -> UnitsOfWork:
    """The unit-of-work factory for use cases that open their own, over the test's transaction."""
    return units_over(db)


@pytest.fixture
def fresh_engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """An empty, unmigrated database of the kind given by indirect parametrisation (default both)."""
    kind = getattr(request, "param", "sqlite")
    eng = build_engine(databases.new_url(kind))
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.exit(f"Redis is not reachable at {REDIS_TEST_URL}: {exc}", returncode=3)
    finally:
        client.close()
    return REDIS_TEST_URL


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    """A client on the test database (15), emptied before and after each test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(autouse=True)
def _fresh_auth_memory() -> Iterator[None]:
    """Every test starts with no in-process login counts and no cached session checks."""
    from thrust.auth.sessions import clear_session_cache
    from thrust.core.ratelimit import reset_in_process_limits

    reset_in_process_limits()
    clear_session_cache()
    yield
    reset_in_process_limits()
    clear_session_cache()


@pytest.fixture
def make_client(engine: Engine, db: Session) -> Iterator[object]:
    """Build a TestClient for an API app, with its sessions bound to the test's transaction."""
    clients: list[TestClient] = []
    set_engine(engine)
    get_settings.cache_clear()

    def make(api: FastAPI) -> TestClient:
        def _session() -> Iterator[Session]:
            yield db
            db.flush()

        @contextmanager
        def _scope(**_options: object) -> Iterator[Session]:
            yield db
            db.flush()

        api.dependency_overrides[get_session] = _session
        api.dependency_overrides[get_session_factory] = lambda: _scope
        client = TestClient(api, raise_server_exceptions=False)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    set_engine(None)
    get_settings.cache_clear()
