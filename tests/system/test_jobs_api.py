"""/api/v1/jobs: admins see every job with its last and next run, and start one now (202, then recorded)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from thrust.api import build_api
from thrust.auth.sessions import IssuedTokens
from thrust.core.jobs import Job
from thrust.models import JobRun, Role, User
from thrust.system import jobs as service
from thrust.system import jobs_api


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(build_api())


def bearer(tokens: IssuedTokens) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.access_token}"}


def test_admins_see_every_scheduled_job_with_its_next_run(
    client: TestClient, make_user: Callable[..., User], sign_in: Callable[[User], IssuedTokens]
) -> None:
    admin = sign_in(make_user(role=Role.ADMIN))
    response = client.get("/api/v1/jobs", headers=bearer(admin))
    assert response.status_code == 200
    jobs = {job["name"]: job for job in response.json()["data"]}
    assert {"auto-check-out", "expiry-reminders", "cleanup", "tidy-search-index"} <= set(jobs)
    assert jobs["expiry-reminders"]["everySeconds"] == 86_400
    assert jobs["expiry-reminders"]["nextRunAt"].endswith(("T00:00:00Z", "T00:00:00+00:00"))
    trainer = sign_in(make_user(role=Role.TRAINER))
    assert client.get("/api/v1/jobs", headers=bearer(trainer)).status_code == 403


def test_run_now_answers_202_runs_after_the_answer_and_records_the_result(
    client: TestClient,
    db: Session,
    make_user: Callable[..., User],
    sign_in: Callable[[User], IssuedTokens],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    job = Job("api-test-job", 86_400, lambda: ran.append("x") or "did it", title="Test job")

    @contextmanager
    def scope() -> Iterator[Session]:  # the run records into the test's own transaction
        yield db
        db.flush()

    monkeypatch.setattr(jobs_api, "JOBS", [job])
    monkeypatch.setattr(
        jobs_api.service,
        "run_claimed",
        functools.partial(service.run_claimed, ledger=service.DatabaseLedger(scope)),
    )
    admin = sign_in(make_user(role=Role.ADMIN))

    response = client.post("/api/v1/jobs/api-test-job/run", headers=bearer(admin))
    assert response.status_code == 202, response.text
    assert response.json()["data"]["status"] == "running"
    assert ran == ["x"]
    run = db.exec(select(JobRun).where(JobRun.job == "api-test-job")).one()
    db.refresh(run)
    assert (run.trigger, run.status, run.result) == ("manual", "ok", "did it")

    again = client.post("/api/v1/jobs/api-test-job/run", headers=bearer(admin))
    assert again.status_code == 409 and "a moment ago" in again.json()["error"]["message"]
    assert client.post("/api/v1/jobs/nope/run", headers=bearer(admin)).status_code == 404
