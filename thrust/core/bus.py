"""The realtime bus: services publish after commit; every worker's broadcaster subscribes.

In-process when no Redis is configured (one worker), Redis pub/sub otherwise (any number of
workers). Publishing is synchronous and thread-safe because services run in worker threads;
subscribing is async because broadcasters live on each worker's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis
from sqlalchemy import event
from sqlmodel import Session

log = logging.getLogger("thrust.bus")

CHANNEL_PREFIX = "thrust:"
OUTBOX_KEY = "thrust.outbox"


class Bus(Protocol):
    def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]: ...


class LocalBus:
    """Fan-out to subscribers of this process, each on its own event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[
            str, list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]]]
        ] = {}

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        with self._lock:
            targets = list(self._subscribers.get(channel, ()))
        for loop, queue in targets:
            with contextlib.suppress(RuntimeError):  # a loop that has closed has no listener left
                loop.call_soon_threadsafe(queue.put_nowait, message)

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=10_000)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.setdefault(channel, []).append(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers[channel].remove(entry)


class RedisBus:
    """Redis pub/sub: a message published by any worker reaches the subscribers of every worker."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        try:
            self._client.publish(CHANNEL_PREFIX + channel, json.dumps(message, default=str))
        except redis.RedisError:
            # The commit already happened; a lost live update must not fail the check-in itself.
            log.warning("could not publish %s on Redis", channel, exc_info=True)

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        client = aioredis.Redis.from_url(self.url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(CHANNEL_PREFIX + channel)
        try:
            async for raw in pubsub.listen():
                if raw.get("type") == "message":
                    yield json.loads(raw["data"])
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves PubSub.aclose unannotated
            await client.aclose()


_bus: Bus | None = None
_bus_lock = threading.Lock()


def get_bus() -> Bus:
    """The process-wide bus, chosen from the settings on first use."""
    global _bus
    with _bus_lock:
        if _bus is None:
            from thrust.core.settings import get_settings

            url = get_settings().redis_url
            _bus = RedisBus(url) if url else LocalBus()
        return _bus


def set_bus(bus: Bus | None) -> None:
    """Replace the process-wide bus (tests)."""
    global _bus
    with _bus_lock:
        _bus = bus


# -- publishing after commit ----------------------------------------------------------------------


def publish_after_commit(session: Session, channel: str, message: dict[str, Any]) -> None:
    """Queue a message on the session; it goes out only if and when the transaction commits."""
    session.connection()  # begin the unit of work if nothing has yet, so its rollback drops the message
    session.info.setdefault(OUTBOX_KEY, []).append((channel, message))


@event.listens_for(Session, "after_commit")
def _flush_outbox(session: Session) -> None:
    outbox = session.info.pop(OUTBOX_KEY, None)
    if not outbox:
        return
    bus = get_bus()
    for channel, message in outbox:
        bus.publish(channel, message)


@event.listens_for(Session, "after_soft_rollback")
def _drop_outbox(session: Session, previous_transaction: Any) -> None:
    # The whole unit of work was rolled back: nothing happened, so nothing is announced.
    # (A rolled-back savepoint inside it keeps the queue; services announce last, after their checks.)
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)
