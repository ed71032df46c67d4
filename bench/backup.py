"""Benchmark backup, restore and move-to with the demo gym (10,000 members, ~175,000 rows).

    .venv/bin/python bench/backup.py [--members 10000]

Seeds a throwaway SQLite database, then times: backup (SQLite), move-to (SQLite -> PostgreSQL), backup
(PostgreSQL), restore into an empty SQLite and an empty PostgreSQL database. Throwaway databases and
files are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from thrust.core.db import build_engine  # noqa: E402
from thrust.demo_data import seed_demo_data  # noqa: E402
from thrust.system.backup import backup, restore  # noqa: E402
from thrust.system.copying import migrate  # noqa: E402
from thrust.system.move import move_to  # noqa: E402

PG_ADMIN_URL = os.environ.get("THRUST_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _timed(label: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = step()
    print(f"{label:<34}{time.perf_counter() - started:>7.1f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="thrust-bench-backup-"))
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names = [f"thrust_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    moved_url, restored_url = (make_url(PG_ADMIN_URL).set(database=name) for name in names)
    engines = []
    try:
        sqlite = build_engine(f"sqlite:///{folder / 'thrust.db'}")
        engines.append(sqlite)
        with sqlite.begin() as connection:
            migrate(connection)
        with Session(sqlite) as session:
            report = seed_demo_data(session, members=args.members, progress=False)
            session.commit()
        print(f"demo gym: {report.members:,} members, {report.check_ins:,} check-ins")
        info = _timed("backup (SQLite)", lambda: backup(sqlite, folder / "sqlite.sqlite3"))
        print(f"  {info.total:,} rows, {info.path.stat().st_size / 1e6:.1f} MB")
        _timed("move-to (SQLite -> PostgreSQL)", lambda: move_to(sqlite, moved_url.render_as_string(False)))
        postgres = build_engine(moved_url.render_as_string(hide_password=False))
        engines.append(postgres)
        _timed("backup (PostgreSQL)", lambda: backup(postgres, folder / "postgres.sqlite3"))
        empty_sqlite = build_engine(f"sqlite:///{folder / 'restored.db'}")
        empty_postgres = build_engine(restored_url.render_as_string(hide_password=False))
        engines += [empty_sqlite, empty_postgres]
        _timed("restore into SQLite", lambda: restore(empty_sqlite, info.path, replace=False))
        _timed("restore into PostgreSQL", lambda: restore(empty_postgres, info.path, replace=False))
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
