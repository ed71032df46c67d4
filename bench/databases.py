"""The benches' databases: a throwaway PostgreSQL database created under a unique name and dropped after
(or kept, with its URL printed), and `migrate` to bring any database to the newest schema.

Import it after the bench has put the project root on sys.path (each bench does, first thing)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from thrust.core.db import build_engine
from thrust.system.copying import migrate as migrate_on

PG_ADMIN_URL = os.environ.get("THRUST_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def throwaway_postgres(prefix: str, *, keep: bool = False) -> Iterator[str]:
    """The URL of a new, empty database named `<prefix>_<random>`; dropped on the way out unless `keep`."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            print(f"kept database: {url}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema, as `serve` does on start."""
    engine = build_engine(url)
    try:
        with engine.begin() as connection:
            migrate_on(connection)
    finally:
        engine.dispose()
