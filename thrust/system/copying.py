"""Copy every THRUST row from one database into another, on either engine, at any schema revision.

Backup, restore and move-to all come down to one step: bring an empty target to the source's schema
revision, copy the rows table by table, check the counts, then migrate the target to head. It runs in
one transaction on the target (both engines have transactional DDL), so a failure leaves the target as
it was. Rows travel through SQLAlchemy with the models' column types, which is what makes them portable
between SQLite and PostgreSQL (UUIDs, UTC times, JSON documents, enums).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError as AlembicError
from psycopg.types.json import Jsonb
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Integer,
    MetaData,
    Row,
    Table,
    delete,
    false,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy import table as named_table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import NULLTYPE
from sqlmodel import SQLModel

import thrust.models  # noqa: F401  (registers every table on SQLModel.metadata)
from thrust.core.errors import Conflict, DomainError
from thrust.core.settings import PROJECT_ROOT

VERSION_TABLE = "alembic_version"
BACKUP_INFO_TABLE = "thrust_backup"  # what a backup file says about itself (see thrust/system/backup.py)
BOOKKEEPING = frozenset({VERSION_TABLE, BACKUP_INFO_TABLE})
# The database derives these rows itself, with triggers, from the rows copied (a member's search words,
# migration 0014): copying them too would collide with what the triggers wrote.
DERIVED = frozenset({"member_search_words"})
TRIGGER_FUNCTIONS = ("member_search_words_added", "member_search_words_changed")  # PostgreSQL, 0014
# Migrations write these rows themselves (the gym's default settings, the shipped exercise catalog): a
# database holding only them is still empty.
SEEDED_BY_MIGRATIONS = frozenset({"gym_settings", "exercises", "exercise_muscles"})
BATCH_ROWS = 5_000
SQLITE_LOAD_CACHE_KIB = -128 * 1024  # negative: KiB, an upper bound (pages are taken as needed)

OnTable = Callable[[str, int], None]


class TransferError(DomainError, code="TRANSFER_ERROR"):
    """A backup, restore or move cannot go on; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# Schema revisions
# --------------------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection  # migrate inside the caller's transaction
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return str(_scripts().get_current_head())


def is_known_revision(revision: str) -> bool:
    """True when this THRUST ships the migration `revision` (so it can build that schema)."""
    try:
        return _scripts().get_revision(revision) is not None
    except AlembicError:
        return False


def current_revision(connection: Connection) -> str | None:
    """The schema revision the database is at, or None when it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def migrate(connection: Connection, revision: str = "head") -> None:
    """Upgrade the schema to `revision` on this connection, inside its open transaction."""
    command.upgrade(alembic_config(connection), revision)


# --------------------------------------------------------------------------------------------
# What a database holds
# --------------------------------------------------------------------------------------------


def thrust_table_names() -> frozenset[str]:
    return frozenset(SQLModel.metadata.tables) | {VERSION_TABLE}


@dataclass
class Contents:
    """What a target database already holds, as far as restoring into it is concerned."""

    tables_with_rows: list[str] = field(default_factory=list)
    other_tables: list[str] = field(default_factory=list)  # not THRUST's: someone else's data

    @property
    def empty(self) -> bool:
        return not self.tables_with_rows and not self.other_tables


def survey(connection: Connection) -> Contents:
    """Which THRUST tables have rows, and which tables are not THRUST's at all."""
    contents = Contents()
    ours = thrust_table_names()
    for name in sorted(inspect(connection).get_table_names()):
        if name not in ours:
            contents.other_tables.append(name)
        elif name not in BOOKKEEPING | SEEDED_BY_MIGRATIONS and _has_rows(connection, name):
            contents.tables_with_rows.append(name)
    return contents


def _has_rows(connection: Connection, name: str) -> bool:
    return connection.execute(select(literal(1)).select_from(named_table(name)).limit(1)).first() is not None


