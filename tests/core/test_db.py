"""Units of work on SQLite: concurrent read-then-write transactions queue instead of failing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.conftest import migrate
from thrust.core.db import build_engine, session_scope, set_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'units.db'}")
    migrate(engine)
    set_engine(engine)
    yield engine
    set_engine(None)
    engine.dispose()


def test_concurrent_read_then_write_units_of_work_all_succeed(sqlite_engine: Engine) -> None:
    go = threading.Event()

    def bump() -> None:
        go.wait(timeout=10)
        with session_scope() as session:
            current = session.execute(text("SELECT max_capacity FROM gym_settings WHERE id = 1")).scalar_one()
            session.execute(
                text("UPDATE gym_settings SET max_capacity = :v WHERE id = 1"), {"v": current + 1}
            )

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(bump) for _ in range(40)]
        go.set()
        for future in futures:
            future.result()  # a "database is locked" here would raise
    with sqlite_engine.connect() as connection:
        # Every read-modify-write saw the previous one's result: none was lost.
        assert connection.execute(text("SELECT max_capacity FROM gym_settings")).scalar_one() == 140


def test_a_read_only_unit_of_work_does_not_block_writers(sqlite_engine: Engine) -> None:
    with session_scope(read_only=True) as reader:
        reader.execute(text("SELECT count(*) FROM members")).scalar_one()
        with session_scope() as writer:  # would wait for the reader's lock if it held one
            writer.execute(text("UPDATE gym_settings SET name = 'Open Late' WHERE id = 1"))
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM gym_settings")).scalar_one() == "Open Late"
