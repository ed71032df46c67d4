"""The member's dashboard without a server: today's chart (solid so far, dashed after now, a line at now,
the same in words), the figures it is drawn from, and the state a member's dashboard loads: their own
visits only, and nothing at all for staff (who get the staff dashboard)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.auth.helpers import make_account
from tests.factories import actor_for, make_member, make_visit
from tests.support.states import call, client, run, scope_in, sessions, signed_in
from thrust.analytics.buckets import BucketSize, spans
from thrust.analytics.forecast import Expected
from thrust.analytics.occupancy import Point
from thrust.checkins.visits import NO_MEMBERSHIP
from thrust.dashboard.member_chart import day_chart
from thrust.dashboard.member_state import NO_FORECAST, MemberDashboardState, read_member_day
from thrust.gym.service import DAYS, GYM_ID, get_gym
from thrust.models import CheckIn, GymSettings, Member, Role, User
from thrust.ui import feedback

BERLIN = ZoneInfo("Europe/Berlin")


def _hours(day: date) -> list:
    return spans(BERLIN, day, day, BucketSize.HOUR)


def test_the_chart_draws_the_day_so_far_solid_and_the_rest_dashed_from_now() -> None:
    day = date(2026, 5, 12)
    hours = _hours(day)
    now = datetime(2026, 5, 12, 14, 30, tzinfo=BERLIN)
    so_far = [Point(h, 1, 8.0 if h.local.hour >= 6 else 0.0, 9) for h in hours if h.start < now]
    so_far += [Point(h, 0, None, None) for h in hours if h.start >= now]
    expected = [Expected(h, 20.0 if h.local.hour == 18 else 5.0) for h in hours if h.start > now]

    chart = day_chart(so_far, expected, current=11, now=now, opening=("06:00", "22:30"))
    seen, ahead = chart.figure.data
    assert seen.name == "Today so far" and seen.line.dash is None
    assert ahead.name == "Expected" and ahead.line.dash == "dash"
    # The solid line ends at now with the people inside now; the dashed one starts there.
    assert (seen.x[-1], seen.y[-1]) == (14.5, 11) and (ahead.x[0], ahead.y[0]) == (14.5, 11)
    assert max(seen.x) <= 14.5 <= min(ahead.x) and 18.5 in ahead.x and ahead.y[ahead.x.index(18.5)] == 20
    layout = chart.figure.layout
    assert tuple(layout.xaxis.range) == (6, 23) and layout.shapes[0].x0 == 14.5
    assert layout.annotations[0].text == "now" and layout.xaxis.ticktext[0] == "06:00"
    assert chart.summary.startswith("At 14:30, 11 people inside. Expected: 15:00 about 5,")
    assert "18:00 about 20" in chart.summary


def test_before_opening_the_chart_still_reaches_now_and_without_history_has_no_dashed_line() -> None:
    now = datetime(2026, 5, 12, 5, 10, tzinfo=BERLIN)
    so_far = [Point(h, 0, 0.0, 0) for h in _hours(now.date()) if h.start < now]
    chart = day_chart(so_far, [], current=0, now=now, opening=("06:00", "22:00"))
    assert len(chart.figure.data) == 1 and chart.figure.layout.xaxis.range[0] == 5
    assert chart.summary == "At 05:10, 0 people inside."


def _set_gym(db: Session, **values: object) -> None:
    db.execute(sa.update(GymSettings).where(GymSettings.id == GYM_ID).values(**values))  # type: ignore[arg-type]
    db.expire_all()


def _stay(db: Session, member: Member, start: datetime, minutes: int | None) -> None:
    end = None if minutes is None else start + timedelta(minutes=minutes)
    db.add(CheckIn(member_id=member.id, check_in_time=start, check_out_time=end))
    db.flush()


def test_the_day_read_for_a_member_is_theirs_and_the_gyms(db: Session) -> None:
    _set_gym(db, timezone="UTC")
    now = datetime(2026, 5, 20, 12, 30, tzinfo=UTC)  # a Wednesday
    ana, other = make_member(db, full_name="Ana Ruiz"), make_member(db, full_name="Other Person")
    # Three weeks of mornings for the forecast: both inside 09:00-11:00, Ana alone 17:00-18:00.
    for days_back in range(1, 22):
        day = now.replace(hour=0, minute=0) - timedelta(days=days_back)
        _stay(db, ana, day + timedelta(hours=9), 120)
        _stay(db, other, day + timedelta(hours=9), 120)
    _stay(db, other, now - timedelta(minutes=40), None)

    day = read_member_day(db, actor_for(_user(db, ana)), now)
    assert not day.closed and day.hint and day.note == ""
    assert day.month == "May 2026" and day.count == 19  # Ana's visits since 1 May: 1-19 May
    assert day.time_inside == "38 h 00 min" and len(day.visits) == 19
    assert day.visits[0].day == "Tue 19 May 2026" and day.visits[0].hours == "09:00–11:00"
    assert day.visits[0].duration == "2 h 00 min" and not day.visits[0].open
    assert day.summary.startswith("At 12:30, 1 person inside. Expected: 13:00 about 0,")


def test_no_history_no_forecast_and_a_closed_day_says_so(db: Session) -> None:
    _set_gym(db, timezone="UTC")
    now = datetime(2026, 5, 20, 12, 30, tzinfo=UTC)
    member = make_member(db)
    day = read_member_day(db, actor_for(_user(db, member)), now)
    assert day.note == NO_FORECAST and day.hint == "" and day.count == 0 and day.visits == []
    hours = dict(get_gym(db).opening_hours or {}) | {DAYS[now.weekday()]: None}
    _set_gym(db, opening_hours=hours)
    assert read_member_day(db, actor_for(_user(db, member)), now).closed


def _user(db: Session, member: Member) -> User:
    user = db.get(User, member.user_id)
    assert user is not None
    return user


# -- the state ------------------------------------------------------------------------------------------

MEMBER, ADMIN, STAFF_MEMBERLESS = "thrust_access=member", "thrust_access=admin", "thrust_access=trainer"


@pytest.fixture
def people(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Member]]:
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    member_user = make_account(db, Role.MEMBER)
    member = db.exec(sa.select(Member).where(Member.user_id == member_user.id)).scalar_one()  # type: ignore[call-overload]
    sessions(
        monkeypatch,
        {
            MEMBER: actor_for(member_user),
            ADMIN: actor_for(make_account(db, Role.ADMIN)),
            STAFF_MEMBERLESS: actor_for(make_account(db, Role.TRAINER)),
        },
    )
    yield {"member": member}


async def _dashboard(cookie: str) -> MemberDashboardState:
    root = client(cookie, "/")
    await signed_in(root)
    state = await root.get_state(MemberDashboardState)
    await call(MemberDashboardState.load_member_dashboard, state)
    return state


def test_a_members_dashboard_loads_their_own_visits(db: Session, people: dict[str, Member]) -> None:
    make_visit(db, people["member"], hours_ago=0.05, minutes=None)
    make_visit(db, make_member(db, full_name="Other Person"), hours_ago=0.05, minutes=None)

    async def scenario() -> None:
        state = await _dashboard(MEMBER)
        assert state.loaded and state.month and state.figure.data
        assert state.visit_count in (0, 1)  # three minutes into a new month the visit began in the last
        if state.visit_count:
            assert state.visits_label == "1 visit" and state.visits[0].open
        assert "Other Person" not in str(state.dict())

    run(scenario())


def test_staff_get_nothing_here(db: Session, people: dict[str, Member]) -> None:
    async def scenario() -> None:
        for cookie in (ADMIN, STAFF_MEMBERLESS):
            state = await _dashboard(cookie)
            assert not state.loaded and state.visits == [] and state.visits_note == ""

    run(scenario())


def test_a_member_account_without_a_membership_is_told_so(db: Session, people: dict[str, Member]) -> None:
    db.delete(people["member"])
    db.flush()

    async def scenario() -> None:
        state = await _dashboard(MEMBER)
        assert state.loaded and state.visits_note == NO_MEMBERSHIP and state.visit_count == 0

    run(scenario())