def refuse_unless_empty(contents: Contents, where: str, *, hint: str) -> None:
    if contents.tables_with_rows:
        listed = ", ".join(contents.tables_with_rows)
        raise Conflict(f"{where} is not empty (rows in {listed}); {hint}")
    if contents.other_tables:
        listed = ", ".join(contents.other_tables)
        raise Conflict(f"{where} has tables that are not THRUST's ({listed}); use a database of its own")


def drop_thrust_schema(connection: Connection) -> None:
    """Drop THRUST's tables (and on PostgreSQL its enum types); other tables are left alone."""
    present = [name for name in inspect(connection).get_table_names() if name in thrust_table_names()]
    if present:
        reflected = MetaData()
        reflected.reflect(bind=connection, only=present)
        reflected.drop_all(bind=connection)  # children before parents
    if connection.dialect.name == "postgresql":
        for name in _enum_type_names():
            connection.execute(text(f'DROP TYPE IF EXISTS "{name}"'))
        for name in TRIGGER_FUNCTIONS:  # their triggers went with the tables
            connection.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))


def _enum_type_names() -> list[str]:
    names = {
        column.type.name
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, SAEnum) and column.type.name
    }
    return sorted(names)


def typed_tables(connection: Connection) -> list[Table]:
    """THRUST's tables as this database has them (reflected), parents first, typed by the models.

    The columns are the database's own (an older revision has fewer); their types come from the
    models wherever the models have that column, so values convert between engines (a UUID, an aware
    UTC time, a JSON document, an enum) instead of travelling as each engine's raw storage."""
    names = [
        name
        for name in inspect(connection).get_table_names()
        if name in thrust_table_names() and name not in BOOKKEEPING | DERIVED
    ]
    reflected = MetaData()
    reflected.reflect(bind=connection, only=names)
    typed = MetaData()
    tables = []
    for table in reflected.sorted_tables:
        model = SQLModel.metadata.tables.get(table.name)
        columns = [
            Column(
                column.name,
                model.c[column.name].type if model is not None and column.name in model.c else column.type,
                primary_key=column.primary_key,
            )
            for column in table.columns
        ]
        tables.append(Table(table.name, typed, *columns))
    return tables


def count_rows(connection: Connection, tables: list[Table]) -> dict[str, int]:
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in tables
    }


# --------------------------------------------------------------------------------------------
# Copying
# --------------------------------------------------------------------------------------------


def copy_rows(source: Connection, target: Connection, tables: list[Table], on_table: OnTable | None) -> None:
    """Copy each table's rows in batches, parents first (foreign keys hold at every insert)."""
    for table in reversed(tables):  # rows the migrations made themselves (the gym's default settings)
        target.execute(delete(table))
    write = _copy_in if target.dialect.name == "postgresql" else _insert_many
    # SQLite to SQLite: the same column types wrote both files, so the stored values move as they are
    # (several times faster than converting each one to Python and back).
    as_stored = source.dialect.name == target.dialect.name == "sqlite"
    with _big_sqlite_cache(target):
        for table in map(_untyped, tables) if as_stored else tables:
            copied = 0
            result = source.execution_options(yield_per=BATCH_ROWS).execute(select(*table.columns))
            for batch in result.partitions():
                try:
                    write(target, table, batch)
                except (SQLAlchemyError, psycopg.Error) as exc:
                    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                    raise TransferError(
                        f"cannot load the rows of {table.name}: {reason}; nothing was changed"
                    ) from None
                copied += len(batch)
            if on_table is not None:
                on_table(table.name, copied)


def _untyped(table: Table) -> Table:
    return Table(table.name, MetaData(), *(Column(column.name, NULLTYPE) for column in table.columns))


