"""The visit-mix roll-up gives the lengths, tiers and average length the visits give: after catching up,
after a late check-out, an edited visit, a deleted member, a member's new tier, and it empties on reset."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from thrust.analytics.buckets import midnight
from thrust.analytics.distribution import Tally, from_visits, tally
from thrust.analytics.rollup import advance, refresh, reset
from thrust.analytics.slots import rolled_until
from thrust.members.service import delete_member, update_member
from thrust.models import CheckIn, Member, MembershipTier, Role

ZONE = ZoneInfo("Asia/Kolkata")  # UTC+05:30: its midnights fall on half hours
NOW = datetime(2026, 11, 5, 15, 7, tzinfo=UTC)
DAYS = [date(2026, 10, 27) + timedelta(days=n) for n in range(10)]
RANGES: list[tuple[datetime, datetime | None]] = [
    *((midnight(ZONE, day), midnight(ZONE, day + timedelta(days=1))) for day in DAYS),
    (midnight(ZONE, DAYS[0]), midnight(ZONE, DAYS[-1])),
    (NOW - timedelta(days=6, minutes=7), None),  # the summary's "last days up to now": off the quarters
    (NOW - timedelta(days=3, minutes=50), NOW - timedelta(days=1, minutes=20)),
]


def random_visits(db: Session, count: int, seed: int) -> list[CheckIn]:
    rng = random.Random(seed)
    members = [make_member(db, tier=rng.choice(list(MembershipTier))) for _ in range(10)]
    visits = []
    for _ in range(count):
        start = NOW - timedelta(minutes=rng.randrange(30, 9 * 24 * 60))
        end = min(start + timedelta(minutes=rng.randrange(1, 200)), NOW - timedelta(minutes=1))
        visit = CheckIn(
            member_id=rng.choice(members).id,
            check_in_time=start,
            check_out_time=end,
            auto_checked_out=rng.random() < 0.1,  # closed by the night job: no length
        )
        db.add(visit)
        visits.append(visit)
    db.flush()
    return visits


def agree(a: Tally, b: Tally) -> None:
    assert a.lengths() == b.lengths() and a.tiers() == b.tiers()
    assert {key: visits for key, (visits, _) in a.cells.items()} == {
        key: visits for key, (visits, _) in b.cells.items()
    }
    for key, (_, seconds) in a.cells.items():
        assert seconds == pytest.approx(b.cells[key][1], abs=0.01)
    assert a.average_minutes() == b.average_minutes()


def same_mix(db: Session) -> None:
    """Every range read through the roll-up agrees with the visits alone."""
    for start, end in RANGES:
        agree(tally(db, start, end), from_visits(db, [(start, end)]))


def mix_rows(db: Session) -> int:
    return int(db.execute(sa.text("SELECT count(*) FROM visit_mix_slots")).scalar_one())


def test_the_rolled_up_mix_reads_like_the_visits_as_they_change(db: Session) -> None:
    visits = random_visits(db, 200, seed=4)
    forgotten = CheckIn(member_id=visits[0].member_id, check_in_time=NOW - timedelta(days=2, minutes=7))
    db.add(forgotten)  # still open: the roll-up stops before it
    db.flush()
    advance(db, now=NOW)
    line = rolled_until(db)
    assert line is not None and line <= forgotten.check_in_time and mix_rows(db) > 0
    same_mix(db)

    # Checked out late (by the night job): the roll-up goes on past it, the visit has no length.
    forgotten.check_out_time, forgotten.auto_checked_out = NOW - timedelta(hours=20), True
    db.flush()
    advance(db, now=NOW)
    assert (rolled_until(db) or NOW) > forgotten.check_in_time
    same_mix(db)

    # An edited visit: the quarters it touched are computed again.
    edited = visits[5]
    old = (edited.check_in_time, edited.check_out_time)
    edited.check_out_time = edited.check_in_time + timedelta(minutes=131)
    db.flush()
    assert refresh(db, [old, (edited.check_in_time, edited.check_out_time)]) > 0
    same_mix(db)


def test_a_deleted_member_and_a_new_tier_move_their_visits(db: Session) -> None:
    visits = random_visits(db, 200, seed=5)
    advance(db, now=NOW)
    admin = actor_for(make_user(db, role=Role.ADMIN))
    whole = (midnight(ZONE, DAYS[0]), None)

    changing = visits[0].member_id
    theirs = sum(1 for v in visits if v.member_id == changing and v.check_in_time >= whole[0])
    old_tier = db.get(Member, changing).membership_tier  # type: ignore[union-attr]
    new_tier = next(tier for tier in MembershipTier if tier != old_tier)
    before = tally(db, *whole).tiers()
    update_member(db, admin, changing, {"membershipTier": new_tier.value})
    after = tally(db, *whole).tiers()
    assert theirs > 0 and after[new_tier] == before[new_tier] + theirs
    assert after[old_tier] == before[old_tier] - theirs
    same_mix(db)

    leaving = visits[1].member_id
    delete_member(db, admin, leaving)
    db.expire_all()
    same_mix(db)


def test_reset_empties_the_mix_and_advance_builds_it_again(db: Session) -> None:
    random_visits(db, 60, seed=6)
    advance(db, now=NOW)
    assert mix_rows(db) > 0
    reset(db)
    assert mix_rows(db) == 0 and rolled_until(db) is None
    same_mix(db)  # nothing rolled up: the visits answer
    advance(db, now=NOW)
    assert mix_rows(db) > 0
    same_mix(db)
