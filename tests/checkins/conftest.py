"""Fixtures of the check-ins state tests: cookies naming real users, work bound to the test's session."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import Session

from tests.checkins.support import COOKIES
from tests.factories import make_user
from tests.support.states import scope_in, sessions
from thrust.auth.rbac import Actor
from thrust.checkins import latest, live, snapshot
from thrust.checkins import state as desk_state


@pytest.fixture
def bound(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Actor]]:
    """Cookies name the table's actors (real users in the test's database); work runs in `db`."""
    table: dict[str, Actor] = {}
    for cookie, actor in COOKIES.items():
        user = make_user(db, role=actor.role, email=f"{uuid.uuid4().hex[:8]}.{actor.email}")
        table[cookie] = Actor(user.id, user.email, user.role, uuid.uuid4())
    live_table = sessions(monkeypatch, table)

    async def in_db(work: Callable[[Session], Any], **_options: object) -> Any:
        result = work(db)
        db.flush()
        return result

    monkeypatch.setattr(desk_state, "in_unit_of_work", in_db)
    monkeypatch.setattr(snapshot, "session_scope", scope_in(db))
    live.WATCHERS.clear()
    latest.LATEST.clear()
    yield live_table
    live.WATCHERS.clear()
    latest.LATEST.clear()