@contextmanager
def _big_sqlite_cache(target: Connection) -> Iterator[None]:
    """SQLite: a page cache big enough for the indexes of a bulk load (4x faster for the demo's
    visits than the default 2 MiB, which rereads index pages for every random UUID)."""
    if target.dialect.name != "sqlite":
        yield
        return
    before = target.exec_driver_sql("PRAGMA cache_size").scalar()
    target.exec_driver_sql(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        target.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _insert_many(target: Connection, table: Table, rows: Sequence[Row[Any]]) -> None:
    target.execute(insert(table), [row._asdict() for row in rows])


def _copy_in(target: Connection, table: Table, rows: Sequence[Row[Any]]) -> None:
    """PostgreSQL's COPY, the fastest way in (the demo's visits alone are 150,000 rows)."""
    columns = ", ".join(f'"{column.name}"' for column in table.columns)
    # The rows come out of SQLAlchemy as Python values; COPY takes what psycopg can dump as text.
    documents = [isinstance(column.type, JSON) for column in table.columns]
    driver = target.connection.driver_connection  # the psycopg connection, inside the same transaction
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_copy_value(value, json) for value, json in zip(row, documents, strict=True)])


def _copy_value(value: Any, document: bool) -> Any:
    if value is None:
        return None
    if document:
        return Jsonb(value)
    if isinstance(value, Enum):
        return value.value
    return value


def fix_sequences(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL: move each integer column's sequence past the rows copied in with explicit ids."""
    if connection.dialect.name != "postgresql":
        return  # SQLite's AUTOINCREMENT follows explicit ids by itself
    for table in tables:
        for column in table.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table.name}"', "column": column.name},
            ).scalar()
            if sequence:
                highest = select(func.max(table.c[column.name])).scalar_subquery()
                connection.execute(select(func.setval(sequence, func.coalesce(highest, 0) + 1, false())))


@dataclass
class LoadReport:
    revision: str  # the schema revision the rows were copied at
    ended_at: str  # the revision the target ended at
    rows: dict[str, int]  # rows per table, as copied (and counted again in the target)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def load(
    source: Connection,
    target: Connection,
    *,
    revision: str,
    replace: bool,
    where: str,
    if_not_empty: str,
    on_table: OnTable | None = None,
    to_head: bool = True,
) -> LoadReport:
    """Fill the target with the source's rows and migrate it to head, all inside the target's open
    transaction. The source must be at `revision`; the target must be empty unless `replace` (else
    the Conflict names `where` and ends with the `if_not_empty` advice). `to_head=False` leaves the
    target at the source's revision (a backup file keeps the revision it was made at)."""
    if not is_known_revision(revision):
        raise TransferError(
            f"the data is at schema revision {revision}, which this THRUST does not know; "
            "use the THRUST version that made it (or a newer one)"
        )
    if not replace:
        refuse_unless_empty(survey(target), where, hint=if_not_empty)
    drop_thrust_schema(target)
    migrate(target, revision)
    tables = typed_tables(target)
    _require_same_columns(source, tables)
    copy_rows(source, target, tables, on_table)
    expected = count_rows(source, tables)
    copied = count_rows(target, tables)
    if copied != expected:
        wrong = ", ".join(
            f"{name} {copied[name]:,} of {expected[name]:,}"
            for name in expected
            if copied[name] != expected[name]
        )
        raise TransferError(f"row counts differ after copying ({wrong}); nothing was changed")
    fix_sequences(target, tables)
    if not to_head:
        return LoadReport(revision=revision, ended_at=revision, rows=copied)
    migrate(target, "head")
    return LoadReport(revision=revision, ended_at=head_revision(), rows=copied)


def _require_same_columns(source: Connection, tables: list[Table]) -> None:
    inspector = inspect(source)
    present = set(inspector.get_table_names())
    for table in tables:
        if table.name not in present:
            raise TransferError(f"the data has no {table.name} table, which its schema revision has")
        have = {column["name"] for column in inspector.get_columns(table.name)}
        if missing := [column.name for column in table.columns if column.name not in have]:
            raise TransferError(f"the data's {table.name} table lacks {', '.join(missing)}")
