"""Units of work: on SQLite concurrent read-then-write transactions queue instead of failing; on both
engines reading units cannot write, and bcrypt refuses to run while a unit holds a transaction."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from tests.conftest import ENGINES, Databases, migrate
from thrust.auth.deps import SessionDep
from thrust.core import security
from thrust.core.db import build_engine, in_open_transaction, session_scope, set_engine, tracking_units
from thrust.core.http import UnitOfWork, create_api


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


# -- reading and writing units of work, on both engines -------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def units_engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """A committed database of each kind, the process-wide engine while the module's tests run."""
    engine = build_engine(databases.new_url(request.param))
    migrate(engine)
    set_engine(engine)
    yield engine
    set_engine(None)
    engine.dispose()


def _gym_name(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT name FROM gym_settings")).scalar_one())


def test_a_reading_unit_refuses_to_write_and_leaves_the_database_unchanged(units_engine: Engine) -> None:
    before = _gym_name(units_engine)
    with pytest.raises(DBAPIError), session_scope(read_only=True) as reader:
        reader.execute(text("UPDATE gym_settings SET name = 'Written By A Reader' WHERE id = 1"))
    assert _gym_name(units_engine) == before
    # The connection it used goes back to writing units fully able to write.
    for n in range(3):
        with session_scope() as writer:
            writer.execute(text("UPDATE gym_settings SET name = :name WHERE id = 1"), {"name": f"Gym {n}"})
        with session_scope(read_only=True) as reader:
            assert reader.execute(text("SELECT name FROM gym_settings")).scalar_one() == f"Gym {n}"


def test_a_reading_unit_gets_the_gym_defaults_if_its_row_is_gone(units_engine: Engine) -> None:
    from thrust.gym.service import get_gym

    with session_scope() as writer:
        writer.execute(text("DELETE FROM gym_settings"))
    with session_scope(read_only=True) as reader:
        assert get_gym(reader).max_capacity > 0  # the defaults, unsaved
    with session_scope() as writer:
        assert get_gym(writer).id == 1  # a writing unit puts the row back
    assert _gym_name(units_engine)


def test_bcrypt_inside_a_units_open_transaction_is_an_error(units_engine: Engine) -> None:
    with session_scope() as session:
        security.hash_password("Not-Yet-In-A-Transaction-1", rounds=4)  # nothing has begun yet
        session.execute(text("SELECT 1"))
        with pytest.raises(security.HashedInsideTransaction):
            security.hash_password("Inside-A-Transaction-1", rounds=4)
        with pytest.raises(security.HashedInsideTransaction):
            security.verify_password("Inside-A-Transaction-1", "$2b$04$" + "x" * 53)
        session.commit()  # a use case may end its transaction and go on after hashing
        security.hash_password("After-The-Commit-1", rounds=4)
    with session_scope(read_only=True) as session:
        session.execute(text("SELECT 1"))
        with pytest.raises(security.HashedInsideTransaction):
            security.hash_password("Inside-A-Read-1", rounds=4)
    assert not in_open_transaction()


def test_outside_the_tests_bcrypt_inside_a_transaction_is_logged(
    units_engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(security, "RAISE_INSIDE_TRANSACTION", False)
    with session_scope(read_only=True) as session:
        session.execute(text("SELECT 1"))
        assert security.hash_password("Logged-Not-Raised-1", rounds=4).startswith("$2b$04$")
    assert [r.levelname for r in caplog.records if security.INSIDE_TRANSACTION in r.getMessage()] == ["ERROR"]


def test_a_request_sees_the_units_opened_by_its_dependencies_in_other_threads(units_engine: Engine) -> None:
    """FastAPI runs a request's dependencies and its route in the thread pool, each with a copy of the
    request's context: a unit opened by one is seen by bcrypt in the other."""
    opened = threading.Event()
    done = threading.Event()

    def dependency() -> None:
        with session_scope() as session:
            session.execute(text("SELECT 1"))
            opened.set()
            done.wait(timeout=10)

    with tracking_units():
        holder = threading.Thread(target=contextvars.copy_context().run, args=(dependency,))
        holder.start()
        assert opened.wait(timeout=10)
        route = contextvars.copy_context()
        try:
            assert route.run(in_open_transaction)
            with pytest.raises(security.HashedInsideTransaction):
                route.run(security.hash_password, "From-The-Route-1", rounds=4)
        finally:
            done.set()
            holder.join()
        assert not route.run(in_open_transaction)


def test_an_api_route_cannot_hash_while_its_session_holds_a_transaction(units_engine: Engine) -> None:
    router = APIRouter()

    @router.post("/inside")
    def inside(session: SessionDep) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"hash": security.hash_password("Inside-The-Request-1", rounds=4)}

    @router.post("/between")
    def between(unit_of_work: UnitOfWork) -> dict[str, str]:
        with unit_of_work(read_only=True) as session:
            session.execute(text("SELECT 1"))
        password_hash = security.hash_password("Between-Units-1", rounds=4)
        with unit_of_work() as writer:
            assert isinstance(writer, Session)
        return {"hash": password_hash}

    def requests() -> tuple[int, int]:
        with TestClient(create_api([router]), raise_server_exceptions=False) as client:
            return client.post("/api/v1/inside").status_code, client.post("/api/v1/between").status_code

    # In a context of its own, as a server's request is: nothing the test's thread set leaks in.
    assert contextvars.Context().run(requests) == (500, 200)
