"""Occupancy pushed live: each worker's broadcaster turns bus messages into pushes to its own sockets.

This module is the transport only: what a round reads is thrust/checkins/snapshot.py, and how a round
lands in a client's state (and whose cookie may see names) is given to it as `push=` and `verify=`
(thrust/checkins/state.py, wired in thrust/thrust.py), so it imports no state class.

The path of a check-in to every open screen:
1. the service commits, then publishes on the bus channel "capacity" (thrust/core/bus.py);
2. on every worker, the `Broadcaster` (a lifespan task, one per worker) receives it and reads one
   `Snapshot` from the database (`read_snapshot`): occupancy for everyone, the feed and who is inside
   only when a staff screen is watching;
3. it pushes the snapshot to the watchers connected to *this* worker, concurrently, through its `push`
   (`app.modify_state(rx.BaseStateToken(ident=token, cls=LiveState))`: a small dedicated substate;
   not `rx.SharedState`, whose fan-out is quadratic in 0.10.1). Names go only to watchers whose
   handshake cookie still proves a staff session at push time.

The database, not the message, is the truth: a round reads after the message arrived (so after the
commit), bursts of messages are coalesced into one read, and a lost or reordered message is
corrected by the next round, so the number shown converges to the number of open visits.

Connection health: every HEARTBEAT_SECONDS the broadcaster publishes a probe on the same channel and
waits to hear it back through its own subscription. Each echo is also a push round, so every page
gets a fresh `now_ms` at least that often; a page that hears nothing for STALE_AFTER_SECONDS says
"Live updates paused" by itself (the client side needs no server to notice a silence). Without an
echo for ECHO_TIMEOUT_SECONDS, or when the subscription fails, the broadcaster pauses its pages,
resubscribes with backoff, and resumes with a full round once its probe comes back.

When Redis itself is down, a push cannot go through the state (Reflex keeps it in Redis): a paused
round then tells each page "paused" straight over its socket (`tell_paused`), so the pages say so
within seconds instead of after their silence runs out. Every push carries `paused`, so the first
round after Redis returns clears it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from thrust.auth.rbac import Actor
from thrust.checkins import service
from thrust.checkins.snapshot import Snapshot, now_ms, read_snapshot
from thrust.core.bus import Bus, get_bus
from thrust.core.metrics import PUSH_LATENCY
from thrust.core.reflex_compat import local_sockets

if TYPE_CHECKING:
    import reflex as rx

__all__ = [
    "BACKOFF_SECONDS",
    "CHANNEL",
    "ECHO_TIMEOUT_SECONDS",
    "HEARTBEAT_SECONDS",
    "HEARTBEAT_TYPE",
    "PUSH_TIMEOUT_SECONDS",
    "STALE_AFTER_SECONDS",
    "WATCHERS",
    "AppPush",
    "AppTell",
    "Broadcaster",
    "Push",
    "Watcher",
    "Watchers",
    "broadcast_capacity",
    "current_broadcaster",
    "is_paused",
]

log = logging.getLogger("thrust.live")

CHANNEL = service.CAPACITY_CHANNEL
HEARTBEAT_TYPE = "heartbeat"
HEARTBEAT_SECONDS = 15.0
ECHO_TIMEOUT_SECONDS = 35.0  # two missed heartbeats and a margin
STALE_AFTER_SECONDS = 40  # the page marks its numbers stale after this long without a push
PROBE_RETRY_SECONDS = 2.0  # while waiting for the first echo of a new subscription
BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0)  # at most 10 s between tries: pages resume soon after
PUSH_TIMEOUT_SECONDS = 5.0  # one stuck client must not hold back the next round for everyone


# -- who is watching on this worker -----------------------------------------------------------------------


@dataclass
class Watcher:
    """A socket showing live data: registered by the page's load handler, on the worker holding it."""

    sid: str  # the socket that registered; a reconnect registers again (its on_load runs again)
    staff: bool  # was shown names at load: its cookie is checked again before every round that has names
    cookie: str  # the handshake's cookie header


