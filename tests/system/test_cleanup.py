"""The weekly cleanup: what is past its retention goes, what is recent stays, each job keeps its last run."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_member, make_user
from thrust.api import build_api
from thrust.auth.sessions import start_session
from thrust.core.jobs import SCHEDULE
from thrust.core.settings import Settings
from thrust.core.types import utcnow
from thrust.members.uploads import sweep_stale_uploads
from thrust.models import AIUsageLog, AuthSession, JobRun, MembershipReminder, Role
from thrust.system.cleanup import clean_records

NOW = utcnow()


def _session(
    db: Session, user_id: object, *, expired_days: int = 0, revoked_days: int | None = None
) -> AuthSession:
    row = AuthSession(
        user_id=user_id,  # type: ignore[arg-type]  # the test passes ids of either kind
        expires_at=NOW - timedelta(days=expired_days) if expired_days else NOW + timedelta(days=30),
        revoked_at=NOW - timedelta(days=revoked_days) if revoked_days is not None else None,
    )
    db.add(row)
    db.flush()
    return row


def test_records_past_their_retention_go_and_recent_ones_stay(db: Session) -> None:
    settings = Settings(retention_days=90, ai_usage_retention_days=365)
    user = make_user(db)
    live = _session(db, user.id)
    expired_long_ago = _session(db, user.id, expired_days=120)
    expired_lately = _session(db, user.id, expired_days=10)
    revoked_long_ago = _session(db, user.id, revoked_days=100)
    revoked_lately = _session(db, user.id, revoked_days=5)
    old_log = AIUsageLog(user_id=user.id, endpoint="plan", model="m", tokens_used=1, cost=0.1)
    old_log.created_at = NOW - timedelta(days=400)
    new_log = AIUsageLog(user_id=user.id, endpoint="plan", model="m", tokens_used=1, cost=0.1)
    member = make_member(db, end=date.today() + timedelta(days=30))
    old_reminder = MembershipReminder(
        member_id=member.id,
        membership_end=date.today() - timedelta(days=200),
        stage=7,
        status="sent",
        days_left=7,
    )
    new_reminder = MembershipReminder(
        member_id=member.id,
        membership_end=date.today() + timedelta(days=30),
        stage=30,
        status="sent",
        days_left=30,
    )
    job = "cleanup-test-job"
    old_run = JobRun(job=job, slot=1, trigger=SCHEDULE, status="ok", started_at=NOW - timedelta(days=200))
    only_old_run = JobRun(
        job=job + "-2", slot=1, trigger=SCHEDULE, status="ok", started_at=NOW - timedelta(days=300)
    )
    latest_run = JobRun(job=job, slot=2, trigger=SCHEDULE, status="ok", started_at=NOW - timedelta(days=1))
    db.add_all([old_log, new_log, old_reminder, new_reminder, old_run, only_old_run, latest_run])
    db.flush()

    report = clean_records(db, settings, NOW)
    db.expire_all()

    gone = [expired_long_ago, revoked_long_ago, old_log, old_reminder, old_run]
    kept = [live, expired_lately, revoked_lately, new_log, new_reminder, latest_run, only_old_run]
    assert [db.get(type(row), row.id) for row in gone] == [None] * len(gone)
    assert all(db.get(type(row), row.id) is not None for row in kept)
    assert (
        report.sessions >= 2 and report.ai_usage_logs >= 1 and report.job_runs >= 1 and report.reminders >= 1
    )


def test_a_session_cleaned_away_cannot_be_refreshed_any_more(db: Session, make_client: object) -> None:
    """Cleanup removes only what could no longer be used: an expired refresh token stays refused."""
    user = make_user(db, role=Role.ADMIN)
    tokens = start_session(db, user, user_agent=None, ip=None)
    row = db.get(AuthSession, tokens.session_id)
    assert row is not None
    row.expires_at = NOW - timedelta(days=100)
    db.flush()
    clean_records(db, Settings(retention_days=90), NOW)
    client: TestClient = make_client(build_api())  # type: ignore[operator]  # the fixture's factory, typed loosely here
    response = client.post("/api/v1/auth/refresh", json={"refreshToken": tokens.refresh_token})
    assert response.status_code == 401


def test_leftover_import_uploads_are_swept_and_fresh_ones_kept(tmp_path: Path) -> None:
    old, fresh, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "notes.txt"
    for path in (old, fresh, other):
        path.write_text("fullName,email\n")
    week_ago = time.time() - 7 * 86_400
    os.utime(old, (week_ago, week_ago))
    os.utime(other, (week_ago, week_ago))
    assert sweep_stale_uploads(tmp_path) == 1
    assert not old.exists() and fresh.exists() and other.exists()


@pytest.mark.parametrize("days", [0, 4000])
def test_retention_must_be_a_sensible_number_of_days(days: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from thrust.core.settings import SettingsError, load_settings

    monkeypatch.setenv("THRUST_RETENTION_DAYS", str(days))
    with pytest.raises(SettingsError, match="THRUST_RETENTION_DAYS"):
        load_settings()
