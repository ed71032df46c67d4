"""Two activations of one member's plans at the same moment, in real parallel transactions on
PostgreSQL: both succeed, one after the other, and the member ends with exactly one active plan."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from tests.conftest import Databases, migrate
from tests.factories import actor_for, make_member, make_user
from tests.planner.plans import plan_document
from thrust.core.db import build_engine
from thrust.models import Role, WorkoutPlan
from thrust.planner import service


@pytest.fixture(scope="module")
def race_engine(databases: Databases) -> Iterator[Engine]:
    """A PostgreSQL database of its own: these tests commit."""
    engine = build_engine(databases.new_url("postgresql"))
    migrate(engine)
    yield engine
    engine.dispose()


def _active_titles(engine: Engine, member_id: object) -> list[str]:
    with Session(engine) as session:
        rows = session.execute(
            sa.select(WorkoutPlan.title).where(WorkoutPlan.member_id == member_id, WorkoutPlan.is_active)
        )
        return [row[0] for row in rows]


@pytest.mark.parametrize("rounds", [20])
def test_two_activations_at_once_leave_one_active_plan(race_engine: Engine, rounds: int) -> None:
    with Session(race_engine, expire_on_commit=False) as session:
        coach_user = make_user(session, role=Role.TRAINER)
        coach = actor_for(coach_user)
        member = make_member(session, trainer=coach_user)
        plans = [
            service.create_plan(
                session,
                coach,
                {"memberId": str(member.id), "title": title, "planData": plan_document(1), "isActive": False},
            )
            for title in ("A", "B", "C")
        ]
        session.commit()
    ids = {plan.title: plan.id for plan in plans}
    outcomes = []
    for n in range(rounds):
        pair = ("A", "B") if n % 2 else ("B", "C")
        barrier = threading.Barrier(2)

        def activate(title: str, barrier: threading.Barrier = barrier) -> str:
            with Session(race_engine, expire_on_commit=False) as session:
                barrier.wait(timeout=30)  # both transactions start together
                service.activate_plan(session, coach, ids[title])
                session.commit()
                return title

        with ThreadPoolExecutor(max_workers=2) as pool:
            assert sorted(pool.map(activate, pair)) == sorted(pair)  # neither was refused
        active = _active_titles(race_engine, member.id)
        assert len(active) == 1 and active[0] in pair, (n, active)
        outcomes.append(active[0])
    print(f"{rounds} rounds of two racing activations: winners {sorted(set(outcomes))}, never two active")
