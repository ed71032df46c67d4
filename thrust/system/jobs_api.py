"""Scheduled jobs over HTTP (ADMIN): each job's last run and next run, and "Run now"."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import BackgroundTasks

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.core.http import documented
from thrust.core.schemas import ApiModel, Data
from thrust.core.types import utcnow
from thrust.system import jobs as service
from thrust.system.schedule import JOBS

router = authenticated_router(tags=["system"])


class RunOut(ApiModel):
    id: uuid.UUID
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    result: str | None = None
    error: str | None = None


class JobOut(ApiModel):
    name: str
    title: str
    description: str
    every_seconds: int
    last_run: RunOut | None = None
    next_run_at: datetime


@router.get("/jobs", response_model=Data[list[JobOut]], summary="Scheduled jobs and their last runs (ADMIN)")
def list_jobs(actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Each job's last run (when, how it ended, what it did) and when it runs next."""
    statuses = service.job_statuses(session, actor, JOBS)
    return {"data": [JobOut.model_validate(s).model_dump(mode="json", by_alias=True) for s in statuses]}


@router.post(
    "/jobs/{name}/run", status_code=202, **documented("Run a scheduled job now (ADMIN)", Data[RunOut], 409)
)
def run_job(
    name: str, actor: CurrentActor, session: SessionDep, background: BackgroundTasks
) -> dict[str, Any]:
    """Start a run at once; it goes on after the answer (follow it with GET /jobs). 409 while one runs."""
    job, run_id = service.claim_manual_run(session, actor, JOBS, name)
    session.commit()  # the claim must be visible before the run records its end
    background.add_task(service.run_claimed, job, run_id)
    run = RunOut(id=run_id, trigger="manual", status="running", started_at=utcnow())
    return {"data": run.model_dump(mode="json", by_alias=True)}
