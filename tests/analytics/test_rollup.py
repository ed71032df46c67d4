"""The roll-up gives the figures the visits give: after catching up, after a late check-out, after
visits are deleted or edited; and it never passes a visit still open."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import make_member
from thrust.analytics.buckets import BucketSize, spans
from thrust.analytics.occupancy import series
from thrust.analytics.rollup import advance, refresh
from thrust.analytics.slots import rolled_until
from thrust.models import CheckIn

ZONE = ZoneInfo("America/New_York")  # a fall-back day (1 November) inside the period
NOW = datetime(2026, 11, 5, 15, 7, tzinfo=UTC)


def random_visits(db: Session, count: int, seed: int) -> list[CheckIn]:
    rng = random.Random(seed)
    members = [make_member(db) for _ in range(12)]
    visits = []
    for _ in range(count):
        start = NOW - timedelta(minutes=rng.randrange(30, 9 * 24 * 60))
        visit = CheckIn(
            member_id=rng.choice(members).id,
            check_in_time=start,
            check_out_time=min(start + timedelta(minutes=rng.randrange(1, 200)), NOW - timedelta(minutes=1)),
        )
        db.add(visit)
        visits.append(visit)
    db.flush()
    return visits


def same_figures(db: Session) -> None:
    """Hours and days of the period, with the roll-up and from the visits only, agree."""
    for size in (BucketSize.HOUR, BucketSize.DAY, BucketSize.WEEK):
        buckets = spans(ZONE, date(2026, 10, 26), date(2026, 11, 5), size)
        rolled, direct = series(db, buckets, NOW), series(db, buckets, NOW, rolled=False)
        for a, b in zip(rolled, direct, strict=True):
            assert (a.check_ins, a.peak) == (b.check_ins, b.peak), (size, a.span)
            assert a.average == b.average or abs((a.average or 0) - (b.average or 0)) < 1e-3, (size, a.span)


def test_the_rolled_up_past_reads_like_the_visits(db: Session) -> None:
    visits = random_visits(db, 150, seed=1)
    assert advance(db, now=NOW) > 0
    line = rolled_until(db)
    assert line is not None and NOW - timedelta(minutes=15) <= line <= NOW
    same_figures(db)
    assert advance(db, now=NOW) == 0  # nothing new has settled

    # Deleted and edited visits: the quarters they touched are computed again.
    gone = visits[:20]
    spans_before = [(v.check_in_time, v.check_out_time) for v in gone]
    for visit in gone:
        db.delete(visit)
    edited = visits[20]
    old = (edited.check_in_time, edited.check_out_time)
    edited.check_out_time = edited.check_in_time + timedelta(minutes=3)
    db.flush()
    assert refresh(db, [*spans_before, old, (edited.check_in_time, edited.check_out_time)]) > 0
    same_figures(db)


def test_an_open_visit_holds_the_roll_up_back_until_it_is_closed(db: Session) -> None:
    random_visits(db, 40, seed=2)
    member = make_member(db)
    forgotten = CheckIn(member_id=member.id, check_in_time=NOW - timedelta(days=2, minutes=7))
    db.add(forgotten)
    db.flush()
    advance(db, now=NOW)
    line = rolled_until(db)
    assert line is not None and line <= forgotten.check_in_time
    same_figures(db)

    forgotten.check_out_time = NOW - timedelta(hours=5)  # checked out late, by the night job or a person
    db.flush()
    advance(db, now=NOW)
    assert (rolled_until(db) or NOW) > forgotten.check_in_time
    same_figures(db)


def test_no_visits_nothing_to_roll_up(db: Session) -> None:
    assert advance(db, now=NOW) == 0 and rolled_until(db) is None
    assert db.execute(sa.text("SELECT count(*) FROM occupancy_slots")).scalar() == 0


def test_deleting_a_member_takes_their_visits_out_of_the_rolled_up_past(db: Session) -> None:
    from tests.factories import actor_for, make_user
    from thrust.members.service import delete_member
    from thrust.models import Role

    visits = random_visits(db, 120, seed=3)
    advance(db, now=NOW)
    leaving = visits[0].member_id
    assert any(v.member_id == leaving for v in visits[1:])  # a regular: several visits to take out
    delete_member(db, actor_for(make_user(db, role=Role.ADMIN)), leaving)
    db.expire_all()
    same_figures(db)
