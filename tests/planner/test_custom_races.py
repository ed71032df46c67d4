"""Staff adding one exercise name at the same moment, in real parallel transactions on both engines: one
exercise is added, every other attempt is refused with the name's field message."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import ENGINES, Databases, migrate
from tests.factories import actor_for, make_user
from thrust.auth.rbac import Actor
from thrust.core.db import UNIT_OPTION, WRITE, build_engine
from thrust.core.errors import DomainError
from thrust.models import Exercise, Role
from thrust.planner import catalog


@pytest.fixture(params=ENGINES)
def race_engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """A database of its own (these tests commit); writing units begin as the app's do (on SQLite,
    `BEGIN IMMEDIATE`)."""
    engine = build_engine(databases.new_url(request.param))
    migrate(engine)
    yield engine.execution_options(**{UNIT_OPTION: WRITE})
    engine.dispose()


def test_racing_staff_add_one_name_once(race_engine: Engine) -> None:
    with Session(race_engine, expire_on_commit=False) as session:
        staff = [actor_for(make_user(session, role=Role.TRAINER)) for _ in range(8)]
        session.commit()
    go = threading.Event()
    problems: list[str] = []

    def add(actor: Actor) -> str:
        with Session(race_engine, expire_on_commit=False) as session:
            go.wait(timeout=30)
            try:
                catalog.create_custom(
                    session,
                    actor,
                    {
                        "name": "Viking Press",
                        "level": "beginner",
                        "category": "strength",
                        "equipment": "barbell",
                        "primaryMuscles": ["shoulders"],
                    },
                )
                session.commit()
                return "ok"
            except DomainError as exc:
                session.rollback()
                problems.extend(f"{p.field}: {p.message}" for p in exc.details)
                return exc.code

    with ThreadPoolExecutor(max_workers=len(staff)) as pool:
        futures = [pool.submit(add, actor) for actor in staff]
        go.set()
        outcomes = Counter(future.result() for future in futures)
    assert outcomes["ok"] == 1 and outcomes["ok"] + outcomes["VALIDATION_ERROR"] + outcomes["CONFLICT"] == 8
    assert set(problems) == {'name: The gym already has an exercise called "Viking Press"'}
    with Session(race_engine) as session:
        assert len(session.exec(select(Exercise.id).where(Exercise.is_custom)).all()) == 1
