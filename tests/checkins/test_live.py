"""The live broadcaster without a server: its rounds, audiences, staff-only names, pause and recovery.

Driven through a fake bus, a recording `send` and a table of cookies (what thrust/thrust.py wires in as
the socket transport and `verify=`); the messages' contents for the real states are tested in
test_live_state.py, and over a real socket in tests/realtime/.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.checkins.support import STAFF, snapshot
from tests.support.states import run
from thrust.auth.rbac import Actor
from thrust.checkins.latest import Latest
from thrust.checkins.live import HEARTBEAT_TYPE, Broadcaster, Delta, Views, Watchers
from thrust.checkins.snapshot import Snapshot

# -- a fake bus and a recording transport -----------------------------------------------------------------


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


# Test views: what each audience's message says, in a form the assertions can read.
VIEWS = Views(
    occupancy=lambda latest, stamp, paused: {
        "occupancy": {"current": latest.occupancy.current if latest.occupancy else None, "paused": paused}
    },
    names=lambda latest: {"names": {"inside": len(latest.names.inside) if latest.names else 0}},
    names_cleared=lambda: {"names": {"loaded": False}},
)


@dataclass
class Message:
    """One send: the sockets it went to, and what it said."""

    sids: list[str]
    delta: Delta

    @property
    def kind(self) -> str:
        if "occupancy" in self.delta:
            return "occupancy"
        return "cleared" if self.delta["names"].get("loaded") is False else "names"

    @property
    def current(self) -> int:
        return int(self.delta["occupancy"]["current"])

    @property
    def paused(self) -> bool:
        return bool(self.delta["occupancy"]["paused"])


@dataclass
class Harness:
    bus: FakeBus
    sockets: dict[str, str]
    watchers: Watchers
    cookies: dict[str, Actor | None]
    sent: list[Message] = field(default_factory=list)
    reads: list[Actor | None] = field(default_factory=list)
    gate: asyncio.Event | None = None
    broadcaster: Broadcaster | None = None

    async def send(self, sids: Sequence[str], delta: Delta) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.sent.append(Message(list(sids), delta))

    def read(self, actor: Actor | None) -> Snapshot:
        self.reads.append(actor)
        return snapshot(len(self.reads), names=actor is not None)

    async def verify(self, cookie: str) -> Actor | None:
        return self.cookies.get(cookie)

    def of(self, kind: str) -> list[Message]:
        return [m for m in self.sent if m.kind == kind]


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
        send=harness.send,
        views=VIEWS,
        bus=harness.bus,  # type: ignore[arg-type]  # a test double with the bus's methods
        watchers=harness.watchers,
        latest=Latest(),
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


def test_a_change_is_one_message_to_every_watcher_here_and_one_with_names_to_staff() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h):
            h.sent.clear()
            h.bus.publish("capacity", {"type": "check-in", "memberName": "Ana Ruiz"})
            await eventually(lambda: len(h.sent) == 2)
        # One message for everyone watching here (one encoding, whatever their number): a socket that
        # is gone or reconnected elsewhere is dropped; one that never loaded a live page gets nothing.
        [occupancy] = h.of("occupancy")
        assert sorted(occupancy.sids) == ["sid-desk", "sid-phone"]
        assert len(h.watchers) == 2
        # Names: one message, to the staff socket only.
        [names] = h.of("names")
        assert names.sids == ["sid-desk"] and names.delta["names"]["inside"] == 1
        # One read per round, with a staff actor because a staff screen is watching.
        assert h.reads[-1] == STAFF

    run(scenario())


def test_without_staff_watchers_the_round_reads_and_sends_no_names() -> None:
    async def scenario() -> None:
        h = harness()
        h.watchers.forget("desk")
        async with running(h):
            h.bus.publish("capacity", {"type": "check-out"})
            await eventually(lambda: len(h.of("occupancy")) >= 2)
        assert set(h.reads) == {None}
        assert h.of("names") == [] and h.of("cleared") == []

    run(scenario())


def test_a_burst_of_messages_is_coalesced_into_few_reads() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h):
            h.gate = asyncio.Event()
            before = len(h.reads)
            h.bus.publish("capacity", {"type": "check-in"})
            await eventually(lambda: len(h.reads) == before + 1)  # a round is in flight, held at the send
            for _ in range(50):
                h.bus.publish("capacity", {"type": "check-in"})
            await asyncio.sleep(0.05)
            h.gate.set()
            await eventually(lambda: len(h.reads) == before + 2)
            await asyncio.sleep(0.05)
            # The 50 messages that arrived during the first round made exactly one more round, whose
            # read happened after all of them: the last message holds the latest number.
            assert len(h.reads) == before + 2
            assert h.of("occupancy")[-1].current == len(h.reads)

    run(scenario())


def test_an_older_read_never_replaces_a_newer_one() -> None:
    """Reads are ordered by when they began: a slow read that finishes last does not win."""
    latest = Latest()
    latest.offer(snapshot(7, names=True), began=2.0)
    latest.offer(snapshot(5, names=True), began=1.0)  # began earlier, arrived later
    assert latest.occupancy is not None and latest.occupancy.current == 7
    latest.offer(snapshot(9), began=3.0)  # a newer occupancy without names keeps the names read
    assert latest.occupancy.current == 9 and latest.names is not None


def test_a_round_with_nobody_watching_reads_nothing_and_marks_the_newest_read_stale() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h) as broadcaster:
            broadcaster.latest.offer(snapshot(1), began=0.0)
            assert not broadcaster.latest.stale
            h.sockets.clear()  # every page closed
            reads = len(h.reads)
            await broadcaster.push_round()
            assert len(h.reads) == reads and broadcaster.latest.stale

    run(scenario())


def test_a_staff_session_that_ended_gets_its_names_cleared_and_no_more() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h):
            h.cookies["thrust_access=staff"] = None  # signed out elsewhere, or demoted
            h.sent.clear()
            h.bus.publish("capacity", {"type": "check-in"})
            await eventually(lambda: len(h.of("cleared")) == 1)
            assert h.of("cleared")[0].sids == ["sid-desk"]
            assert h.of("names") == []
            assert "sid-desk" in h.of("occupancy")[-1].sids  # still signed in somewhere: the number stays
            h.sent.clear()
            h.cookies["thrust_access=staff"] = STAFF  # even if it came back, this socket must reload first
            h.bus.publish("capacity", {"type": "check-in"})
            await eventually(lambda: len(h.of("occupancy")) == 1)
            assert h.of("names") == [] and h.of("cleared") == []

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
            h.sent.clear()
            h.bus.break_all()
            # The rounds go straight over the sockets, so the pages hear "paused" with Redis gone.
            await eventually(lambda: any(m.paused for m in h.of("occupancy")))
            # Subscribed again; its probe came back; the pages hear it's live, with a fresh read.
            await eventually(lambda: h.bus.subscriptions >= 2 and broadcaster.healthy)
            await eventually(lambda: not h.of("occupancy")[-1].paused)
            assert not broadcaster.paused

    run(scenario())


def test_a_failed_send_is_logged_and_the_next_round_goes_out() -> None:
    async def scenario() -> None:
        h = harness()
        async with running(h) as broadcaster:
            working = broadcaster._send

            async def failing(sids: Sequence[str], delta: Delta) -> None:
                raise ConnectionError("socket gone")

            broadcaster._send = failing
            rounds = broadcaster.rounds
            await broadcaster.push_round()
            assert broadcaster.rounds == rounds + 1
            broadcaster._send = working
            h.sent.clear()
            await broadcaster.push_round()
            assert len(h.of("occupancy")) == 1

    run(scenario())


def test_silence_on_the_bus_pauses_the_pages_and_they_recover_when_it_speaks_again() -> None:
    async def scenario() -> None:
        h = harness()
        fast = {"heartbeat_seconds": 0.02, "echo_timeout_seconds": 0.15, "probe_retry_seconds": 0.02}
        async with running(h, **fast) as b:
            h.bus.deliver = False  # publishing "works" but nothing comes back (a dead subscription)
            await eventually(lambda: b.paused)
            await eventually(lambda: any(m.paused for m in h.of("occupancy")))
            subscriptions = h.bus.subscriptions
            h.bus.deliver = True
            await eventually(lambda: not b.paused and h.bus.subscriptions > subscriptions - 1)
            await eventually(lambda: not h.of("occupancy")[-1].paused)

    run(scenario())


def test_watchers_keep_only_the_socket_that_registered() -> None:
    watchers = Watchers()
    watchers.watch("t", "sid-1", staff=True, cookie="c")
    watchers.watch("", "sid-2", staff=False, cookie="")  # no token: ignored
    assert [token for token, _ in watchers.connected({"t": "sid-1"})] == ["t"]
    assert watchers.connected({"t": "sid-2"}) == []  # reconnected: must load the page again
    assert len(watchers) == 0
