"""The live path without a server: the broadcaster's rounds, watchers, staff-only names, pause and
recovery; the live and desk states' handlers against the database (both engines).

The broadcaster is driven through a fake bus and a recording push; state handlers run as Reflex runs
them for one client token (see tests/ui/test_guard.py), with the cookie -> actor lookup replaced by a
table and the unit of work bound to the test's rolled-back session.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import Session, select

import thrust.thrust  # noqa: F401  (registers every state, as the running app does)
from tests.factories import make_member, make_user, make_visit
from tests.support.states import client as new_client
from tests.support.states import load_page, run, scope_in, sessions, signed_in
from thrust.auth.rbac import Actor
from thrust.checkins import live
from thrust.checkins import state as desk_state
from thrust.checkins.live import (
    HEARTBEAT_TYPE,
    Broadcaster,
    FeedRow,
    InsideRow,
    Occupancy,
    Snapshot,
    Watchers,
    push_to_token,
    read_snapshot,
)
from thrust.checkins.state import FrontDeskState, LiveStaffState, LiveState
from thrust.core.reflex_compat import call_handler
from thrust.models import CheckIn, GymSettings, MemberStatus, Role

STAFF = Actor(uuid.uuid4(), "marcus@thrust.com", Role.TRAINER, uuid.uuid4())
ADMIN = Actor(uuid.uuid4(), "admin@thrust.com", Role.ADMIN, uuid.uuid4())
MEMBER = Actor(uuid.uuid4(), "sam@example.com", Role.MEMBER, uuid.uuid4())

NAMES = (FeedRow(key="in:1", kind="in", name="Ana Ruiz"),)
INSIDE = (InsideRow(visit_id="v1", name="Ana Ruiz", since_ms=1),)


def snapshot(current: int = 1, *, names: bool = False) -> Snapshot:
    occupancy = Occupancy(current, 100, "10:00:00")
    return Snapshot(occupancy, NAMES, INSIDE) if names else Snapshot(occupancy)


# -- a fake bus and a recording push ------------------------------------------------------------------------


class FakeBus:
    """In-process pub/sub whose subscriptions a test can break, and whose delivery it can hold back."""

    def __init__(self) -> None:
        self.queues: list[asyncio.Queue[Any]] = []
        self.published: list[dict[str, Any]] = []
        self.subscriptions = 0
        self.deliver = True  # False: publish succeeds but nothing arrives (a silent, dead subscription)

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        self.published.append(message)
        if self.deliver:
            for queue in list(self.queues):
                queue._loop.call_soon_threadsafe(queue.put_nowait, message)  # type: ignore[attr-defined]  # asyncio.Queue keeps its loop privately; the fake bus needs it

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        self.queues.append(queue)
        self.subscriptions += 1
        try:
            while True:
                item = await queue.get()
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.queues.remove(queue)

    def break_all(self) -> None:
        for queue in self.queues:
            queue.put_nowait(ConnectionError("Redis went away"))


@dataclass
class Pushed:
    token: str
    snapshot: Snapshot
    paused: bool
    names: bool | None


@dataclass
class Harness:
    bus: FakeBus
    sockets: dict[str, str]
    watchers: Watchers
    cookies: dict[str, Actor | None]
    pushes: list[Pushed] = field(default_factory=list)
    reads: list[Actor | None] = field(default_factory=list)
    gate: asyncio.Event | None = None
    broadcaster: Broadcaster | None = None

    async def push(self, token: str, snap: Snapshot, stamp: int, paused: bool, names: bool | None) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.pushes.append(Pushed(token, snap, paused, names))

    def read(self, actor: Actor | None) -> Snapshot:
        self.reads.append(actor)
        return snapshot(len(self.reads), names=actor is not None)

    async def verify(self, cookie: str) -> Actor | None:
        return self.cookies.get(cookie)


async def eventually(check: Callable[[], bool], within: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running(harness: Harness, **options: Any) -> AsyncIterator[Broadcaster]:
    settings = {
        "heartbeat_seconds": 60.0,
        "echo_timeout_seconds": 60.0,
        "backoff_seconds": (0.01,),
        "probe_retry_seconds": 0.05,
    }
    settings.update(options)
    broadcaster = Broadcaster(
        sockets=lambda: harness.sockets,
        push=harness.push,
        bus=harness.bus,  # type: ignore[arg-type]  # a test double with the bus's methods
        watchers=harness.watchers,
        read=harness.read,
        verify=harness.verify,
        **settings,
    )
    harness.broadcaster = broadcaster
    task = asyncio.create_task(broadcaster.run())
    try:
        await eventually(lambda: broadcaster.healthy)  # its first heartbeat came back
        yield broadcaster
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def harness() -> Harness:
    watchers = Watchers()
    watchers.watch("desk", "sid-desk", staff=True, cookie="thrust_access=staff")
    watchers.watch("phone", "sid-phone", staff=False, cookie="thrust_access=member")
    watchers.watch("gone", "sid-gone", staff=True, cookie="thrust_access=staff")
    watchers.watch("moved", "sid-old", staff=False, cookie="")
    return Harness(
        bus=FakeBus(),
        sockets={"desk": "sid-desk", "phone": "sid-phone", "moved": "sid-new", "stranger": "sid-x"},
        watchers=watchers,
        cookies={"thrust_access=staff": STAFF, "thrust_access=member": None},
    )


# -- the broadcaster ----------------------------------------------------------------------------------------


def test_a_change_reaches_every_watcher_connected_here_and_names_only_staff() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h):
            h.pushes.clear()
            h.bus.publish("capacity", {"type": "check-in", "memberName": "Ana Ruiz"})
            await eventually(lambda: len(h.pushes) == 2)
        by_token = {p.token: p for p in h.pushes}
        # A socket that is gone, or that reconnected elsewhere, is dropped; one that never loaded a
        # live page ("stranger") gets nothing.
        assert set(by_token) == {"desk", "phone"}
        assert len(h.watchers) == 2
        assert by_token["desk"].names is True and by_token["desk"].snapshot.has_names
        assert by_token["phone"].names is None
        # One read per round, with a staff actor because a staff screen is watching.
        assert h.reads[-1] == STAFF

    run(scenario())


def test_without_staff_watchers_the_round_reads_no_names() -> None:
    async def scenario() -> None:
        h = harness()
        h.watchers.forget("desk")
        async with running(h):
            h.bus.publish("capacity", {"type": "check-out"})
            await eventually(lambda: any(not p.snapshot.has_names for p in h.pushes))
        assert set(h.reads) == {None}
        assert all(p.names is None for p in h.pushes)

    run(scenario())


def test_a_burst_of_messages_is_coalesced_into_few_reads() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h):
            h.gate = asyncio.Event()
            before = len(h.reads)
            h.bus.publish("capacity", {"type": "check-in"})
            await eventually(lambda: len(h.reads) == before + 1)  # a round is in flight, held at the push
            for _ in range(50):
                h.bus.publish("capacity", {"type": "check-in"})
            await asyncio.sleep(0.05)
            h.gate.set()
            await eventually(lambda: len(h.reads) == before + 2)
            await asyncio.sleep(0.05)
            # The 50 messages that arrived during the first round made exactly one more round, whose
            # read happened after all of them: the last push holds the latest number.
            assert len(h.reads) == before + 2
            assert h.pushes[-1].snapshot.occupancy.current == len(h.reads)

    run(scenario())


def test_a_staff_session_that_ended_gets_its_names_cleared_and_no_more() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h):
            h.cookies["thrust_access=staff"] = None  # signed out elsewhere, or demoted
            h.pushes.clear()
            h.bus.publish("capacity", {"type": "check-in"})
            await eventually(lambda: any(p.token == "desk" for p in h.pushes))
            assert next(p for p in h.pushes if p.token == "desk").names is False
            h.pushes.clear()
            h.cookies["thrust_access=staff"] = STAFF  # even if it came back, this socket must reload first
            h.bus.publish("capacity", {"type": "check-in"})
            await eventually(lambda: any(p.token == "desk" for p in h.pushes))
            assert next(p for p in h.pushes if p.token == "desk").names is None

    run(scenario())


def test_other_workers_heartbeats_are_ignored() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h) as broadcaster:
            rounds = broadcaster.rounds
            h.bus.publish("capacity", {"type": HEARTBEAT_TYPE, "worker": "someone-else"})
            await asyncio.sleep(0.05)
            assert broadcaster.rounds == rounds

    run(scenario())


def test_a_broken_subscription_pauses_the_pages_and_recovers() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h, probe_retry_seconds=0.02) as broadcaster:
            h.pushes.clear()
            h.bus.break_all()
            await eventually(lambda: any(p.paused for p in h.pushes))
            # Subscribed again; its probe came back; the pages hear it's live, with a fresh read.
            await eventually(lambda: h.bus.subscriptions >= 2 and broadcaster.healthy)
            await eventually(lambda: not h.pushes[-1].paused)
            assert not broadcaster.paused

    run(scenario())


def test_when_pushes_fail_while_paused_each_page_is_told_paused_directly() -> None:
    """Redis down: the state store is gone with it, so pages hear "paused" straight over their socket."""

    async def scenario() -> None:
        h = harness()
        told: list[str] = []

        async def tell(token: str) -> None:
            told.append(token)

        async def failing_push(*args: Any) -> None:
            raise ConnectionError("Redis is down")

        async with running(
            h, probe_retry_seconds=0.02, backoff_seconds=(5.0,), tell_paused=tell
        ) as broadcaster:
            broadcaster._push = failing_push  # type: ignore[assignment]  # a failing stand-in for this test
            h.bus.break_all()
            await eventually(lambda: sorted(told) == ["desk", "phone"])
            told.clear()
            await broadcaster.push_round()
            assert sorted(told) == ["desk", "phone"]
            broadcaster._set_paused(False)
            told.clear()
            await broadcaster.push_round()  # not paused: a failed push is only logged
            assert told == []

    run(scenario())


def test_silence_on_the_bus_pauses_the_pages_and_they_recover_when_it_speaks_again() -> None:
    async def scenario() -> None:
        h = harness()
        fast = {"heartbeat_seconds": 0.02, "echo_timeout_seconds": 0.15, "probe_retry_seconds": 0.02}
        async with running(h, **fast) as b:
            h.bus.deliver = False  # publishing "works" but nothing comes back (a dead subscription)
            await eventually(lambda: b.paused)
            await eventually(lambda: any(p.paused for p in h.pushes))
            subscriptions = h.bus.subscriptions
            h.bus.deliver = True
            await eventually(lambda: not b.paused and h.bus.subscriptions > subscriptions - 1)
            await eventually(lambda: not h.pushes[-1].paused)

    run(scenario())


def test_watchers_keep_only_the_socket_that_registered() -> None:
    watchers = Watchers()
    watchers.watch("t", "sid-1", staff=True, cookie="c")
    watchers.watch("", "sid-2", staff=False, cookie="")  # no token: ignored
    assert [token for token, _ in watchers.connected({"t": "sid-1"})] == ["t"]
    assert watchers.connected({"t": "sid-2"}) == []  # reconnected: must load the page again
    assert len(watchers) == 0


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


# -- the states' handlers against the database --------------------------------------------------------------

COOKIES = {"thrust_access=staff": STAFF, "thrust_access=admin": ADMIN, "thrust_access=member": MEMBER}


@pytest.fixture
def bound(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Actor]]:
    """Cookies name the table's actors (real users in the test's database); work runs in `db`."""
    table: dict[str, Actor] = {}
    for cookie, actor in COOKIES.items():
        user = make_user(db, role=actor.role, email=f"{uuid.uuid4().hex[:8]}.{actor.email}")
        table[cookie] = Actor(user.id, user.email, user.role, uuid.uuid4())
    live_table = sessions(monkeypatch, table)

    async def in_db(work: Callable[[Session], Any], **_options: object) -> Any:
        result = work(db)
        db.flush()
        return result

    monkeypatch.setattr(desk_state, "in_unit_of_work", in_db)
    monkeypatch.setattr(live, "session_scope", scope_in(db))
    live.WATCHERS.clear()
    yield live_table
    live.WATCHERS.clear()


def client(cookie: str, path: str = "/front-desk") -> State:
    return new_client(cookie, path)


def open_visits(db: Session) -> int:
    return len(db.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all())  # type: ignore[union-attr]  # SQLModel types a column as its Python value


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


async def desk(cookie: str = "thrust_access=staff") -> tuple[State, FrontDeskState]:
    root = client(cookie)
    await signed_in(root)
    state = await root.get_state(FrontDeskState)
    await call_handler(FrontDeskState.open_desk, state)
    return root, state


def test_type_arrow_enter_checks_the_highlighted_member_in_and_shows_the_card(
    db: Session, bound: dict[str, Actor]
) -> None:
    for n in range(12):
        make_member(db, full_name=f"Deskrow Tester{n:02d}")
    before = open_visits(db)

    async def scenario() -> None:
        root, state = await desk()
        await call_handler(FrontDeskState.search, state, "deskrow")
        assert len(state.results) == 8  # never more than eight rows in state
        await call_handler(FrontDeskState.key_down, state, "ArrowDown")
        await call_handler(FrontDeskState.key_down, state, "ArrowDown")
        await call_handler(FrontDeskState.key_down, state, "ArrowUp")
        assert state.highlight == 1
        chosen = state.results[1]
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert state.has_card and state.card.name == chosen.name and state.card.inside
        assert state.card.visits == chosen.visits + 1
        assert state.card.headline.startswith("Checked in at")
        assert state.results == [] and state.query == ""
        assert (await root.get_state(LiveState)).current == before + 1
        assert open_visits(db) == before + 1

        # The same member, found again, is inside: Enter now checks them out.
        await call_handler(FrontDeskState.search, state, chosen.name)
        assert state.results[0].inside
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert state.card.headline.startswith("Checked out at") and not state.card.inside
        assert open_visits(db) == before

    run(scenario())


@pytest.mark.parametrize(
    ("status", "end_days", "reason"),
    [
        (MemberStatus.FROZEN, 30, "membership is frozen"),
        (MemberStatus.INACTIVE, 30, "membership is inactive"),
        (MemberStatus.ACTIVE, -1, "membership ended on"),
    ],
)
def test_a_refusal_shows_the_services_reason_and_writes_nothing(
    db: Session, bound: dict[str, Actor], status: MemberStatus, end_days: int, reason: str
) -> None:
    end = date.today() + timedelta(days=end_days)
    member = make_member(db, full_name="Refused Person", status=status, end=end)
    before = open_visits(db)

    async def scenario() -> None:
        _, state = await desk()
        await call_handler(FrontDeskState.search, state, str(member.id))
        assert [row.name for row in state.results] == ["Refused Person"]
        assert state.results[0].warning  # the desk sees the problem before pressing Enter
        await call_handler(FrontDeskState.key_down, state, "Enter")
        assert reason in state.refusal and state.refusal.startswith("Refused Person")
        assert not state.has_card and not state.can_override
        assert open_visits(db) == before

    run(scenario())


def _fill_the_gym(db: Session) -> None:
    gym = db.get(GymSettings, 1)
    assert gym is not None
    gym.max_capacity = open_visits(db) + 1
    db.add(gym)
    make_visit(db, make_member(db, full_name="Last One In"), minutes=None)
    db.flush()


def test_at_capacity_a_trainer_is_refused_and_an_admin_may_override_with_a_reason(
    db: Session, bound: dict[str, Actor]
) -> None:
    _fill_the_gym(db)
    guest = make_member(db, full_name="Over Capacity")
    before = open_visits(db)

    async def scenario() -> None:
        _, trainer = await desk("thrust_access=staff")
        await call_handler(FrontDeskState.search, trainer, str(guest.id))
        await call_handler(FrontDeskState.key_down, trainer, "Enter")
        assert trainer.refusal_code == "AT_CAPACITY" and "full" in trainer.refusal
        assert not trainer.can_override
        await call_handler(FrontDeskState.open_override, trainer)
        assert not trainer.override_open

        _, admin = await desk("thrust_access=admin")
        await call_handler(FrontDeskState.search, admin, str(guest.id))
        await call_handler(FrontDeskState.key_down, admin, "Enter")
        assert admin.can_override
        await call_handler(FrontDeskState.open_override, admin)
        assert admin.override_open
        await call_handler(FrontDeskState.override, admin, {"reason": "  "})
        assert admin.override_error and open_visits(db) == before
        await call_handler(FrontDeskState.override, admin, {"reason": "Booked PT session"})
        assert admin.has_card and "over capacity" in admin.card.headline

    run(scenario())
    visit = db.exec(select(CheckIn).where(CheckIn.member_id == guest.id)).one()
    assert visit.override_reason == "Booked PT session"
    assert open_visits(db) == before + 1


def test_escape_clears_and_a_member_cannot_use_the_desk(db: Session, bound: dict[str, Actor]) -> None:
    make_member(db, full_name="Escape Artist")

    async def scenario() -> None:
        _, state = await desk()
        await call_handler(FrontDeskState.search, state, "escape")
        assert state.results
        await call_handler(FrontDeskState.key_down, state, "Escape")
        assert state.results == [] and state.query == ""

        root = client("thrust_access=member")
        auth, _redirect = await load_page(root)  # a member is sent away from the desk, still signed in
        assert auth.is_authenticated
        member_desk = await root.get_state(FrontDeskState)
        await call_handler(FrontDeskState.search, member_desk, "escape")
        assert member_desk.results == []

    run(scenario())
