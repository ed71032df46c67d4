"""`move-to`: a SQLite gym copied into an empty PostgreSQL database, counts checked, and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, text
from sqlmodel import Session

import thrust.demo_data as demo_data
from tests.conftest import Databases, migrate
from tests.gym_rows import add_gym, every_row
from tests.system.conftest import Cli
from thrust.core.db import build_engine
from thrust.core.security import hash_password
from thrust.system.copying import current_revision, fix_sequences, head_revision


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def _new(databases: Databases, engines: list[Engine], kind: str, *, migrated: bool) -> tuple[str, Engine]:
    url = databases.new_url(kind)
    engine = build_engine(url)
    engines.append(engine)
    if migrated:
        migrate(engine)
    return url, engine


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_move_to_copies_the_demo_gym_into_an_empty_postgresql_database(
    databases: Databases, engines: list[Engine], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_data, "hash_password", lambda password: hash_password(password, rounds=4))
    sqlite_url, sqlite = _new(databases, engines, "sqlite", migrated=True)
    with Session(sqlite) as session:
        demo_data.seed_demo_data(
            session, members=300, progress=False, now=datetime(2026, 11, 25, 18, 0, tzinfo=UTC), rng_seed=7
        )
        session.commit()
    add_gym(sqlite, tag="-extra")  # plans, sessions, reminders: rows in every table
    before = every_row(sqlite)
    postgres_url, postgres = _new(databases, engines, "postgresql", migrated=False)

    moved = cli("move-to", postgres_url, database_url=sqlite_url)

    assert moved.code == 0, moved.err
    assert "DATABASE_URL=postgresql+psycopg://" in moved.out
    assert f"  {'check_ins':<22}{len(before['check_ins']):>12,}" in moved.out  # counted as it went
    with postgres.connect() as connection:
        assert current_revision(connection) == head_revision()
    assert every_row(postgres) == before
    assert every_row(sqlite) == before  # the source is left as it was


def test_move_to_refuses_a_target_with_data_a_source_that_is_not_sqlite_and_a_target_that_is_not_postgresql(
    databases: Databases, engines: list[Engine], cli: Cli
) -> None:
    sqlite_url, sqlite = _new(databases, engines, "sqlite", migrated=True)
    add_gym(sqlite)
    full_url, full = _new(databases, engines, "postgresql", migrated=True)
    add_gym(full, members=1, tag="-theirs")
    theirs = every_row(full)

    ran = cli("move-to", full_url, database_url=sqlite_url)
    assert ran.code == 1
    assert "is not empty" in _one_error_line(ran.err)
    assert every_row(full) == theirs

    ran = cli("move-to", full_url, database_url=full_url)
    assert ran.code == 1 and "move-to copies THRUST's SQLite database" in _one_error_line(ran.err)

    other_sqlite = databases.new_url("sqlite")
    ran = cli("move-to", other_sqlite, database_url=sqlite_url)
    assert ran.code == 1 and "is not PostgreSQL" in _one_error_line(ran.err)

    ran = cli("move-to", "postgresql://postgres@127.0.0.1:1/nowhere", database_url=sqlite_url)
    assert ran.code == 1 and "cannot connect" in _one_error_line(ran.err)

    # A migrated database with no data is empty: that is fine.
    empty_url, empty = _new(databases, engines, "postgresql", migrated=True)
    ran = cli("move-to", empty_url, database_url=sqlite_url)
    assert ran.code == 0, ran.err
    assert every_row(empty) == every_row(sqlite)


def test_sequences_continue_after_the_copied_ids_on_postgresql(
    databases: Databases, engines: list[Engine]
) -> None:
    """THRUST's tables use UUIDs today; a later table with a serial id must not hand out copied ids."""
    _, postgres = _new(databases, engines, "postgresql", migrated=False)
    scratch = Table("scratch", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))
    with postgres.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (id serial PRIMARY KEY, name text)"))
        connection.execute(scratch.insert(), [{"id": n, "name": f"row {n}"} for n in (1, 2, 41)])
        fix_sequences(connection, [scratch])
        new_id = connection.execute(text("INSERT INTO scratch (name) VALUES ('new') RETURNING id")).scalar()
    assert new_id == 42
