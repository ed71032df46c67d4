"""The database engine and unit-of-work sessions, the same for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from thrust.core.settings import SettingsError, get_settings

_engine: Engine | None = None


def build_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine tuned for the backend the URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            # Reflex handlers and FastAPI routes reach the DB from worker threads.
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        # pysqlite's own transaction handling defers BEGIN; we emit it ourselves so that a unit of
        # work can start with `BEGIN IMMEDIATE` (see session_scope).
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


SQLITE_BEGIN_OPTION = "thrust_sqlite_begin"


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "BEGIN"))


def get_engine() -> Engine:
    """The process-wide engine, created on first use from the settings."""
    global _engine
    if _engine is None:
        _engine = build_engine(get_settings().db_url)
    return _engine


def set_engine(engine: Engine | None) -> None:
    """Replace the process-wide engine (tests point it at their own database)."""
    global _engine
    _engine = engine


@contextmanager
def session_scope(*, read_only: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close.

    On SQLite a unit of work takes the write lock when it begins (`BEGIN IMMEDIATE`): a transaction
    that reads and then writes would otherwise fail with "database is locked" whenever another
    writer committed in between (busy_timeout cannot help there). Units of work are short, so they
    simply queue. `read_only=True` (long streamed reads such as an export) begins a plain reader
    that never blocks anyone. PostgreSQL ignores the option.
    """
    engine = get_engine()
    if not read_only and engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def check_database(engine: Engine | None = None) -> None:
    """Connect once and run a trivial query; raise SettingsError naming DATABASE_URL if it fails."""
    engine = engine or get_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        where = engine.url.render_as_string(hide_password=True)
        raise SettingsError("DATABASE_URL", f"cannot connect to {where}: {reason}") from None


def schema_filter(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object`: ignore objects the models declare for another engine only."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        # `.ddl_if(dialect=...)` on an Index is stored as `_ddl_if`; alembic does not read it itself.
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect is None or ddl_if.dialect == dialect

    return include
