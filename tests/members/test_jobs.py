"""The search index's tidy-up: what check-ins leave pending is merged, and searches still find everyone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from thrust.members import directory
from thrust.members.jobs import tidy_search_index
from thrust.members.search import MemberFilters
from thrust.models import Role


def test_check_ins_leave_index_entries_pending_until_the_minute_job_merges_them(
    engine: Engine, db: Session
) -> None:
    admin = actor_for(make_user(db, role=Role.ADMIN))
    members = [make_member(db, full_name=f"Paula Quintana {n}") for n in range(40)]
    db.flush()
    tidy_search_index(engine)  # start from an empty pending list
    for member in members:  # what a check-in does to the member's row
        member.last_visit_at = datetime.now(UTC)
    db.flush()
    merged = tidy_search_index(engine)
    if engine.dialect.name == "postgresql":
        assert merged > 0 and tidy_search_index(engine) == 0
    else:
        assert merged == 0  # SQLite has no such index: nothing to do
    found = directory.list_members(db, admin, MemberFilters(query="quintana", limit=100))
    assert found.total == 40
