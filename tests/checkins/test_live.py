"""The live broadcaster without a server: its rounds, watchers, staff-only names, pause and recovery.

Driven through a fake bus, a recording push and a table of cookies (what thrust/thrust.py wires in as
`push=` and `verify=`); the push into the real states is tested in test_live_state.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.checkins.support import STAFF, snapshot
from tests.support.states import run
from thrust.auth.rbac import Actor
from thrust.checkins.live import HEARTBEAT_TYPE, Broadcaster, Watchers
from thrust.checkins.snapshot import Snapshot

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
