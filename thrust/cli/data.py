"""`backup`, `restore` and `move-to`: the whole database into a file, back, or over to PostgreSQL."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from thrust.cli.base import EXIT_OK, command
from thrust.core.settings import get_settings


def _backup_arguments(backup: argparse.ArgumentParser) -> None:
    backup.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="where to write it (default: <data folder>/backups/thrust-<UTC date and time>.sqlite3)",
    )


@command("backup", _backup_arguments)
def _cmd_backup(args: argparse.Namespace) -> int:
    """copy the whole database into one file, while THRUST keeps serving

    Write a consistent copy of the database (SQLite or PostgreSQL) to FILE; `restore` reads it back into
    either engine.
    """
    from thrust.core.db import get_engine
    from thrust.system.backup import backup, default_backup_path
    from thrust.system.datadir import require_writable_data

    settings = get_settings()
    require_writable_data(settings, serving=False)  # SQLite cannot even read from a read-only folder
    destination = args.file or default_backup_path(settings.data_dir)
    started = time.monotonic()
    info = backup(get_engine(), destination)
    size = info.path.stat().st_size / 1_000_000
    print(
        f"Backed up {info.total:,} rows (schema {info.revision}, {info.source}) to {info.path} "
        f"({size:,.1f} MB) in {time.monotonic() - started:.1f} s."
    )
    print("It holds password hashes and personal data: keep it private, and keep a copy off this machine.")
    return EXIT_OK


def _restore_arguments(restore: argparse.ArgumentParser) -> None:
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument(
        "--replace", action="store_true", help="drop everything THRUST has in the database first"
    )


@command("restore", _restore_arguments)
def _cmd_restore(args: argparse.Namespace) -> int:
    """load a backup into the configured database (stop THRUST first)

    Load FILE (made by `backup`) into the configured database and migrate it to this version's schema, all
    in one transaction. Refuses a database that has data unless --replace.
    """
    from thrust.core.db import get_engine
    from thrust.system.backup import read_backup, restore
    from thrust.system.datadir import require_writable_data

    require_writable_data(get_settings(), serving=False)
    info = read_backup(args.file)
    print(
        f"Restoring {info.total:,} rows from {info.path} (made {info.created_at} from a {info.source} "
        f"database, schema {info.revision})...",
        flush=True,
    )
    started = time.monotonic()
    report = restore(get_engine(), args.file, replace=args.replace, on_table=_print_table)
    migrated = (
        f"migrated from {report.loaded.revision} to {report.loaded.ended_at}"
        if report.loaded.revision != report.loaded.ended_at
        else f"schema {report.loaded.ended_at}"
    )
    print(f"Restored {report.loaded.total:,} rows in {time.monotonic() - started:.1f} s ({migrated}).")
    print("Start THRUST again (or restart it) to serve the restored data.")
    return EXIT_OK


def _print_table(name: str, rows: int) -> None:
    print(f"  {name:<22}{rows:>12,}", flush=True)


def _move_to_arguments(move: argparse.ArgumentParser) -> None:
    move.add_argument("url", help="the PostgreSQL database, e.g. postgresql://thrust:secret@db-host/thrust")


@command("move-to", _move_to_arguments)
def _cmd_move_to(args: argparse.Namespace) -> int:
    """copy everything from the SQLite database into an empty PostgreSQL one

    Outgrow SQLite: copy every row into the empty PostgreSQL database at URL, migrate it to head and
    compare row counts table by table. The SQLite file is left unchanged.
    """
    from thrust.core.db import get_engine
    from thrust.system.move import check_move, move_to

    check_move(get_engine(), args.url)
    print("Copying (stop THRUST first: changes made during the copy stay behind in SQLite)...", flush=True)
    started = time.monotonic()
    report = move_to(get_engine(), args.url, on_table=_print_table)
    print(
        f"Copied {report.loaded.total:,} rows in {time.monotonic() - started:.1f} s; every table has as many "
        f"rows as in {report.source}. The schema is at {report.loaded.ended_at}."
    )
    print()
    print("Next: set this and start THRUST again (make run, or python -m thrust serve):")
    print(f"  DATABASE_URL={report.database_url}")
    if report.target.password:
        print("  (with your password where *** is)")
    print(f"{report.source} was not changed; keep it until you are happy with PostgreSQL.")
    return EXIT_OK
