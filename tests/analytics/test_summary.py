"""The dashboard's cards against counts worked out by hand, for an admin and for a trainer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from thrust.analytics.rollup import advance
from thrust.analytics.summary import summary
from thrust.core.errors import PermissionDenied
from thrust.gym.service import GYM_ID
from thrust.models import CheckIn, GymSettings, Member, MemberStatus, Role

NOW = datetime(2026, 11, 18, 17, 30, tzinfo=UTC)  # Wednesday 18:30 in Madrid
TODAY = date(2026, 11, 18)


def visit(db: Session, member: Member, start: datetime, minutes: int | None, *, auto: bool = False) -> None:
    end = None if minutes is None else start + timedelta(minutes=minutes)
    db.add(CheckIn(member_id=member.id, check_in_time=start, check_out_time=end, auto_checked_out=auto))
    db.flush()


@pytest.fixture
def gym(db: Session) -> Session:
    db.execute(sa.update(GymSettings).where(GymSettings.id == GYM_ID).values(timezone="Europe/Madrid"))  # type: ignore[arg-type]
    return db


@pytest.mark.parametrize("rolled", [False, True], ids=["visits", "rolled-up"])
def test_cards_count_what_the_linked_lists_hold(gym: Session, rolled: bool) -> None:
    db = gym
    admin = actor_for(make_user(db, role=Role.ADMIN))
    coach = make_user(db, role=Role.TRAINER)
    mine = make_member(db, trainer=coach, end=TODAY + timedelta(days=5))
    other = make_member(db, end=TODAY + timedelta(days=20))
    make_member(db, status=MemberStatus.FROZEN, trainer=coach, end=TODAY + timedelta(days=100))
    make_member(db, status=MemberStatus.INACTIVE, end=TODAY + timedelta(days=7))
    newcomer = make_member(db, end=TODAY + timedelta(days=300))
    newcomer.membership_start = date(2026, 11, 1)
    db.flush()

    # Madrid is UTC+1 in November: today's midnight is 23:00Z the day before.
    visit(db, mine, datetime(2026, 11, 17, 23, 30, tzinfo=UTC), 45)  # 00:30 today, local
    visit(db, other, datetime(2026, 11, 18, 9, 0, tzinfo=UTC), 75)
    visit(db, other, datetime(2026, 11, 18, 17, 0, tzinfo=UTC), None)  # inside now
    visit(db, mine, datetime(2026, 11, 17, 22, 30, tzinfo=UTC), 30)  # yesterday, local
    visit(db, mine, datetime(2026, 11, 11, 10, 0, tzinfo=UTC), 60)  # last Wednesday, before 18:30
    visit(db, other, datetime(2026, 11, 11, 18, 0, tzinfo=UTC), 60)  # last Wednesday, after 18:30
    visit(db, other, datetime(2026, 11, 12, 4, 0, tzinfo=UTC), 600, auto=True)  # closed by the night job
    if rolled:  # the admin's average from the visit-mix roll-up (up to the visit open now)
        assert advance(db, now=NOW) > 0

    cards = summary(db, admin, now=NOW)
    assert (cards.active, cards.frozen, cards.inactive) == (3, 1, 1)
    assert (cards.visits_today, cards.visits_last_week) == (3, 1)
    assert (cards.expiring_7, cards.expiring_30) == (2, 3)  # the inactive one ends in 7 days too
    assert cards.new_this_month == 1
    assert cards.average_visit_minutes == pytest.approx((45 + 75 + 30 + 60 + 60) / 5, abs=0.05)

    trainer = summary(db, actor_for(coach), now=NOW)
    assert (trainer.active, trainer.frozen, trainer.inactive) == (1, 1, 0)
    assert (trainer.visits_today, trainer.visits_last_week) == (1, 1)
    assert (trainer.expiring_7, trainer.expiring_30, trainer.new_this_month) == (1, 1, 0)
    assert trainer.average_visit_minutes == pytest.approx((45 + 30 + 60) / 3, abs=0.05)


def test_an_empty_gym_has_zeros_and_no_average(gym: Session) -> None:
    cards = summary(gym, actor_for(make_user(gym, role=Role.ADMIN)), now=NOW)
    assert cards.visits_today == cards.active == cards.expiring_30 == 0
    assert cards.average_visit_minutes is None


def test_a_member_may_not_read_the_cards(gym: Session) -> None:
    with pytest.raises(PermissionDenied):
        summary(gym, actor_for(make_user(gym, role=Role.MEMBER)), now=NOW)
