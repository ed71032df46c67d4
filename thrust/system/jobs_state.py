"""State of the Settings page's Jobs tab (admins): each job's last run, result and next run; "Run now"."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import text_arg
from thrust.auth.guard import requires
from thrust.auth.rbac import Permission
from thrust.auth.state import acting_user, user_bound
from thrust.gym.clock import GymClock, gym_clock
from thrust.system import jobs as service
from thrust.system.schedule import JOBS
from thrust.ui.feedback import in_unit_of_work, refusals
from thrust.ui.format import WEEKDAY_TIME_SHORT, day_label

STATUS_LABELS = {
    service.OK: "Succeeded",
    service.FAILED: "Failed",
    service.RUNNING: "Running",
    service.INTERRUPTED: "Interrupted",
}
TRIGGER_LABELS = {
    "schedule": "on schedule",
    "catch-up": "catching up after a restart",
    "manual": "run by hand",
}

# Manual runs in progress on this worker (kept so they are not garbage-collected mid-run).
_RUNNING: set[asyncio.Task[None]] = set()


@dataclasses.dataclass
class JobRow:
    """One job as the tab shows it."""

    name: str = ""
    title: str = ""
    description: str = ""
    schedule: str = ""
    status: str = "never"  # never, ok, failed, running, interrupted
    status_label: str = "Not run yet"
    last_run: str = ""
    result: str = ""
    next_run: str = ""


def schedule_label(every_seconds: int) -> str:
    if every_seconds % (7 * 86_400) == 0:
        return "Every week"
    if every_seconds % 86_400 == 0:
        return "Every day"
    if every_seconds % 3600 == 0:
        return "Every hour"
    return "Every minute" if every_seconds == 60 else f"Every {every_seconds} seconds"


def _when(moment: datetime, gym: GymClock) -> str:
    return day_label(gym.local(moment), WEEKDAY_TIME_SHORT)


def _row(status: service.JobStatus, gym: GymClock) -> JobRow:
    row = JobRow(
        name=status.name,
        title=status.title,
        description=status.description,
        schedule=schedule_label(status.every_seconds),
        next_run=_when(status.next_run_at, gym),
    )
    run = status.last_run
    if run is not None:
        row.status = run.status
        row.status_label = STATUS_LABELS.get(run.status, run.status)
        row.last_run = f"{_when(run.started_at, gym)} ({TRIGGER_LABELS.get(run.trigger, run.trigger)})"
        row.result = run.error or run.result or ""
    return row


@user_bound
class JobsState(rx.State):
    """The Jobs tab: loaded when an admin opens Settings, refreshed on demand."""

    rows: list[JobRow] = []
    loaded: bool = False

    async def _reload(self) -> None:
        actor = await acting_user(self)

        def work(session: Session) -> list[JobRow]:
            gym = gym_clock(session)
            return [_row(status, gym) for status in service.job_statuses(session, actor, JOBS)]

        self.rows = await in_unit_of_work(work, read_only=True)
        self.loaded = True

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    async def load_jobs(self) -> None:
        await self._reload()

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    async def run_now(self, name: str) -> Any:
        """Start a job at once; it runs on after this returns (Refresh shows how it ended)."""
        name = text_arg(name, "job", max_length=60)
        actor = await acting_user(self)
        with refusals(self) as refused:
            job, run_id = await in_unit_of_work(lambda s: service.claim_manual_run(s, actor, JOBS, name))
        if refused:
            await self._reload()
            return refused.toast
        # Not under this state's lock: a run may take minutes (e-mails), the page stays usable.
        task = asyncio.create_task(asyncio.to_thread(service.run_claimed, job, run_id))
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
        await self._reload()
        return rx.toast.info(f"{job.title or job.name} started. Refresh to see how it ended.")
