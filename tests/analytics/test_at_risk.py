"""Members at risk on constructed histories: who dropped below half their own rhythm, in which order, and
the trainer's view of only their own members."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from thrust.analytics import rhythm
from thrust.analytics.at_risk import AtRiskList, at_risk
from thrust.auth.rbac import Actor
from thrust.core.errors import PermissionDenied
from thrust.members.service import delete_member
from thrust.models import CheckIn, Member, MemberStatus, Role

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def came(db: Session, member: Member, days_ago: list[int]) -> None:
    for days in days_ago:
        start = NOW - timedelta(days=days, hours=3)
        db.add(CheckIn(member_id=member.id, check_in_time=start, check_out_time=start + timedelta(hours=1)))
    db.flush()


# The list reads the same from the visits alone (no count yet), from the nightly count corrected to now
# (counted a day or six before), and from a count of this very moment.
COUNTED = [None, timedelta(days=1), timedelta(days=6, hours=5), timedelta(0)]


@pytest.mark.parametrize("counted_before", COUNTED, ids=["no-count", "a-day", "six-days", "now"])
def test_a_drop_below_half_of_ones_own_rhythm(db: Session, counted_before: timedelta | None) -> None:
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
    if counted_before is not None:
        rhythm.count(db, now=NOW - counted_before)

    result = at_risk(db, admin, now=NOW)
    assert [m.name for m in result.members] == ["Stopped Stella", "Vanished Vic"]  # the newest drop first
    assert result.total == 2
    stella = result.members[0]
    assert (stella.usual_visits, stella.recent_visits) == (4.0, 1)
    assert at_risk(db, admin, now=NOW, limit=1).members[0].name == "Stopped Stella"

    mine = at_risk(db, actor_for(coach), now=NOW)
    assert [m.name for m in mine.members] == ["Stopped Stella"] and mine.total == 1

    delete_member(db, admin, vanished.id)  # their visits (and counted rhythm) go with them
    assert [m.name for m in at_risk(db, admin, now=NOW).members] == ["Stopped Stella"]


def test_members_may_not_see_the_list(db: Session) -> None:
    with pytest.raises(PermissionDenied):
        at_risk(db, actor_for(make_user(db, role=Role.MEMBER)), now=NOW)


def test_the_nightly_count_corrected_to_now_gives_what_the_visits_give(db: Session) -> None:
    """Random rhythms that stop, slow down or keep going, counted once; a week of later moments reads the
    same list (names, numbers, order, total) as counting the visits themselves, for an admin and a
    trainer."""
    rng = random.Random(7)
    coach = make_user(db, role=Role.TRAINER)
    admin, trainer = actor_for(make_user(db, role=Role.ADMIN)), actor_for(coach)
    as_of = NOW - timedelta(days=8)
    for n in range(40):
        member = make_member(db, full_name=f"Member {n:02d}", trainer=coach if n % 3 == 0 else None)
        every = rng.uniform(1.5, 6)  # days between visits
        stop = rng.uniform(0, 30)  # days before NOW when they stopped (or slowed down)
        moment = NOW - timedelta(days=90)
        while moment < NOW + timedelta(days=1):
            db.add(
                CheckIn(member_id=member.id, check_in_time=moment, check_out_time=moment + timedelta(hours=1))
            )
            slowed = moment > NOW - timedelta(days=stop)
            moment += timedelta(days=every * (rng.choice([3, 50]) if slowed else 1), hours=rng.uniform(-5, 5))
    db.flush()
    rhythm.count(db, now=as_of)
    moments = [as_of + timedelta(hours=hours) for hours in (0, 1, 23, 24 * 3 + 7, 24 * 7)]

    def lists(actor: Actor) -> list[AtRiskList]:
        return [at_risk(db, actor, now=moment, limit=200) for moment in moments]

    counted = {actor: lists(actor) for actor in (admin, trainer)}
    assert all(rhythm.at(db, moment) is not None for moment in moments)
    rhythm.reset(db)
    assert rhythm.at(db, moments[0]) is None
    for actor, results in counted.items():
        assert results == lists(actor)
    assert len({result.total for result in counted[admin]}) > 1  # the list changes over the week
    assert all(result.total > 0 for result in counted[trainer])


def test_a_count_too_old_or_in_the_future_is_left_aside(db: Session) -> None:
    member = make_member(db)
    came(db, member, [3])
    rhythm.count(db, now=NOW)
    assert rhythm.at(db, NOW - timedelta(minutes=1)) is None
    assert rhythm.at(db, NOW + rhythm.MAX_AGE) is not None
    assert rhythm.at(db, NOW + rhythm.MAX_AGE + timedelta(seconds=1)) is None
