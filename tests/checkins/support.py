"""Shared by the check-ins state tests: the actors their cookies name, a client on the desk, a snapshot."""

from __future__ import annotations

import uuid

from reflex.state import State
from sqlmodel import Session, select

from tests.support.states import client as new_client
from thrust.auth.rbac import Actor
from thrust.checkins.snapshot import FeedRow, InsideRow, Occupancy, Snapshot
from thrust.models import CheckIn, Role

STAFF = Actor(uuid.uuid4(), "marcus@thrust.com", Role.TRAINER, uuid.uuid4())
ADMIN = Actor(uuid.uuid4(), "admin@thrust.com", Role.ADMIN, uuid.uuid4())
MEMBER = Actor(uuid.uuid4(), "sam@example.com", Role.MEMBER, uuid.uuid4())
COOKIES = {"thrust_access=staff": STAFF, "thrust_access=admin": ADMIN, "thrust_access=member": MEMBER}

NAMES = (FeedRow(key="in:1", kind="in", name="Ana Ruiz"),)
INSIDE = (InsideRow(visit_id="v1", name="Ana Ruiz", since_ms=1),)


def snapshot(current: int = 1, *, names: bool = False) -> Snapshot:
    occupancy = Occupancy(current, 100, "10:00:00")
    return Snapshot(occupancy, NAMES, INSIDE) if names else Snapshot(occupancy)


def client(cookie: str, path: str = "/front-desk") -> State:
    return new_client(cookie, path)


def open_visits(db: Session) -> int:
    return len(db.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all())  # type: ignore[union-attr]  # SQLModel types a column as its Python value
