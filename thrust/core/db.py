"""The database engine and unit-of-work sessions, the same for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

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
        # pysqlite's own transaction handling defers BEGIN; we emit it ourselves so that a writing unit
        # of work can start with `BEGIN IMMEDIATE` and a reading one cannot write (see session_scope).
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "begin", _postgresql_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


# Execution option naming the kind of unit of work a connection serves: READ or WRITE (unset: neither,
# e.g. migrations and the tests' own sessions, which begin a plain deferred transaction).
UNIT_OPTION = "thrust_unit"
READ, WRITE = "read", "write"


def _sqlite_on_begin(connection: Any) -> None:
    unit = connection.get_execution_options().get(UNIT_OPTION)
    # A reading unit is a deferred transaction that can never take the write lock: with query_only
    # set, a write in it fails at once instead of queueing behind (or blocking) every writer.
    query_only = unit == READ
    if connection.info.get("query_only", False) != query_only:  # info lives with the DBAPI connection
        connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if query_only else 'OFF'}")
        connection.info["query_only"] = query_only
    connection.exec_driver_sql("BEGIN IMMEDIATE" if unit == WRITE else "BEGIN")


def _postgresql_on_begin(connection: Any) -> None:
    # The same promise as on SQLite: a reading unit of work refuses any write.
    if connection.get_execution_options().get(UNIT_OPTION) == READ:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")


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


# The units of work open in this context (a request, a worker thread): what `in_open_transaction`
# looks at. A list object, so that contexts copied from one holder (a request's dependencies and its
# route, each run in a thread pool) all see the same units; see `tracking_units`.
_open_units: ContextVar[list[Session] | None] = ContextVar("thrust_open_units", default=None)

# What a use case that opens its own units of work receives (session_scope, or a test's stand-in).
UnitsOfWork = Callable[..., AbstractContextManager[Session]]


@contextmanager
def session_scope(*, read_only: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close.

    Writing units (the default) take SQLite's write lock when they begin (`BEGIN IMMEDIATE`): a
    transaction that reads and then writes would otherwise fail with "database is locked" whenever
    another writer committed in between (busy_timeout cannot help there). They are short, so they
    simply queue. Reading units (`read_only=True`: page loads, GET routes, exports) begin a plain
    deferred transaction that never takes or waits for the write lock, and refuse any write
    (SQLite `query_only`, PostgreSQL `READ ONLY`). Nothing slow (bcrypt) may run inside either.
    """
    session = Session(_unit_engine(get_engine(), read_only), expire_on_commit=False)
    session.info["read_only"] = read_only
    units = _open_units.get()
    if units is None:
        units = []
        _open_units.set(units)
    units.append(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        units.remove(session)
        session.close()


@contextmanager
def savepoint(session: Session, on_conflict: Exception) -> Iterator[None]:
    """Write inside a savepoint; a unique index or constraint the writes break raises `on_conflict`.

    Where two requests race for the same unique value, the loser gets a domain error (a 409, a field
    message) while its unit of work stays usable: only the savepoint rolls back.
    """
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        raise on_conflict from None


@lru_cache(maxsize=8)
def _unit_engine(engine: Engine, read_only: bool) -> Engine:
    return engine.execution_options(**{UNIT_OPTION: READ if read_only else WRITE})


def select_columns(*columns: Any) -> Any:
    """`select()` of any number of model columns, for rows of plain values (no ORM objects): sqlmodel
    types `select(a, b, ...)` for at most four columns; unpacked, any number type-checks."""
    return select(*(col(column) for column in columns))


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (`Session.execute` is typed to return a plain Result;
    for those statements it is a CursorResult)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def is_read_only(session: Session) -> bool:
    """True inside a reading unit of work (which refuses writes)."""
    return bool(session.info.get("read_only", False))


def in_open_transaction() -> bool:
    """True while a unit of work of this context (see `tracking_units`) has a transaction open."""
    return any(session.in_transaction() for session in list(_open_units.get() or ()))


@contextmanager
def tracking_units() -> Iterator[None]:
    """Share one list of open units of work with every context copied from here (a request's)."""
    token = _open_units.set([])
    try:
        yield
    finally:
        _open_units.reset(token)


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
