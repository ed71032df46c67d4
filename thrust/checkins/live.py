"""Occupancy pushed live: each worker's broadcaster turns bus messages into one message per audience.

This module is the transport only: what a round reads is thrust/checkins/snapshot.py, what each
audience is sent is given to it as `views=` (thrust/checkins/state.py, from thrust/checkins/latest.py)
and whose cookie may see names as `verify=` (both wired in thrust/thrust.py), so it imports no state
class.

The path of a check-in to every open screen:
1. the service commits, then publishes on the bus channel "capacity" (thrust/core/bus.py);
2. on every worker, the `Broadcaster` (a lifespan task, one per worker) receives it and reads one
   `Snapshot` from the database (`read_snapshot`): occupancy for everyone, the feed and who is inside
   only when a staff screen is watching; the read becomes the worker's newest (`LATEST`);
3. it builds the occupancy message once and sends that one encoded message to every live page
   connected to *this* worker, and the names message once to the staff pages among them, over the
   sockets, in the shape Reflex applies as a delta (`send_to_sockets`). No client's stored state is
   loaded or saved, so a round costs about what a bare Socket.IO broadcast does, however many pages
   are open. The stored states catch up from `LATEST` whenever they are next sent (a hydrate, a load),
   see thrust/checkins/latest.py.

Audiences are the server's decision: a page joins at its load handler (names only if its user may see
them, on the live traffic page), and before every round with names each staff page's handshake cookie
is checked again; one that no longer proves a staff session is sent empty names and leaves that
audience. A socket that disconnects, or reconnects under another id, leaves every audience (its page's
load handler registers it again). With several workers each one sends to its own sockets only, so a
change reaches every socket once.

The database, not the message, is the truth: a round reads after the message arrived (so after the
commit), bursts of messages are coalesced into one read, and a lost or reordered message is
corrected by the next round, so the number shown converges to the number of open visits.

Connection health: every HEARTBEAT_SECONDS the broadcaster publishes a probe on the same channel and
waits to hear it back through its own subscription. Each echo is also a push round, so every page
gets a fresh `now_ms` at least that often; a page that hears nothing for STALE_AFTER_SECONDS says
"Live updates paused" by itself (the client side needs no server to notice a silence). Without an
echo for ECHO_TIMEOUT_SECONDS, or when the subscription fails, the broadcaster pauses its pages,
resubscribes with backoff, and resumes with a full round once its probe comes back. Rounds go straight
over the sockets, so they reach the pages even while Redis (the bus, and Reflex's state store) is down:
every message carries `paused`, and the first round after Redis returns clears it.
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
from thrust.checkins.latest import LATEST, Latest, read_began
from thrust.checkins.snapshot import Snapshot, now_ms, read_snapshot
from thrust.core.bus import Bus, get_bus
from thrust.core.metrics import LIVE_DELIVERIES, PUSH_LATENCY
from thrust.core.reflex_compat import local_sockets, send_to_sockets

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
    "Broadcaster",
    "Delta",
    "Send",
    "Views",
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

# A message to some of this worker's sockets: {state's full name: {var: value}}, applied by the page as
# Reflex applies a handler's delta.
Delta = dict[str, dict[str, Any]]
Send = Callable[[Sequence[str], Delta], Awaitable[None]]


@dataclass(frozen=True)
class Views:
    """What a round sends to each audience, built from the worker's newest read (thrust/checkins/state.py
    names the states: this module imports none)."""

    occupancy: Callable[[Latest, int, bool], Delta]  # (latest, stamp, paused): every signed-in live page
    names: Callable[[Latest], Delta]  # staff pages whose session still proves a staff role
    names_cleared: Callable[[], Delta]  # a page whose session just lost it


class Broadcaster:
    """Subscribes to the capacity channel and pushes each change to this worker's live pages."""

    def __init__(
        self,
        *,
        sockets: Callable[[], Mapping[str, str]],
        send: Send,
        views: Views,
        bus: Bus | None = None,
        watchers: Watchers | None = None,
        latest: Latest | None = None,
        read: Callable[[Actor | None], Snapshot] = read_snapshot,
        verify: Callable[[str], Awaitable[Actor | None]],
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        echo_timeout_seconds: float = ECHO_TIMEOUT_SECONDS,
        probe_retry_seconds: float = PROBE_RETRY_SECONDS,
        backoff_seconds: Sequence[float] = BACKOFF_SECONDS,
    ) -> None:
        self._sockets = sockets
        self._send = send
        self._views = views
        self._bus = bus
        self.watchers = watchers if watchers is not None else WATCHERS
        self.latest = latest if latest is not None else LATEST
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
        self._changed = False  # a change (not only a heartbeat) arrived since the last round began
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
        else:
            self._changed = True
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
        """Read the database once, then send one message per audience to this worker's live pages."""
        watching = self.watchers.connected(self._sockets())
        if not watching:
            # Nobody to send to, so nothing is read: the next hydrate on this worker reads afresh.
            self.latest.mark_stale()
            return
        t0 = time.perf_counter()
        cause = "change" if self._changed else "heartbeat"
        self._changed = False  # one arriving from here on is read by the next round
        staff = [watcher for _, watcher in watching if watcher.staff]
        cookies = {watcher.cookie for watcher in staff}
        verified = dict(zip(cookies, await asyncio.gather(*(self._verify(c) for c in cookies)), strict=True))
        reader = next((actor for actor in verified.values() if actor is not None), None)
        began = read_began()
        snapshot = await asyncio.to_thread(self._read, reader)
        self.latest.offer(snapshot, began)
        t1 = time.perf_counter()
        # The audiences, decided here from what the server knows, never by the page: names only to sockets
        # whose cookie still proves a staff session now; one that lost it is cleared and leaves for good.
        named = [watcher.sid for watcher in staff if verified.get(watcher.cookie) is not None]
        dropped = [watcher for watcher in staff if verified.get(watcher.cookie) is None]
        for watcher in dropped:
            watcher.staff = False
        # Names first, then the number: a staff page that shows the new number already lists who came in.
        messages: list[tuple[str, list[str], Delta]] = []
        if named and snapshot.has_names:
            messages.append(("names", named, self._views.names(self.latest)))
        if dropped:
            messages.append(("names", [watcher.sid for watcher in dropped], self._views.names_cleared()))
        everyone = [watcher.sid for _, watcher in watching]
        messages.append(("occupancy", everyone, self._views.occupancy(self.latest, now_ms(), self.paused)))
        results: list[BaseException | None] = []
        for audience, sids, delta in messages:
            try:
                await asyncio.wait_for(self._send(sids, delta), PUSH_TIMEOUT_SECONDS)
            except Exception as exc:
                results.append(exc)
            else:
                results.append(None)
                LIVE_DELIVERIES.labels(audience, cause).inc(len(sids))
        t2 = time.perf_counter()
        PUSH_LATENCY.observe(t2 - t0)
        log.debug(
            "live round: %d clients (%d named), read %.1f ms, send %.1f ms",
            len(watching),
            len(named),
            (t1 - t0) * 1e3,
            (t2 - t1) * 1e3,
        )
        self.rounds += 1
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            log.warning("live push failed for %d of %d messages: %r", len(failed), len(results), failed[0])


# -- this worker's broadcaster -----------------------------------------------------------------------------

_current: Broadcaster | None = None


def current_broadcaster() -> Broadcaster | None:
    return _current


def is_paused() -> bool:
    """Whether this worker's live updates are paused (what a page loading now should say)."""
    return _current is not None and _current.paused


async def broadcast_capacity(
    app: rx.App, *, views: Views, verify: Callable[[str], Awaitable[Actor | None]]
) -> None:
    """Lifespan task (one per worker): push occupancy changes to the live pages connected here.

    `views` builds each audience's message, `verify` says whether a watcher's cookie still proves a
    session that may see names.
    """
    global _current

    async def send_here(sids: Sequence[str], delta: Delta) -> None:
        await send_to_sockets(app, sids, delta)

    broadcaster = Broadcaster(sockets=lambda: local_sockets(app), send=send_here, views=views, verify=verify)
    _current = broadcaster
    try:
        await broadcaster.run()
    finally:
        if _current is broadcaster:
            _current = None
