"""`backup` and `restore`: the whole database in one portable file, made while THRUST serves.

A backup is a SQLite database file at the source's schema revision, with a `thrust_backup` table saying
when and from what it was made and how many rows each table had. The same file restores into SQLite
or PostgreSQL, and a backup from an older THRUST restores and then migrates to this version's schema.

- From SQLite: `VACUUM INTO`, one read transaction, so the copy is consistent while writers go on
  (WAL: readers and writers do not block each other).
- From PostgreSQL: the rows are copied in one REPEATABLE READ, READ ONLY transaction (one snapshot of
  every table) into a new SQLite file migrated to the same revision.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    column,
    create_engine,
    func,
    insert,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from thrust.core.db import READ, UNIT_OPTION, WRITE, build_engine
from thrust.core.files import sync_folder
from thrust.core.settings import VERSION
from thrust.system.copying import (
    BACKUP_INFO_TABLE,
    BOOKKEEPING,
    VERSION_TABLE,
    LoadReport,
    OnTable,
    TransferError,
    current_revision,
    is_known_revision,
    load,
)
from thrust.system.datadir import folder_problem

_INFO = Table(
    BACKUP_INFO_TABLE,
    MetaData(),
    Column("key", String(40), primary_key=True),
    Column("value", String, nullable=False),
)
FORMAT = 1  # bump when a backup's layout changes in a way an older THRUST cannot read
SUFFIX = ".sqlite3"


@dataclass
class BackupInfo:
    """What a backup file says about itself."""

    path: Path
    created_at: str  # ISO 8601, UTC
    source: str  # the engine it was made from: sqlite or postgresql
    made_by: str
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class RestoreReport:
    backup: BackupInfo
    loaded: LoadReport


def default_backup_path(data_dir: Path, now: datetime | None = None) -> Path:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return data_dir / "backups" / f"thrust-{moment:%Y%m%d-%H%M%S}{SUFFIX}"


# --------------------------------------------------------------------------------------------
# backup
# --------------------------------------------------------------------------------------------


def backup(engine: Engine, destination: Path) -> BackupInfo:
    """Write a consistent copy of the database to `destination` (a new file, readable by its owner
    only: it holds password hashes and members' personal data)."""
    destination = destination.expanduser().absolute()
    if destination.exists():
        raise TransferError(f"{destination} already exists; give another file name")
    revision = _source_revision(engine)
    folder = destination.parent
    if problem := folder_problem(folder, "backup folder"):
        raise TransferError(problem)
    try:
        # Written under a temporary name and linked into place when complete: a backup interrupted by
        # a full disk or Ctrl+C never leaves a half-written file under the name the user asked for.
        partial = folder / f".{destination.name}.{secrets.token_hex(4)}.partial"
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise TransferError(f"cannot write to the folder {folder}: {exc.strerror}") from None
    try:
        if engine.dialect.name == "sqlite":
            _vacuum_into(Path(str(engine.url.database)), partial)
        else:
            _copy_into_file(engine, partial, revision)
        info = _stamp(partial, source=engine.dialect.name)
        os.link(partial, destination)
        sync_folder(folder)
    except FileExistsError:
        raise TransferError(f"{destination} already exists; give another file name") from None
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TransferError(f"cannot write the backup in {folder}: {reason}") from None
    finally:
        for leftover in (
            partial,
            *(partial.with_name(partial.name + end) for end in ("-journal", "-wal", "-shm")),
        ):
            leftover.unlink(missing_ok=True)
    info.path = destination
    return info


def _source_revision(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        if not path.is_file():  # connecting would create an empty database file
            raise TransferError(f"there is no database at {path}; nothing to back up")
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision is None:
        raise TransferError("the database has no THRUST tables yet; nothing to back up")
    if engine.dialect.name != "sqlite" and not is_known_revision(revision):
        raise TransferError(
            f"the database is at schema revision {revision}, which this THRUST does not know; "
            "back it up with the THRUST version that migrated it"
        )
    return revision


def _vacuum_into(database: Path, partial: Path) -> None:
    source = sqlite3.connect(database, timeout=30, isolation_level=None)
    try:
        source.execute("VACUUM INTO ?", (str(partial),))
    finally:
        source.close()


def _copy_into_file(engine: Engine, partial: Path, revision: str) -> None:
    file_engine = build_engine(f"sqlite:///{partial}", poolclass=NullPool)
    try:
        snapshot = {"isolation_level": "REPEATABLE READ", UNIT_OPTION: READ}  # one view of every table
        with (
            engine.connect().execution_options(**snapshot) as source,
            source.begin(),
            file_engine.begin() as target,
        ):
            load(source, target, revision=revision, replace=True, where="", if_not_empty="", to_head=False)
    finally:
        file_engine.dispose()


def _stamp(partial: Path, *, source: str) -> BackupInfo:
    """Record what the file is (see BackupInfo) and make it one self-contained file."""
    engine = _file_engine(partial)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode = DELETE")  # no -wal file beside it
        with engine.begin() as connection:
            revision: Any = connection.execute(
                select(column("version_num")).select_from(table(VERSION_TABLE))
            )
            info = BackupInfo(
                path=partial,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                source=source,
                made_by=f"THRUST {VERSION}",
                revision=str(revision.scalar_one()),
                rows=_count_tables(connection),
            )
            _INFO.drop(connection, checkfirst=True)
            _INFO.create(connection)
            fields = {
                "format": str(FORMAT),
                "created_at": info.created_at,
                "source": source,
                "made_by": info.made_by,
                "revision": info.revision,
                "rows": json.dumps(info.rows),
            }
            connection.execute(insert(_INFO), [{"key": key, "value": value} for key, value in fields.items()])
    finally:
        engine.dispose()
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    return info


def _file_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on the SQLite file at `path`, opened by path (no URL parsing of the name)."""
    uri = f"{path.as_uri()}?mode={'ro' if read_only else 'rw'}"
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )


def _count_tables(connection: Connection) -> dict[str, int]:
    names = sorted(set(inspect(connection).get_table_names()) - BOOKKEEPING)
    return {
        name: int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())
        for name in names
    }


# --------------------------------------------------------------------------------------------
# restore
# --------------------------------------------------------------------------------------------


def read_backup(path: Path) -> BackupInfo:
    """What the file holds; TransferError if it is not a THRUST backup this version can restore.

    A plain THRUST SQLite database (e.g. a copy of data/thrust.db taken while THRUST was stopped) is
    accepted too; its row counts are taken from the file itself."""
    path = path.expanduser().absolute()
    if not path.is_file():
        raise TransferError(f"{path}: no such file")
    engine = _file_engine(path, read_only=True)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if VERSION_TABLE not in tables:
                raise TransferError(f"{path} is not a THRUST backup (it has no schema revision)")
            revision = connection.execute(
                select(column("version_num")).select_from(table(VERSION_TABLE))
            ).scalar()
            if revision is None:
                raise TransferError(f"{path} is not a THRUST backup (its schema revision is empty)")
            fields: dict[str, str] = {}
            if BACKUP_INFO_TABLE in tables:
                fields = {key: value for key, value in connection.execute(select(_INFO.c.key, _INFO.c.value))}
            rows = json.loads(fields["rows"]) if "rows" in fields else _count_tables(connection)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise TransferError(f"{path} is not a THRUST backup ({reason})") from None
    finally:
        engine.dispose()
    if int(fields.get("format", FORMAT)) > FORMAT:
        made = fields["format"]
        raise TransferError(f"{path} was made by a newer THRUST (backup format {made}); upgrade THRUST first")
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    return BackupInfo(
        path=path,
        created_at=fields.get("created_at", modified),
        source=fields.get("source", "sqlite"),
        made_by=fields.get("made_by", "a THRUST SQLite database"),
        revision=str(revision),
        rows=rows,
    )


def restore(engine: Engine, path: Path, *, replace: bool, on_table: OnTable | None = None) -> RestoreReport:
    """Load the backup into the configured database and migrate it to head, in one transaction.

    Refuses a database that has data unless `replace`; then everything THRUST had there is dropped
    first (only if the whole restore succeeds: on any error the database is left as it was)."""
    info = read_backup(path)
    if not is_known_revision(info.revision):
        raise TransferError(
            f"{info.path} was made by a newer THRUST (schema revision {info.revision}); "
            "upgrade THRUST, then restore"
        )
    where = f"the database {engine.url.render_as_string(hide_password=True)}"
    source_engine = _file_engine(info.path, read_only=True)
    try:
        with (
            source_engine.connect() as source,
            engine.execution_options(**{UNIT_OPTION: WRITE}).connect() as target,
            target.begin(),
        ):
            loaded = load(
                source,
                target,
                revision=info.revision,
                replace=replace,
                where=where,
                if_not_empty="add --replace to overwrite it (back it up first if you may need it)",
                on_table=on_table,
            )
    finally:
        source_engine.dispose()
    analyze(engine)
    return RestoreReport(backup=info, loaded=loaded)


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL would plan blind until autovacuum)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
