"""The live states: the broadcaster's push into them, the gauge, the spoken occupancy, and loading a live page
against the database (both engines), names only for staff on the live traffic page.

State handlers run as Reflex runs them for one client token (tests/support/states.py), with the cookie
-> actor lookup replaced by a table and the unit of work bound to the test's rolled-back session.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from reflex.state import State
from sqlmodel import Session

from tests.checkins.support import client, open_visits, snapshot
from tests.factories import make_member, make_visit
from tests.support.states import run, signed_in
from thrust.auth.rbac import Actor
from thrust.checkins import live
from thrust.checkins import state as desk_state
from thrust.checkins.snapshot import Occupancy, read_snapshot
from thrust.checkins.state import LiveStaffState, LiveState, push_to_token
from thrust.core.reflex_compat import call_handler

# -- pushing into the real state classes --------------------------------------------------------------------


class FakeApp:
    """`modify_state` as Reflex's: one root state per client token; deltas are read by the test."""

    def __init__(self) -> None:
        self.roots: dict[str, State] = {}

    @contextlib.asynccontextmanager
    async def modify_state(self, token: Any) -> AsyncIterator[State]:
        yield self.roots.setdefault(token.ident, State(_reflex_internal_init=True))


def _flat(delta: dict[str, dict[str, Any]]) -> str:
    return repr(delta)


def test_push_to_token_sends_occupancy_to_all_and_names_only_when_told() -> None:
    async def scenario() -> None:
        app = FakeApp()
        await push_to_token(app, "member", snapshot(7, names=True), 123, False, None)  # type: ignore[arg-type]  # a stand-in app with modify_state only
        await push_to_token(app, "staff", snapshot(7, names=True), 123, False, True)  # type: ignore[arg-type]  # a stand-in app with modify_state only
        member, staff = app.roots["member"], app.roots["staff"]
        assert (await member.get_state(LiveState)).current == 7
        assert (await member.get_state(LiveState)).now_ms == 123
        member_delta = await member._get_resolved_delta()
        assert "Ana Ruiz" not in _flat(member_delta)
        assert LiveStaffState.get_full_name() not in member_delta
        staff_delta = await staff._get_resolved_delta()
        assert "Ana Ruiz" in _flat(staff_delta[LiveStaffState.get_full_name()])
        staff._clean()
        await push_to_token(app, "staff", snapshot(8), 124, True, False)  # type: ignore[arg-type]  # a stand-in app with modify_state only
        cleared = await staff.get_state(LiveStaffState)
        assert cleared.feed == [] and cleared.inside == [] and not cleared.loaded
        assert (await staff.get_state(LiveState)).paused

    run(scenario())


def test_the_gauge_bands() -> None:
    live_state = LiveState(_reflex_internal_init=True)  # type: ignore[call-arg]  # Reflex's own flag for a state built outside an app
    for current, maximum, band, percent in [
        (0, 100, "green", 0),
        (69, 100, "green", 69),
        (70, 100, "amber", 70),
        (89, 100, "amber", 89),
        (90, 100, "red", 90),
        (120, 100, "red", 120),
        (2, 3, "green", 67),  # 66.7 % is green even though it rounds towards 70
        (0, 0, "green", 0),
    ]:
        live_state.current, live_state.maximum = current, maximum
        assert (live_state.band, live_state.percent) == (band, percent), (current, maximum)
    assert live_state.fill == "0%"


def test_screen_readers_hear_the_occupancy_at_most_every_few_seconds() -> None:
    """The polite live region changes on the first read, then at most every ANNOUNCE_EVERY_MS; a change
    held back is said by the next push or heartbeat after the pause."""
    live_state = LiveState(_reflex_internal_init=True)  # type: ignore[call-arg]
    every = desk_state.ANNOUNCE_EVERY_MS
    start = 1_000_000

    live_state._show(Occupancy(12, 40, "10:00:00"), start, paused=False)
    assert live_state.announcement == "12 people inside, 30% of the maximum of 40."
    for step, current in enumerate((13, 14, 15), start=1):  # a burst of check-ins, a second apart
        live_state._show(Occupancy(current, 40, "10:00:01"), start + step * 1000, paused=False)
        assert live_state.current == current  # the number on screen follows every push
        assert live_state.announcement.startswith("12 people")  # the voice waits
    live_state._show(Occupancy(15, 40, "10:00:15"), start + every, paused=False)  # the heartbeat
    assert live_state.announcement == "15 people inside, 38% of the maximum of 40."
    live_state._show(Occupancy(1, 40, "10:01:00"), start + 3 * every, paused=False)
    assert live_state.announcement == "1 person inside, 2% of the maximum of 40."


def test_read_snapshot_names_people_only_for_staff(db: Session, bound: dict[str, Actor]) -> None:
    ana = make_member(db, full_name="Ana Ruiz")
    make_visit(db, ana, minutes=None)
    inside = open_visits(db)
    plain = read_snapshot(None)
    assert plain.occupancy.current == inside and plain.feed is None and plain.inside is None
    assert read_snapshot(bound["thrust_access=member"]).feed is None
    named = read_snapshot(bound["thrust_access=staff"])
    assert named.occupancy.current == inside
    assert any(row.name == "Ana Ruiz" for row in named.inside or ())
    assert named.feed and named.feed[0].name == "Ana Ruiz" and named.feed[0].kind == "in"


def test_loading_a_live_page_registers_the_socket_and_names_only_staff_on_live_traffic(
    db: Session, bound: dict[str, Actor]
) -> None:
    ana = make_member(db, full_name="Ana Ruiz")
    make_visit(db, ana, minutes=None)

    async def scenario() -> None:
        member = client("thrust_access=member", "/live")
        await signed_in(member)
        live_state = await member.get_state(LiveState)
        await call_handler(LiveState.load_live, live_state)
        assert live_state.current == open_visits(db) and live_state.loaded
        sent = await member._get_resolved_delta()
        assert "Ana Ruiz" not in repr(sent)
        staff = client("thrust_access=staff", "/live")
        await signed_in(staff)
        await call_handler(LiveState.load_live, await staff.get_state(LiveState))
        assert any(row.name == "Ana Ruiz" for row in (await staff.get_state(LiveStaffState)).inside)
        watching = dict(
            live.WATCHERS.connected(
                {
                    member.router.session.client_token: member.router.session.session_id,
                    staff.router.session.client_token: staff.router.session.session_id,
                }
            )
        )
        assert watching[member.router.session.client_token].staff is False
        assert watching[staff.router.session.client_token].staff is True
        # The dashboard shows staff the number only: no names are read or sent there.
        dashboard = client("thrust_access=staff", "/")
        await signed_in(dashboard)
        await call_handler(LiveState.load_live, await dashboard.get_state(LiveState))
        assert (await dashboard.get_state(LiveStaffState)).inside == []
        assert "Ana Ruiz" not in repr(await dashboard._get_resolved_delta())

    run(scenario())
