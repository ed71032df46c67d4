"""The planner's tests' gym: an admin, two trainers, their members and one without a trainer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from tests.planner.plans import plan_document
from thrust.auth.rbac import Actor
from thrust.models import Member, Role, User, WorkoutPlan
from thrust.planner import service


class Gym:
    """An admin, a trainer with member Ana, another trainer with member Bo, and Cy without a trainer."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.admin = actor_for(make_user(db, role=Role.ADMIN))
        coach_user = make_user(db, role=Role.TRAINER)
        self.coach = actor_for(coach_user)
        self.other_coach_user = make_user(db, role=Role.TRAINER)
        self.other_coach = actor_for(self.other_coach_user)
        self.ana = make_member(db, full_name="Ana Ruiz", trainer=coach_user)
        self.bo = make_member(db, full_name="Bo Li", trainer=self.other_coach_user)
        self.cy = make_member(db, full_name="Cy Park")

    def login_of(self, member: Member) -> Actor:
        user = self.db.get(User, member.user_id)
        assert user is not None
        return actor_for(user)

    def plan(
        self, member: Member, title: str = "Strength", by: Actor | None = None, **fields: Any
    ) -> WorkoutPlan:
        body = {"memberId": str(member.id), "title": title, "planData": plan_document(), **fields}
        return service.create_plan(self.db, by or self.admin, body)


@pytest.fixture
def gym(db: Session) -> Gym:
    return Gym(db)
