"""Check-ins under concurrency on both engines, in real parallel transactions (not the rollback fixture)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import ENGINES, Databases, migrate
from tests.factories import actor_for, make_member, make_user
from thrust.auth.rbac import Actor
from thrust.checkins import service
from thrust.core.db import build_engine
from thrust.core.errors import DomainError
from thrust.models import CheckIn, GymSettings, Role


@pytest.fixture(scope="module", params=ENGINES)
def race_engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """A database of its own: these tests commit, so they must not share the rolled-back one."""
    engine = (
        build_engine(databases.new_url(request.param), pool_size=40, max_overflow=10)
        if request.param == "postgresql"
        else build_engine(databases.new_url(request.param))
    )
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clean(race_engine: Engine) -> Engine:
    with race_engine.begin() as connection:
        for table in ("check_ins", "members", "users"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    return race_engine


def _setup(engine: Engine, members: int, capacity: int) -> tuple[Actor, list]:
    with Session(engine, expire_on_commit=False) as session:
        desk = actor_for(make_user(session, role=Role.TRAINER))
        people = [make_member(session, full_name=f"Racer {n:03d}") for n in range(members)]
        gym = session.get(GymSettings, 1)
        gym.max_capacity = capacity
        session.commit()
        return desk, [p.id for p in people]


def _race(engine: Engine, calls: list[Callable[[Session], object]], workers: int = 32) -> Counter[str]:
    """Run the calls at once, each in its own transaction; count outcomes by error code."""
    go = threading.Event()

    def run(call: Callable[[Session], object]) -> str:
        with Session(engine, expire_on_commit=False) as session:
            go.wait(timeout=30)  # every worker starts at the same moment
            try:
                call(session)
                session.commit()
                return "ok"
            except DomainError as exc:
                session.rollback()
                return getattr(exc, "code", type(exc).__name__)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return Counter(future.result() for future in futures)


def _open_visits(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all())


def test_200_racers_at_capacity_20_admit_exactly_20(clean: Engine) -> None:
    desk, members = _setup(clean, members=200, capacity=20)
    outcomes = _race(clean, [lambda s, m=m: service.check_in(s, desk, m) for m in members])
    assert outcomes == Counter({"ok": 20, "AT_CAPACITY": 180})
    assert _open_visits(clean) == 20
    with Session(clean) as session:
        assert service.current_capacity(session).current == 20


def test_20_racers_for_one_member_leave_one_open_visit(clean: Engine) -> None:
    desk, (member,) = _setup(clean, members=1, capacity=100)
    outcomes = _race(clean, [lambda s: service.check_in(s, desk, member) for _ in range(20)])
    assert outcomes == Counter({"ok": 1, "ALREADY_INSIDE": 19})
    assert _open_visits(clean) == 1


def test_racing_check_outs_close_a_visit_once(clean: Engine) -> None:
    desk, (member,) = _setup(clean, members=1, capacity=100)
    with Session(clean, expire_on_commit=False) as session:
        visit_id = service.check_in(session, desk, member).visit.id
        session.commit()
    outcomes = _race(clean, [lambda s: service.check_out(s, desk, visit_id) for _ in range(10)])
    assert outcomes == Counter({"ok": 1, "CONFLICT": 9})
    assert _open_visits(clean) == 0
