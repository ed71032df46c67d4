"""Scheduled jobs: each run happens once across all workers (a Redis claim per slot), off the event loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

log = logging.getLogger("thrust.jobs")


@dataclass(frozen=True)
class Job:
    """A synchronous task run every `every_seconds`, aligned to the clock (e.g. on the hour)."""

    name: str
    every_seconds: int
    run: Callable[[], Any]


class SlotClaims:
    """Decides which worker runs a job's time slot.

    Without Redis there is one worker, which claims every slot. With Redis, `SET NX` on a key per
    (job, slot) lets exactly one worker of the cluster win; the key expires after the slot.
    """

    def __init__(self, redis_url: str | None) -> None:
        self._redis = aioredis.Redis.from_url(redis_url) if redis_url else None

    async def claim(self, job: Job, slot: int) -> bool:
        if self._redis is None:
            return True
        key = f"thrust:job:{job.name}:{slot}"
        return bool(await self._redis.set(key, "1", nx=True, ex=max(job.every_seconds * 2, 60)))

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def slot_of(moment: float, every_seconds: int) -> int:
    return int(moment // every_seconds)


async def run_jobs(
    jobs: list[Job],
    claims: SlotClaims,
    *,
    clock: Callable[[], float] = time.time,
    poll_seconds: float = 30.0,
) -> None:
    """Run forever: at each job's next slot, run it if this worker wins the claim.

    It re-reads the clock at least every `poll_seconds`, so a suspended machine or a changed
    clock delays a run by no more than that.
    """
    last_run: dict[str, int] = {job.name: slot_of(clock(), job.every_seconds) for job in jobs}
    try:
        while True:
            now = clock()
            for job in jobs:
                slot = slot_of(now, job.every_seconds)
                if slot <= last_run[job.name]:
                    continue
                last_run[job.name] = slot
                if not await claims.claim(job, slot):
                    continue
                try:
                    result = await asyncio.to_thread(job.run)
                    log.info("job %s ran for slot %s: %s", job.name, slot, result)
                except Exception:
                    # One failed run must not stop the scheduler; the next slot tries again.
                    log.exception("job %s failed", job.name)
            due = min((last_run[j.name] + 1) * j.every_seconds for j in jobs)
            await asyncio.sleep(max(0.0, min(due - clock(), poll_seconds)))
    finally:
        await claims.close()
