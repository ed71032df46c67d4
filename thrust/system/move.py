"""`move-to`: outgrow SQLite by copying everything into an empty PostgreSQL database, counts checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from thrust.core.db import READ, UNIT_OPTION, build_engine
from thrust.system.backup import analyze
from thrust.system.copying import LoadReport, OnTable, TransferError, current_revision, load


@dataclass
class MoveReport:
    source: Path
    target: URL
    loaded: LoadReport

    @property
    def database_url(self) -> str:
        """What to set DATABASE_URL to (the password, if any, shown as ***)."""
        return self.target.render_as_string(hide_password=True)


def postgresql_url(text_url: str) -> URL:
    """The target as a psycopg 3 URL; TransferError unless it names a PostgreSQL database."""
    try:
        url = make_url(text_url)
    except ArgumentError:
        raise TransferError(
            f"{text_url!r} is not a database URL (expected e.g. postgresql://user:password@host/thrust)"
        ) from None
    if url.get_backend_name() != "postgresql":
        raise TransferError(f"move-to copies into PostgreSQL; {url.get_backend_name()} is not PostgreSQL")
    if not url.database:
        raise TransferError(
            "the URL names no database (expected e.g. postgresql://user:password@host/thrust)"
        )
    return url.set(drivername="postgresql+psycopg")


def check_move(source: Engine, target_url: str) -> tuple[Path, URL]:
    """The SQLite file to move and the PostgreSQL URL to move it to; TransferError if either is wrong."""
    if source.dialect.name != "sqlite":
        raise TransferError(
            f"move-to copies THRUST's SQLite database, but DATABASE_URL names a {source.dialect.name} "
            "database; to copy between PostgreSQL databases use backup and restore"
        )
    path = Path(str(source.url.database))
    if not path.is_file():
        raise TransferError(f"there is no SQLite database at {path}; nothing to move")
    return path, postgresql_url(target_url)


def move_to(source: Engine, target_url: str, *, on_table: OnTable | None = None) -> MoveReport:
    """Copy the SQLite database into the empty PostgreSQL one at `target_url` and migrate it to head.

    The source is read in one transaction (a consistent snapshot) and never changed. The target gets
    everything or nothing: one transaction, row counts compared table by table before it commits."""
    path, url = check_move(source, target_url)
    where = f"the PostgreSQL database {url.render_as_string(hide_password=True)}"
    target = build_engine(url.render_as_string(hide_password=False), pool_size=1, max_overflow=1)
    try:
        try:
            with target.connect() as probe:
                probe.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise TransferError(f"cannot connect to {where}: {reason}") from None
        with (
            source.execution_options(**{UNIT_OPTION: READ}).connect() as reading,
            reading.begin(),
            target.connect() as writing,
            writing.begin(),
        ):
            revision = current_revision(reading)
            if revision is None:
                raise TransferError(f"the SQLite database {path} has no THRUST tables yet; nothing to move")
            loaded = load(
                reading,
                writing,
                revision=revision,
                replace=False,
                where=where,
                if_not_empty="move into a new, empty database (e.g. createdb thrust)",
                on_table=on_table,
            )
        analyze(target)
    finally:
        target.dispose()
    return MoveReport(source=path, target=url, loaded=loaded)
