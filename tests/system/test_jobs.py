"""Scheduled jobs in the database: each slot once (also without Redis), catch-up once after downtime, runs
recorded with their outcome, and admins' "Run now"."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from tests.factories import actor_for, make_user, scope_on
from thrust.core.errors import Conflict, NotFound, PermissionDenied
from thrust.core.jobs import CATCH_UP, MANUAL, SCHEDULE, Job, SlotClaims, run_jobs
from thrust.core.metrics import JOB_RUNS
from thrust.models import JobRun, Role
from thrust.system import jobs as service

DAY = 86_400
START = 1_800_000_000 // DAY * DAY  # a UTC midnight in 2027


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ledger(engine: Engine) -> Iterator[service.DatabaseLedger]:
    yield service.DatabaseLedger(scope_on(engine))


def runs_of(engine: Engine, job: str) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.exec(select(JobRun).where(JobRun.job == job).order_by(JobRun.started_at)).all())


def counting_job(every: int = DAY, fail: bool = False) -> tuple[Job, list[int]]:
    calls: list[int] = []
    lock = threading.Lock()

    def body() -> str:
        with lock:
            calls.append(1)
        if fail:
            raise RuntimeError("the mail server said no")
        return f"did {len(calls)}"

    return Job(f"test-{uuid.uuid4().hex[:10]}", every, body), calls


async def _run_for(tasks: list[asyncio.Task[None]], seconds: float) -> None:
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _start(
    job: Job, clock: Clock, ledger: service.DatabaseLedger, workers: int = 1
) -> list[asyncio.Task[None]]:
    return [
        asyncio.create_task(run_jobs([job], SlotClaims(None), ledger=ledger, clock=clock, poll_seconds=0.02))
        for _ in range(workers)
    ]


def test_a_daily_job_down_for_three_days_runs_once_at_start_then_daily(
    engine: Engine, ledger: service.DatabaseLedger
) -> None:
    job, calls = counting_job()
    assert ledger.begin(job.name, START // DAY, SCHEDULE) is not None  # it last ran on day 0
    clock = Clock(START + 3 * DAY + 5 * 3600)  # the server comes back on day 3 at 05:00

    async def scenario() -> None:
        tasks = _start(job, clock, ledger)
        await asyncio.sleep(0.5)
        assert len(calls) == 1  # once for the missed days, not three times
        clock.now += 12 * 3600  # later that day: nothing more
        await asyncio.sleep(0.3)
        assert len(calls) == 1
        clock.now = START + 4 * DAY + 1  # the next midnight: its own run
        await _run_for(tasks, 0.5)

    asyncio.run(scenario())
    assert len(calls) == 2
    runs = runs_of(engine, job.name)
    assert [(r.slot - START // DAY, r.trigger, r.status) for r in runs] == [
        (0, SCHEDULE, "running"),  # recorded by hand above, never finished
        (3, CATCH_UP, "ok"),
        (4, SCHEDULE, "ok"),
    ]
    assert runs[1].result == "did 1" and runs[1].finished_at is not None


def test_a_slot_already_run_is_not_run_again_after_a_restart(
    engine: Engine, ledger: service.DatabaseLedger
) -> None:
    job, calls = counting_job()
    clock = Clock(START + 10 * DAY + 3600)
    assert ledger.begin(job.name, int(clock.now // DAY), SCHEDULE) is not None  # ran at midnight

    async def scenario() -> None:
        await _run_for(_start(job, clock, ledger), 0.4)

    asyncio.run(scenario())
    assert calls == []


def test_two_workers_without_redis_run_each_slot_once_because_the_database_says_so(
    engine: Engine, ledger: service.DatabaseLedger
) -> None:
    job, calls = counting_job(every=1)
    clock = Clock(START + 0.5)

    async def scenario() -> None:
        tasks = _start(job, clock, ledger, workers=3)  # no Redis claims: every worker asks the database
        for _ in range(3):
            await asyncio.sleep(0.3)
            clock.now += 1
        await _run_for(tasks, 0.4)

    asyncio.run(scenario())
    slots = [r.slot for r in runs_of(engine, job.name)]
    assert len(calls) == len(slots) == 4  # the first slot (catch-up at start) and three more
    assert len(set(slots)) == 4


def test_a_failing_run_is_recorded_with_its_error_and_counted(
    engine: Engine, ledger: service.DatabaseLedger
) -> None:
    job, _ = counting_job(fail=True)
    before = JOB_RUNS.labels(job.name, "failed")._value.get()

    async def scenario() -> None:
        await _run_for(_start(job, Clock(START + 20 * DAY), ledger), 0.4)

    asyncio.run(scenario())
    (run,) = runs_of(engine, job.name)
    assert (run.status, run.error) == ("failed", "RuntimeError: the mail server said no")
    assert JOB_RUNS.labels(job.name, "failed")._value.get() == before + 1


def test_a_database_outage_at_the_slot_is_retried_not_skipped(engine: Engine) -> None:
    job, calls = counting_job()
    real = service.DatabaseLedger(scope_on(engine))

    class Flaky:
        failures = 2

        def last_slot(self, name: str) -> int | None:
            return real.last_slot(name)

        def begin(self, *args: object) -> object:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("database restarting")
            return real.begin(*args)  # type: ignore[arg-type]  # the arguments pass through unchanged

        def finish(self, run_id: object, **kwargs: object) -> None:
            real.finish(run_id, **kwargs)  # type: ignore[arg-type]  # the arguments pass through unchanged

    clock = Clock(START + 30 * DAY + 60)

    async def scenario() -> None:
        task = asyncio.create_task(
            run_jobs([job], SlotClaims(None), ledger=Flaky(), clock=clock, poll_seconds=0.05)  # type: ignore[arg-type]  # a test double with the ledger's methods
        )
        await asyncio.sleep(0.1)
        clock.now += 1  # time passes: the scheduler retries the same slot at its next poll
        await asyncio.sleep(0.2)
        clock.now += 1
        await _run_for([task], 0.3)

    asyncio.run(scenario())
    assert len(calls) == 1
    assert [r.status for r in runs_of(engine, job.name)] == ["ok"]


# -- what admins see and do -----------------------------------------------------------------------------


def test_admins_see_each_jobs_last_run_and_next_run(db: Session) -> None:
    admin = actor_for(make_user(db, role=Role.ADMIN))
    job, _ = counting_job()
    db.add(JobRun(job=job.name, slot=5, trigger=SCHEDULE, status="ok", result="3 sent"))
    db.flush()
    (status,) = service.job_statuses(db, admin, [job])
    assert status.last_run is not None and (status.last_run.status, status.last_run.result) == (
        "ok",
        "3 sent",
    )
    assert status.next_run_at.timestamp() % DAY == 0  # the next midnight UTC
    trainer = actor_for(make_user(db, role=Role.TRAINER))
    with pytest.raises(PermissionDenied):
        service.job_statuses(db, trainer, [job])


def test_run_now_is_recorded_as_manual_and_refused_while_running(db: Session) -> None:
    admin = actor_for(make_user(db, role=Role.ADMIN))
    job, calls = counting_job()
    claimed, run_id = service.claim_manual_run(db, admin, [job], job.name)
    assert claimed is job
    with pytest.raises(Conflict, match="running now"):
        service.claim_manual_run(db, admin, [job], job.name)
    run = db.get(JobRun, run_id)
    assert run is not None and (run.trigger, run.triggered_by) == (MANUAL, admin.user_id) and run.slot < 0
    with pytest.raises(NotFound):
        service.claim_manual_run(db, admin, [job], "no-such-job")
    db.execute(delete(JobRun).where(JobRun.id == run_id))  # type: ignore[arg-type]  # SQLModel types a column as its Python value
    assert calls == []