class Watchers:
    """The live watchers of this process, by client token."""

    def __init__(self) -> None:
        self._by_token: dict[str, Watcher] = {}

    def watch(self, token: str, sid: str, *, staff: bool, cookie: str) -> None:
        if token and sid:
            self._by_token[token] = Watcher(sid=sid, staff=staff, cookie=cookie)

    def forget(self, token: str) -> None:
        self._by_token.pop(token, None)

    def connected(self, sockets: Mapping[str, str]) -> list[tuple[str, Watcher]]:
        """Watchers whose socket is still the one connected here (`sockets`: token -> sid); drop the rest."""
        live: list[tuple[str, Watcher]] = []
        for token, watcher in list(self._by_token.items()):
            if sockets.get(token) == watcher.sid:
                live.append((token, watcher))
            else:
                del self._by_token[token]
        return live

    def __len__(self) -> int:
        return len(self._by_token)

    def clear(self) -> None:
        self._by_token.clear()


WATCHERS = Watchers()


# -- the broadcaster ------------------------------------------------------------------------------------

Push = Callable[[str, Snapshot, int, bool, "bool | None"], Awaitable[None]]


class Broadcaster:
    """Subscribes to the capacity channel and pushes each change to this worker's live pages."""

    def __init__(
        self,
        *,
        sockets: Callable[[], Mapping[str, str]],
        push: Push,
        bus: Bus | None = None,
        watchers: Watchers | None = None,
        read: Callable[[Actor | None], Snapshot] = read_snapshot,
        verify: Callable[[str], Awaitable[Actor | None]],
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        echo_timeout_seconds: float = ECHO_TIMEOUT_SECONDS,
        probe_retry_seconds: float = PROBE_RETRY_SECONDS,
        backoff_seconds: Sequence[float] = BACKOFF_SECONDS,
        tell_paused: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._sockets = sockets
        self._push = push
        self._tell_paused = tell_paused
        self._bus = bus
        self.watchers = watchers if watchers is not None else WATCHERS
        self._read = read
        self._verify = verify
        self.heartbeat_seconds = heartbeat_seconds
        self.echo_timeout_seconds = echo_timeout_seconds
        self.probe_retry_seconds = probe_retry_seconds
        self.backoff_seconds = tuple(backoff_seconds)
        self.worker_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.healthy = False  # the last probe came back through the subscription
        self.paused = False  # set after a failure, until a new subscription is proven
        self.rounds = 0
        self._wake = asyncio.Event()
        self._probe_soon = asyncio.Event()  # a new subscription wants its first heartbeat now
        self._last_echo = time.monotonic()
        self._listener: asyncio.Task[None] | None = None

    @property
    def bus(self) -> Bus:
        return self._bus if self._bus is not None else get_bus()

    # -- lifecycle -----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Run until cancelled: listen, and on any failure pause, back off and subscribe again."""
        helpers = [
            asyncio.create_task(self._pusher(), name="thrust-live-pusher"),
            asyncio.create_task(self._heartbeat(), name="thrust-live-heartbeat"),
        ]
        failures = 0
        try:
            while True:
                self._last_echo = time.monotonic()  # a new subscription gets the full timeout to prove itself
                self._listener = asyncio.create_task(self._listen(), name="thrust-live-listener")
                self._probe_soon.set()
                try:
                    await self._listener
                    reason = "the subscription ended"
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():
                        raise  # we are being stopped
                    reason = "no heartbeat came back"
                except Exception as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                if self.healthy:
                    failures = 0
                delay = self.backoff_seconds[min(failures, len(self.backoff_seconds) - 1)]
                failures += 1
                log.warning("live updates paused (%s); subscribing again in %.0f s", reason, delay)
                self._set_paused(True)
                await asyncio.sleep(delay)
        finally:
            for task in [*helpers, self._listener]:
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in helpers if t is not None), return_exceptions=True)

    def _set_paused(self, paused: bool) -> None:
        if paused:
            self.healthy = False
        if self.paused != paused:
            self.paused = paused
            self._wake.set()

    async def _listen(self) -> None:
        subscription = self.bus.subscribe(CHANNEL)
        try:
            async for message in subscription:
                self.on_message(message)
        finally:
            with contextlib.suppress(Exception):
                await subscription.aclose()  # type: ignore[attr-defined]  # an async generator, typed as AsyncIterator

    def on_message(self, message: Mapping[str, Any]) -> None:
        """A bus message: any change, or our own heartbeat coming back, starts a push round."""
        if message.get("type") == HEARTBEAT_TYPE:
            if message.get("worker") != self.worker_id:
                return  # another worker's probe
            self._last_echo = time.monotonic()
            self.healthy = True
            self._set_paused(False)
        self._wake.set()

    async def _heartbeat(self) -> None:
        sequence = 0
        while True:
            sequence += 1
            probe = {"type": HEARTBEAT_TYPE, "worker": self.worker_id, "seq": sequence}
            try:
                await asyncio.to_thread(self.bus.publish, CHANNEL, probe)
            except Exception:
                log.warning("could not publish the live heartbeat", exc_info=True)
            period = self.heartbeat_seconds if self.healthy else self.probe_retry_seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._probe_soon.wait(), period)
            self._probe_soon.clear()
            silent = time.monotonic() - self._last_echo
            listener = self._listener
            if silent > self.echo_timeout_seconds and listener is not None and not listener.done():
                listener.cancel()  # run() pauses the pages and subscribes again

    # -- push rounds -------------------------------------------------------------------------------------

    async def _pusher(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()  # messages arriving during the round trigger exactly one more
            try:
                await self.push_round()
            except Exception:
                log.exception("live push round failed")

    async def push_round(self) -> None:
        """Read the database once and push to every live watcher on this worker, concurrently."""
        watching = self.watchers.connected(self._sockets())
        if not watching:
            return
        t0 = time.perf_counter()
        cookies = {watcher.cookie for _, watcher in watching if watcher.staff}
        verified = dict(zip(cookies, await asyncio.gather(*(self._verify(c) for c in cookies)), strict=True))
        reader = next((actor for actor in verified.values() if actor is not None), None)
        snapshot = await asyncio.to_thread(self._read, reader)
        t1 = time.perf_counter()
        stamp = now_ms()
        paused = self.paused

        async def one(token: str, watcher: Watcher) -> None:
            names: bool | None = None
            if watcher.staff:
                if verified.get(watcher.cookie) is None:
                    watcher.staff = False  # the session ended or lost its staff role: no names from now on
                    names = False
                else:
                    names = True
            await asyncio.wait_for(self._push(token, snapshot, stamp, paused, names), PUSH_TIMEOUT_SECONDS)

        results = await asyncio.gather(*(one(t, w) for t, w in watching), return_exceptions=True)
        t2 = time.perf_counter()
        PUSH_LATENCY.observe(t2 - t0)
        log.debug(
            "live round: %d clients, read %.1f ms, push %.1f ms",
            len(watching),
            (t1 - t0) * 1e3,
            (t2 - t1) * 1e3,
        )
        self.rounds += 1
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            log.warning("live push failed for %d of %d clients: %r", len(failed), len(results), failed[0])
            if paused and self._tell_paused is not None:
                missed = [
                    token
                    for (token, _), r in zip(watching, results, strict=True)
                    if isinstance(r, BaseException)
                ]
                told = await asyncio.gather(
                    *(asyncio.wait_for(self._tell_paused(token), PUSH_TIMEOUT_SECONDS) for token in missed),
                    return_exceptions=True,
                )
                log.info("told %d pages directly that live updates are paused", told.count(None))


# -- this worker's broadcaster -----------------------------------------------------------------------------

_current: Broadcaster | None = None


def current_broadcaster() -> Broadcaster | None:
    return _current


def is_paused() -> bool:
    """Whether this worker's live updates are paused (what a page loading now should say)."""
    return _current is not None and _current.paused


# What thrust/thrust.py hands the lifespan task: the push into the live states, and the direct "paused".
AppPush = Callable[["rx.App", str, Snapshot, int, bool, "bool | None"], Awaitable[None]]
AppTell = Callable[["rx.App", str], Awaitable[None]]


async def broadcast_capacity(
    app: rx.App,
    *,
    push: AppPush,
    verify: Callable[[str], Awaitable[Actor | None]],
    tell_paused: AppTell,
) -> None:
    """Lifespan task (one per worker): push occupancy changes to the live pages connected here.

    `push` applies a round to one client's state, `verify` says whether a watcher's cookie still
    proves a session that may see names, `tell_paused` says "paused" to a page without the state store.
    """
    global _current

    async def push_here(token: str, snapshot: Snapshot, stamp: int, paused: bool, names: bool | None) -> None:
        await push(app, token, snapshot, stamp, paused, names)

    async def tell_here(token: str) -> None:
        await tell_paused(app, token)

    broadcaster = Broadcaster(
        sockets=lambda: local_sockets(app), push=push_here, verify=verify, tell_paused=tell_here
    )
    _current = broadcaster
    try:
        await broadcaster.run()
    finally:
        if _current is broadcaster:
            _current = None
