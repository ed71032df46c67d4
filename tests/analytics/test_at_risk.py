"""Members at risk on constructed histories: who dropped below half their own rhythm, in which order, and
the trainer's view of only their own members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from thrust.analytics.at_risk import at_risk
from thrust.core.errors import PermissionDenied
from thrust.models import CheckIn, Member, MemberStatus, Role

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def came(db: Session, member: Member, days_ago: list[int]) -> None:
    for days in days_ago:
        start = NOW - timedelta(days=days, hours=3)
        db.add(CheckIn(member_id=member.id, check_in_time=start, check_out_time=start + timedelta(hours=1)))
    db.flush()


def test_a_drop_below_half_of_ones_own_rhythm(db: Session) -> None:
    coach = make_user(db, role=Role.TRAINER)
    admin = actor_for(make_user(db, role=Role.ADMIN))
    twice_a_week = [d for d in range(15, 71) if d % 7 in (1, 4)]  # 16 visits in the 8 weeks before
    steady = make_member(db, full_name="Steady Sam")
    came(db, steady, [*twice_a_week, 2, 5, 9])  # 3 recent visits: usual is 4 per fortnight, half is 2
    stopped = make_member(db, full_name="Stopped Stella", trainer=coach)
    came(db, stopped, [*twice_a_week, 13])  # one visit, 13 days ago
    vanished = make_member(db, full_name="Vanished Vic")
    came(db, vanished, twice_a_week)  # none since
    rare = make_member(db, full_name="Rare Rita")
    came(db, rare, [20, 40, 60])  # too few visits to have a rhythm
    frozen = make_member(db, full_name="Frozen Fay", status=MemberStatus.FROZEN)
    came(db, frozen, twice_a_week)  # frozen on purpose: not at risk

    result = at_risk(db, admin, now=NOW)
    assert [m.name for m in result.members] == ["Stopped Stella", "Vanished Vic"]  # the newest drop first
    assert result.total == 2
    stella = result.members[0]
    assert (stella.usual, stella.recent) == (4.0, 1)
    assert at_risk(db, admin, now=NOW, limit=1).members[0].name == "Stopped Stella"

    mine = at_risk(db, actor_for(coach), now=NOW)
    assert [m.name for m in mine.members] == ["Stopped Stella"] and mine.total == 1


def test_members_may_not_see_the_list(db: Session) -> None:
    with pytest.raises(PermissionDenied):
        at_risk(db, actor_for(make_user(db, role=Role.MEMBER)), now=NOW)
