"""The live states: the messages a push round sends, the gauge, the spoken occupancy, catching up before a
hydrate, and loading a live page against the database (both engines), names only for staff on the live
traffic page.

State handlers run as Reflex runs them for one client token (tests/support/states.py), with the cookie
-> actor lookup replaced by a table and the unit of work bound to the test's rolled-back session.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests.checkins.support import client, open_visits, snapshot
from tests.factories import make_member, make_visit
from tests.support.states import run, signed_in
from thrust.auth.rbac import Actor
from thrust.checkins import live
from thrust.checkins.latest import ANNOUNCE_EVERY_MS, LATEST, Latest, occupancy_fields, read_began
from thrust.checkins.snapshot import Occupancy, read_snapshot
from thrust.checkins.state import LIVE_VIEWS, LiveStaffState, LiveState, refresh_before_hydrate
from thrust.core.reflex_compat import call_handler

LIVE = LiveState.get_full_name()
STAFF = LiveStaffState.get_full_name()


def _var_names(state: type[Any]) -> set[str]:
    return {name for name in state.base_vars if not name.startswith("_")}


def test_the_messages_carry_every_var_of_the_live_states_and_names_only_in_their_own() -> None:
    latest_read = Latest()
    latest_read.offer(snapshot(7, names=True), began=1.0)
    occupancy = LIVE_VIEWS.occupancy(latest_read, 123, False)
    # Every var a live page shows, in one message: a page that only ever got pushes shows what a page
    # freshly loaded would (nothing is left to a per-client state round trip).
    assert set(occupancy) == {LIVE}
    assert set(occupancy[LIVE]) == _var_names(LiveState)
    assert occupancy[LIVE]["current"] == 7 and occupancy[LIVE]["now_ms"] == 123
    assert "Ana Ruiz" not in repr(occupancy)
    names = LIVE_VIEWS.names(latest_read)
    assert set(names) == {STAFF} and set(names[STAFF]) == _var_names(LiveStaffState)
    assert "Ana Ruiz" in repr(names)
    # Cleared: the staff state's own defaults.
    cleared = LIVE_VIEWS.names_cleared()[STAFF]
    defaults = LiveStaffState(_reflex_internal_init=True)  # type: ignore[call-arg]  # Reflex's own flag for a state built outside an app
    assert cleared == {name: getattr(defaults, name) for name in _var_names(LiveStaffState)}


def test_the_gauge_bands() -> None:
    for current, maximum, band, percent, fill in [
        (0, 100, "green", 0, "0%"),
        (69, 100, "green", 69, "69%"),
        (70, 100, "amber", 70, "70%"),
        (89, 100, "amber", 89, "89%"),
        (90, 100, "red", 90, "90%"),
        (120, 100, "red", 120, "100%"),  # an admin override: the bar stops at full
        (2, 3, "green", 67, "67%"),  # 66.7 % is green even though it rounds towards 70
        (0, 0, "green", 0, "0%"),
    ]:
        read = Latest()
        read.offer_occupancy(Occupancy(current, maximum, "10:00:00"), began=1.0)
        fields = occupancy_fields(read, stamp=1, paused=False)
        shown = (fields["band"], fields["percent"], fields["fill"])
        assert shown == (band, percent, fill), (current, maximum)


def test_screen_readers_hear_the_occupancy_at_most_every_few_seconds() -> None:
    """The polite live region changes on the first read, then at most every ANNOUNCE_EVERY_MS; a change
    held back is said by the next push or heartbeat after the pause."""
    read = Latest()
    start = 1_000_000

    def push(current: int, at: int) -> dict[str, Any]:
        read.offer_occupancy(Occupancy(current, 40, "10:00:00"), began=read_began())
        return occupancy_fields(read, stamp=at, paused=False)

    assert push(12, start)["announcement"] == "12 people inside, 30% of the maximum of 40."
    for step, current in enumerate((13, 14, 15), start=1):  # a burst of check-ins, a second apart
        shown = push(current, start + step * 1000)
        assert shown["current"] == current  # the number on screen follows every push
        assert shown["announcement"].startswith("12 people")  # the voice waits
    heartbeat = push(15, start + ANNOUNCE_EVERY_MS)
    assert heartbeat["announcement"] == "15 people inside, 38% of the maximum of 40."
    later = push(1, start + 3 * ANNOUNCE_EVERY_MS)
    assert later["announcement"] == "1 person inside, 2% of the maximum of 40."


def test_a_hydrate_after_pushes_shows_the_newest_number_and_no_later_delta_sends_an_older_one(
    db: Session, bound: dict[str, Actor]
) -> None:
    """Pushes never touch the stored state; a reload (hydrate) and the desk's own check-in must still
    send the number the pushes showed, not the one the state stored at its last load."""
    make_visit(db, make_member(db), minutes=None)

    async def scenario() -> None:
        desk = client("thrust_access=staff", "/front-desk")
        await signed_in(desk)
        live_state = await desk.get_state(LiveState)
        await call_handler(LiveState.load_live, live_state)
        stored = live_state.current
        desk._clean()
        # Rounds pushed newer numbers to the page (the stored state is not touched by them).
        LATEST.offer_occupancy(Occupancy(stored + 5, 100, "10:00:05"), began=read_began())
        assert live_state.current == stored
        # A reload: the hydrate's whole state holds the newest number.
        await refresh_before_hydrate(desk)
        assert live_state.current == stored + 5
        assert (await desk._get_resolved_delta())[LIVE]["current_rx_state_"] == stored + 5
        desk._clean()
        # A count the desk made before a later-begun read cannot replace it in what the desk is sent.
        before_the_round = read_began()
        LATEST.offer_occupancy(Occupancy(stored + 6, 100, "10:00:06"), began=read_began())
        LATEST.offer_occupancy(Occupancy(stored + 1, 100, ""), began=before_the_round)
        live_state._show_latest()
        assert (await desk._get_resolved_delta())[LIVE]["current_rx_state_"] == stored + 6

    run(scenario())


def test_before_a_hydrate_names_are_refreshed_only_for_a_user_who_may_see_them(
    db: Session, bound: dict[str, Actor]
) -> None:
    async def scenario() -> None:
        staff = client("thrust_access=staff", "/live")
        member = client("thrust_access=member", "/live")
        for page in (staff, member):
            await signed_in(page)
            await call_handler(LiveState.load_live, await page.get_state(LiveState))
        LATEST.offer(snapshot(3, names=True), began=read_began())  # a round read someone coming in
        await refresh_before_hydrate(staff)
        assert [row.name for row in (await staff.get_state(LiveStaffState)).inside] == ["Ana Ruiz"]
        await refresh_before_hydrate(member)
        assert (await member.get_state(LiveStaffState)).inside == []
        assert "Ana Ruiz" not in repr(await member._get_resolved_delta())
        assert (await member.get_state(LiveState)).current == 3

    run(scenario())


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


def test_a_hydrate_on_a_worker_that_skipped_rounds_reads_afresh(db: Session, bound: dict[str, Actor]) -> None:
    """With no page watching, a worker reads nothing on a change; a tab reconnecting to it must still be
    hydrated with the number in the database, not the worker's older read."""

    async def scenario() -> None:
        screen = client("thrust_access=staff", "/live")
        await signed_in(screen)
        live_state = await screen.get_state(LiveState)
        await call_handler(LiveState.load_live, live_state)
        before = live_state.current
        make_visit(db, make_member(db, full_name="Late Arrival"), minutes=None)  # a change nobody read
        LATEST.mark_stale()  # what the broadcaster does when it skips a round
        await refresh_before_hydrate(screen)
        assert live_state.current == before + 1 == open_visits(db)
        assert not LATEST.stale

    run(scenario())
