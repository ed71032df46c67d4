"""Scheduled jobs in the database: the run ledger, what admins see in Settings, and "Run now".

The ledger is `job_runs`: a run is claimed by inserting (job, slot) in its own committed
transaction, so the database's unique constraint decides which worker runs a slot, whichever
workers, restarts or Redis outages come between. Manual runs use negative slots (minus the minute
they were asked for): at most one a minute per job, never in the way of a scheduled slot.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, Permission, require
from thrust.core.db import rows_changed, savepoint, session_scope
from thrust.core.errors import Conflict, NotFound
from thrust.core.jobs import MANUAL, Job, perform
from thrust.core.types import utcnow
from thrust.models import JobRun

RUNNING, OK, FAILED, INTERRUPTED = "running", "ok", "failed", "interrupted"
# A run still "running" after this long died with its worker; it no longer blocks "Run now".
STUCK_AFTER = timedelta(hours=2)


class UnitOfWork(Protocol):
    def __call__(self) -> AbstractContextManager[Session]: ...


class DatabaseLedger:
    """The scheduler's ledger (thrust/core/jobs.py `Ledger`) in the `job_runs` table."""

    def __init__(self, scope: UnitOfWork = session_scope) -> None:
        self._scope = scope

    def last_slot(self, job: str) -> int | None:
        with self._scope() as session:
            value = session.exec(
                select(sa.func.max(col(JobRun.slot))).where(col(JobRun.job) == job, col(JobRun.slot) >= 0)
            ).one()
        return None if value is None else int(value)

    def begin(self, job: str, slot: int, trigger: str, by: uuid.UUID | None = None) -> uuid.UUID | None:
        run = JobRun(
            job=job, slot=slot, trigger=trigger, status=RUNNING, started_at=utcnow(), triggered_by=by
        )
        try:
            with self._scope() as session:
                session.add(run)
                session.flush()
        except IntegrityError:
            return None  # another worker (or an earlier life of this server) has this slot
        return run.id

    def finish(self, run_id: Any, *, result: str | None, error: str | None) -> None:
        with self._scope() as session:
            session.execute(
                sa.update(JobRun)
                .where(col(JobRun.id) == run_id)
                .values(status=FAILED if error else OK, finished_at=utcnow(), result=result, error=error)
            )


# -- what admins see ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    id: uuid.UUID
    trigger: str
    status: str  # running, ok, failed, interrupted
    started_at: datetime
    finished_at: datetime | None
    result: str | None
    error: str | None


@dataclass(frozen=True)
class JobStatus:
    name: str
    title: str
    description: str
    every_seconds: int
    last_run: RunView | None
    next_run_at: datetime

    @property
    def running(self) -> bool:
        return self.last_run is not None and self.last_run.status == RUNNING


def _view(run: JobRun, now: datetime) -> RunView:
    status = run.status
    if status == RUNNING and now - run.started_at > STUCK_AFTER:
        status = INTERRUPTED
    return RunView(run.id, run.trigger, status, run.started_at, run.finished_at, run.result, run.error)


def next_run_at(job: Job, now: datetime) -> datetime:
    slot = int(now.timestamp() // job.every_seconds) + 1
    return datetime.fromtimestamp(slot * job.every_seconds, tz=UTC)


def _last_run(session: Session, job: str) -> JobRun | None:
    return session.exec(
        select(JobRun).where(col(JobRun.job) == job).order_by(col(JobRun.started_at).desc()).limit(1)
    ).first()


def job_statuses(session: Session, actor: Actor, jobs: Sequence[Job]) -> list[JobStatus]:
    """Each job's last run, its result and its next scheduled run (admins)."""
    require(actor, Permission.SETTINGS_MANAGE)
    now = utcnow()
    statuses = []
    for job in jobs:
        last = _last_run(session, job.name)
        statuses.append(
            JobStatus(
                name=job.name,
                title=job.title or job.name,
                description=job.description,
                every_seconds=job.every_seconds,
                last_run=_view(last, now) if last is not None else None,
                next_run_at=next_run_at(job, now),
            )
        )
    return statuses


def find_job(jobs: Sequence[Job], name: str) -> Job:
    for job in jobs:
        if job.name == name:
            return job
    raise NotFound("No such job")


def claim_manual_run(session: Session, actor: Actor, jobs: Sequence[Job], name: str) -> tuple[Job, uuid.UUID]:
    """Record an admin's "Run now" (committed with the caller's unit of work); run it with `run_claimed`.

    Refused while a run of the job is in progress, and for a second click within the same minute.
    """
    require(actor, Permission.SETTINGS_MANAGE)
    job = find_job(jobs, name)
    now = utcnow()
    last = _last_run(session, job.name)
    if last is not None and _view(last, now).status == RUNNING:
        raise Conflict(f"{job.title or job.name} is running now; wait for it to finish")
    run = JobRun(
        job=job.name,
        slot=-int(now.timestamp() // 60),
        trigger=MANUAL,
        status=RUNNING,
        started_at=now,
        triggered_by=actor.user_id,
    )
    with savepoint(
        session, Conflict(f"{job.title or job.name} was started a moment ago; try again in a minute")
    ):
        session.add(run)
        session.flush()
    return job, run.id


def run_claimed(job: Job, run_id: uuid.UUID, ledger: DatabaseLedger | None = None) -> None:
    """Run a claimed manual run and record how it ended (synchronous: call it from a worker thread)."""
    perform(job, run_id, MANUAL, ledger or DatabaseLedger())


def prune_runs(session: Session, older_than: datetime) -> int:
    """Forget runs started before `older_than`, keeping each job's latest (cleanup)."""
    newest = {
        job: started
        for job, started in session.exec(
            select(col(JobRun.job), sa.func.max(col(JobRun.started_at))).group_by(col(JobRun.job))
        )
    }
    removed = 0
    for job, started in newest.items():
        cutoff = min(older_than, started)
        result = session.execute(
            sa.delete(JobRun).where(col(JobRun.job) == job, col(JobRun.started_at) < cutoff)
        )
        removed += rows_changed(result)
    return removed
