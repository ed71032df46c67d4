"""Jobs run once per slot across workers; the bus delivers after commit, in-process and over Redis."""

from __future__ import annotations

import asyncio
import contextlib
import threading

import pytest
import redis
from sqlmodel import Session

from thrust.core.bus import LocalBus, RedisBus, publish_after_commit, set_bus
from thrust.core.jobs import Job, SlotClaims, run_jobs


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


async def _drive(workers: int, redis_url: str | None, slots: int) -> list[int]:
    """Run `workers` schedulers over `slots` one-second slots of a fast fake clock."""
    runs: list[int] = []
    lock = threading.Lock()

    def job_body() -> int:
        with lock:
            runs.append(1)
        return len(runs)

    clock = FakeClock(1_000_000.0)
    job = Job("test-job", 1, job_body)
    tasks = [
        asyncio.create_task(run_jobs([job], SlotClaims(redis_url), clock=clock, poll_seconds=0.01))
        for _ in range(workers)
    ]
    for _ in range(slots):
        await asyncio.sleep(0.05)
        clock.now += 1.0
        await asyncio.sleep(0.15)
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return runs


def test_each_slot_runs_once_across_two_workers_on_redis(redis_client: redis.Redis, redis_url: str) -> None:
    runs = asyncio.run(_drive(workers=2, redis_url=redis_url, slots=3))
    assert len(runs) == 3


def test_a_single_worker_without_redis_runs_every_slot() -> None:
    assert len(asyncio.run(_drive(workers=1, redis_url=None, slots=2))) == 2


async def _receive(bus: LocalBus | RedisBus, publish: callable) -> dict:  # type: ignore[valid-type]  # the builtin as a loose annotation
    received: asyncio.Future[dict] = asyncio.get_running_loop().create_future()

    async def listen() -> None:
        async for message in bus.subscribe("capacity"):
            received.set_result(message)
            return

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.2)  # let the subscription start
    await asyncio.to_thread(publish)  # services publish from worker threads
    try:
        return await asyncio.wait_for(received, timeout=5)
    finally:
        listener.cancel()


@pytest.mark.parametrize("kind", ["local", "redis"])
def test_messages_go_out_only_when_the_transaction_commits(kind: str, db: Session, redis_url: str) -> None:
    bus = LocalBus() if kind == "local" else RedisBus(redis_url)
    set_bus(bus)
    try:

        def commit_then_publish() -> None:
            publish_after_commit(db, "capacity", {"n": 1})
            db.rollback()  # rolled back: nothing may be announced
            publish_after_commit(db, "capacity", {"n": 2})
            db.commit()

        assert asyncio.run(_receive(bus, commit_then_publish)) == {"n": 2}
    finally:
        set_bus(None)
