"""The staff dashboard's state without a server: the cards equal the member lists they link to, a trainer
sees their own members, a member gets nothing, the charts load with their CSV, and a bad range gets the
service's message under its field.

Each client is a fresh state tree (tests/support/states.py); the handlers' units of work run in the
test's rolled-back transaction (both engines).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.factories import actor_for, make_member, make_user
from tests.server import afternoon_timezone
from tests.support.states import call, run, said, scope_in, sessions
from tests.support.states import client as new_client
from tests.support.states import signed_in as harness_signed_in
from thrust.auth.policy import DENIED_MESSAGE
from thrust.auth.rbac import Actor
from thrust.core.reflex_compat import call_handler
from thrust.core.settings import get_settings
from thrust.dashboard.staff_cards import MEMBER_LISTS
from thrust.dashboard.state import StaffCardsState, StaffChartsState
from thrust.members.directory_state import MembersState
from thrust.models import CheckIn, GymSettings, Member, MemberStatus, Role, User
from thrust.ui import feedback

ADMIN, COACH, MEMBER = "thrust_access=admin", "thrust_access=coach", "thrust_access=member"
# Which state var holds each member card's number.
CARD_VALUES = {
    "active": "active",
    "frozen": "frozen",
    "inactive": "inactive",
    "new-this-month": "new_this_month",
    "expiring-7": "expiring_7",
    "expiring-30": "expiring_30",
}


def visits(db: Session, member: Member, days_ago: list[int], minutes: int = 60) -> None:
    now = datetime.now(UTC)
    for days in days_ago:
        start = now - timedelta(days=days, hours=1)
        db.add(
            CheckIn(
                member_id=member.id, check_in_time=start, check_out_time=start + timedelta(minutes=minutes)
            )
        )
    db.flush()


@pytest.fixture
def people(db: Session) -> dict[str, Any]:
    # A gym where it is now mid-afternoon (its date is today's UTC date): a visit an hour ago is today's
    # whatever the hour the suite runs (at 00:20 UTC it was yesterday's in a UTC gym).
    gym = db.get(GymSettings, 1)
    assert gym is not None
    gym.timezone = afternoon_timezone()
    db.add(gym)
    today = date.today()
    admin = make_user(db, role=Role.ADMIN, full_name="Gym Admin")
    coach = make_user(db, role=Role.TRAINER, full_name="Marcus Reid")
    dropped = make_member(db, full_name="Dana Drop", trainer=coach, end=today + timedelta(days=5))
    steady = make_member(db, full_name="Sam Steady", trainer=coach, end=today + timedelta(days=20))
    other = make_member(db, full_name="Olga Other", end=today + timedelta(days=6))
    make_member(db, full_name="Fay Frozen", status=MemberStatus.FROZEN, trainer=coach)
    make_member(db, full_name="Ian Inactive", status=MemberStatus.INACTIVE, end=today + timedelta(days=25))
    newcomer = make_member(db, full_name="Nia New", trainer=coach, end=today + timedelta(days=300))
    newcomer.membership_start = today.replace(day=1)
    starts_later = make_member(db, full_name="Lia Later", end=today + timedelta(days=300))
    starts_later.membership_start = today + timedelta(days=3)  # not new this month yet: not begun
    db.flush()
    # Dana came twice a week for eight weeks, then stopped: at risk. Sam keeps coming.
    visits(db, dropped, [15 + 3 * k for k in range(18)])
    visits(db, steady, list(range(0, 70, 3)))
    visits(db, other, [0, 1], minutes=30)
    member_user = db.get(User, other.user_id)
    return {"admin": admin, "coach": coach, "member_user": member_user, "dropped": dropped}


@pytest.fixture(autouse=True)
def wiring(
    db: Session, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    table: dict[str, Actor] = {
        ADMIN: actor_for(people["admin"]),
        COACH: actor_for(people["coach"]),
        MEMBER: actor_for(people["member_user"]),
    }
    sessions(monkeypatch, table)
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    monkeypatch.setenv("THRUST_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def dashboard(cookie: str) -> tuple[State, StaffCardsState, list[Any]]:
    """Open the dashboard as `cookie`'s user: the page's loader, then whatever it hands on."""
    root = new_client(cookie, "/")
    await harness_signed_in(root)
    cards = await root.get_state(StaffCardsState)
    handed_on = await call_handler(StaffCardsState.open_dashboard, cards)
    if handed_on:
        await call(StaffCardsState.load_cards, cards)
    return root, cards, handed_on or []


async def directory_total(cookie: str, path: str) -> int:
    root = new_client(cookie, path)
    await harness_signed_in(root)
    members = await root.get_state(MembersState)
    await call(MembersState.open_directory, members)
    assert members.total_exact
    return members.total


@pytest.mark.parametrize("cookie", [ADMIN, COACH])
def test_each_card_counts_the_list_it_links_to(cookie: str) -> None:
    async def scenario() -> None:
        _, cards, handed_on = await dashboard(cookie)
        assert handed_on == [StaffCardsState.load_cards, StaffChartsState.load_charts]
        assert cards.loaded and cards.at_risk_loaded
        for metric, path in MEMBER_LISTS.items():
            assert getattr(cards, CARD_VALUES[metric]) == await directory_total(cookie, path), metric

    run(scenario())


def test_the_admin_sees_the_gym_and_the_trainer_their_own_members() -> None:
    async def scenario() -> None:
        _, gym, _ = await dashboard(ADMIN)
        assert (gym.active, gym.frozen, gym.inactive, gym.new_this_month) == (5, 1, 1, 1)
        assert (gym.expiring_7, gym.expiring_30, gym.visits_today) == (2, 4, 2)
        assert gym.whose == "All members" and gym.average_visit == "56 min"  # (15 x 60 + 2 x 30) / 17
        _, own, _ = await dashboard(COACH)
        assert (own.active, own.frozen, own.inactive, own.new_this_month) == (3, 1, 0, 1)
        assert (own.expiring_7, own.expiring_30, own.visits_today) == (1, 2, 1)
        assert own.whose == "Your assigned members"

    run(scenario())


def test_members_at_risk_name_the_ones_whose_visits_fell_off(people: dict[str, Any]) -> None:
    async def scenario() -> None:
        for cookie in (ADMIN, COACH):
            _, cards, _ = await dashboard(cookie)
            assert cards.at_risk_total == 1
            (row,) = cards.at_risk
            assert (row.id, row.name, row.initials) == (str(people["dropped"].id), "Dana Drop", "DD")
            assert row.recent == "0 visits in the last 14 days" and row.last_visit == "15 days ago"
            assert row.usual == "usually 4.5 visits a fortnight"

    run(scenario())


def test_a_member_opens_the_dashboard_without_any_staff_data() -> None:
    async def scenario() -> None:
        root, cards, handed_on = await dashboard(MEMBER)
        assert handed_on == [] and not cards.loaded and cards.at_risk == []
        # Called by hand (a forged event), the loaders refuse and fill nothing.
        assert DENIED_MESSAGE in said(await call(StaffCardsState.load_cards, cards))
        charts = await root.get_state(StaffChartsState)
        assert DENIED_MESSAGE in said(await call(StaffChartsState.load_charts, charts))
        assert not cards.loaded and not charts.loaded and charts.summaries == {}

    run(scenario())


async def charts_of(cookie: str) -> StaffChartsState:
    root, _, _ = await dashboard(cookie)
    charts = await root.get_state(StaffChartsState)
    await call(StaffChartsState.load_charts, charts)
    return charts


def test_the_charts_load_with_their_data_as_csv() -> None:
    async def scenario() -> None:
        charts = await charts_of(ADMIN)
        assert charts.loaded and charts.period == "30"
        assert charts.empty == {
            "today": False,
            "visits": False,
            "heatmap": False,
            "lengths": False,
            "tiers": False,
        }
        assert charts.range_to == date.today().isoformat()
        assert charts.range_from == (date.today() - timedelta(days=29)).isoformat()
        assert len(charts.visits_fig.data[0].x) == 30

        (download,) = await call(StaffChartsState.download_csv, charts, "visits")
        text = str(download)
        assert f"thrust-visits-per-day-{charts.range_from}-to-{charts.range_to}.csv" in text
        table = list(csv.reader(io.StringIO(charts._csv["visits"])))
        assert table[0][:2] == ["day", "check_ins"] and len(table) == 31
        assert sum(int(row[1]) for row in table[1:]) == 2 + 10 + 5  # the visits of the last 30 days
        assert "not one of the allowed values" in said(await call(StaffChartsState.download_csv, charts, "x"))

    run(scenario())


def test_the_period_and_a_range_of_dates_redraw_the_visits() -> None:
    async def scenario() -> None:
        charts = await charts_of(ADMIN)
        await call(StaffChartsState.choose_period, charts, "90")
        assert charts.period == "90" and len(charts.visits_fig.data[0].x) == 90
        first = date.today() - timedelta(days=9)
        await call(
            StaffChartsState.apply_range, charts, {"from": first.isoformat(), "to": date.today().isoformat()}
        )
        assert charts.period == "" and charts.range_from == first.isoformat() and charts.range_errors == {}
        assert len(charts.visits_fig.data[0].x) == 10

    run(scenario())


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "from", "The start must not be after the end"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "to", "At most 366 days"),
        ({"from": "yesterday", "to": "2026-01-01"}, "from", "Start must be a date like 2026-01-31"),
        ({"from": "", "to": "2026-01-01"}, "from", "Start is required"),
    ],
)
def test_a_bad_range_says_what_is_wrong_under_its_field(
    sent: dict[str, str], field: str, message: str
) -> None:
    async def scenario() -> None:
        charts = await charts_of(ADMIN)
        before = charts.range_from
        await call(StaffChartsState.apply_range, charts, sent)
        assert message in charts.range_errors[field]
        assert charts.range_from == before and not charts.range_busy  # the chart keeps what it showed

    run(scenario())
