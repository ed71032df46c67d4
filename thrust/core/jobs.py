"""Scheduled jobs: each time slot runs once across all workers, off the event loop, and is recorded.

Two locks stand between a slot and a second run. A Redis claim per (job, slot) spares the database
the losers' attempts when several workers share Redis; the database's unique (job, slot) in the run
ledger (thrust/system/jobs.py) is the guarantee, also without Redis and across restarts. At start,
a job whose current slot has no recorded run (the server was down when it began) runs once right
away: a daily job down for three days runs once, not three times.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio as aioredis
from sqlmodel import Session

from thrust.core.db import session_scope

log = logging.getLogger("thrust.jobs")

SCHEDULE = "schedule"
CATCH_UP = "catch-up"
MANUAL = "manual"
RESULT_LIMIT = 300
ERROR_LIMIT = 1000


@dataclass(frozen=True)
class Job:
    """A synchronous task run every `every_seconds`, aligned to the clock (e.g. on the hour, at 00:00 UTC)."""

    name: str
    every_seconds: int
    run: Callable[[], Any]
    title: str = ""
    description: str = ""
    manual_run: Callable[[], Any] | None = None  # what "Run now" does, if not the same as `run`


class Ledger(Protocol):
    """Where runs are recorded; `begin` is the claim that only one caller wins per (job, slot)."""

    def last_slot(self, job: str) -> int | None:
        """The latest scheduled slot with a recorded run of `job`, or None."""

    def begin(self, job: str, slot: int, trigger: str, by: uuid.UUID | None = None) -> Any | None:
        """Record the start of a run and return its id, or None if that slot is already recorded."""

    def finish(self, run_id: Any, *, result: str | None, error: str | None) -> None:
        """Record how the run ended."""


class SlotClaims:
    """A cheap first claim in Redis, so that only one worker of a cluster asks the database.

    Without Redis there is one worker, which claims every slot. With Redis, `SET NX` on a key per
    (job, slot) lets one worker win; the key names the winner, so it may retry its own slot (after a
    database error) while the others stay out. The key expires after the slot.
    """

    def __init__(self, redis_url: str | None) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, socket_timeout=2) if redis_url else None
        self._me = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    async def claim(self, job: Job, slot: int) -> bool:
        if self._redis is None:
            return True
        key = f"thrust:job:{job.name}:{slot}"
        try:
            if await self._redis.set(key, self._me, nx=True, ex=max(job.every_seconds * 2, 60)):
                return True
            return bool((await self._redis.get(key)) == self._me.encode())
        except aioredis.RedisError as exc:
            # Redis down: the database's unique (job, slot) still lets only one worker run the slot.
            log.warning("job claim for %s fell back to the database: %s", job.name, exc)
            return True

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def in_unit_of_work(work: Callable[[Session], Any]) -> Callable[[], Any]:
    """A service function as a job's `run`: each run gets a unit of work of its own, committed when
    `work` returns (so what it publishes goes out after the commit) and rolled back if it raises."""

    def run() -> Any:
        with session_scope() as session:
            return work(session)

    return run


def slot_of(moment: float, every_seconds: int) -> int:
    return int(moment // every_seconds)


def _short(text: object, limit: int) -> str:
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def execute(job: Job, slot: int, trigger: str, ledger: Ledger | None, by: uuid.UUID | None = None) -> bool:
    """Claim the slot in the ledger, run the job and record the outcome; False if the slot was taken.

    Synchronous: call it from a worker thread. A failing job is logged and recorded, never raised.
    """
    run_id = ledger.begin(job.name, slot, trigger, by) if ledger is not None else None
    if ledger is not None and run_id is None:
        return False
    perform(job, run_id, trigger, ledger)
    return True


def perform(job: Job, run_id: Any, trigger: str, ledger: Ledger | None) -> None:
    """Run a claimed job and record the outcome (a failure is logged and recorded, never raised)."""
    from thrust.core.metrics import observe_job

    started = time.perf_counter()
    body = job.manual_run if trigger == MANUAL and job.manual_run is not None else job.run
    try:
        result = body()
    except Exception as exc:
        # One failed run must not stop the scheduler; the next slot tries again.
        log.exception("job %s failed (%s)", job.name, trigger)
        observe_job(job.name, "failed", time.perf_counter() - started)
        if ledger is not None:
            ledger.finish(run_id, result=None, error=_short(f"{type(exc).__name__}: {exc}", ERROR_LIMIT))
        return
    observe_job(job.name, "ok", time.perf_counter() - started)
    log.info("job %s ran (%s): %s", job.name, trigger, result)
    if ledger is not None:
        ledger.finish(run_id, result=None if result is None else _short(result, RESULT_LIMIT), error=None)


async def run_jobs(
    jobs: list[Job],
    claims: SlotClaims,
    *,
    ledger: Ledger | None = None,
    clock: Callable[[], float] = time.time,
    poll_seconds: float = 30.0,
) -> None:
    """Run forever: at each job's next slot, run it if this worker wins the claims.

    With a ledger, a job whose current slot has no recorded run runs once at start (catching up
    what downtime missed), and a slot whose claim failed on a database error is tried again at the
    next poll. It re-reads the clock at least every `poll_seconds`, so a suspended machine or a
    changed clock delays a run by no more than that.
    """
    now = clock()
    last_run: dict[str, int] = {job.name: slot_of(now, job.every_seconds) for job in jobs}
    trigger: dict[str, str] = {}
    retry_at: dict[str, float] = {}  # a slot whose claim failed is tried again from then on
    if ledger is not None:
        for job in jobs:
            try:
                recorded = await asyncio.to_thread(ledger.last_slot, job.name)
            except Exception as exc:
                log.warning("could not read the last run of %s: %s", job.name, exc)
                continue
            current = last_run[job.name]
            if recorded is None or recorded < current:
                last_run[job.name] = current - 1  # due now, once, for the whole missed period
                trigger[job.name] = CATCH_UP
    try:
        while True:
            now = clock()
            for job in jobs:
                slot = slot_of(now, job.every_seconds)
                if slot <= last_run[job.name] or now < retry_at.get(job.name, 0.0):
                    continue
                last_run[job.name] = slot
                if not await claims.claim(job, slot):
                    continue
                kind = trigger.pop(job.name, SCHEDULE)
                try:
                    await asyncio.to_thread(execute, job, slot, kind, ledger)
                except Exception as exc:
                    # The ledger could not be reached (database down): try this slot again shortly.
                    log.warning("job %s could not start (slot %s): %s; trying again", job.name, slot, exc)
                    last_run[job.name] = slot - 1
                    trigger[job.name] = kind
                    retry_at[job.name] = now + poll_seconds
            due = min(max((last_run[j.name] + 1) * j.every_seconds, retry_at.get(j.name, 0.0)) for j in jobs)
            await asyncio.sleep(max(0.0, min(due - clock(), poll_seconds)))
    finally:
        await claims.close()
