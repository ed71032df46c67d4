"""Visit lengths and the tier mix of a period, against counts worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from tests.factories import make_member
from thrust.analytics.distribution import tier_mix, visit_lengths
from thrust.models import CheckIn, MembershipTier

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)


def test_lengths_fall_in_their_bins_and_tiers_are_counted(db: Session) -> None:
    basic, vip = make_member(db), make_member(db, tier=MembershipTier.VIP)
    day = START + timedelta(days=3, hours=9)
    for member, minutes, auto in (
        (basic, 20, False),
        (basic, 30, False),  # exactly 30: the 30-45 bin
        (vip, 59, False),
        (vip, 150, False),
        (vip, 600, True),  # closed by the night job: not a length
    ):
        db.add(
            CheckIn(
                member_id=member.id,
                check_in_time=day,
                check_out_time=day + timedelta(minutes=minutes),
                auto_checked_out=auto,
            )
        )
        day += timedelta(days=1)
    db.add(
        CheckIn(member_id=basic.id, check_in_time=START - timedelta(hours=1), check_out_time=START)
    )  # before
    db.add(CheckIn(member_id=vip.id, check_in_time=END - timedelta(minutes=5), check_out_time=None))  # open
    db.flush()
    bins = visit_lengths(db, START, END)
    assert [(b.label, b.visits) for b in bins] == [
        ("under 30 min", 1),
        ("30-45 min", 1),
        ("45-60 min", 1),
        ("60-75 min", 0),
        ("75-90 min", 0),
        ("90-120 min", 0),
        ("2 h or more", 1),
    ]
    assert tier_mix(db, START, END) == {
        MembershipTier.BASIC: 2,
        MembershipTier.PREMIUM: 0,
        MembershipTier.VIP: 4,
    }
