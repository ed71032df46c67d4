"""Operations in a real browser: an admin sees the scheduled jobs in Settings and runs one now;
see on a member's page which expiry reminders went out and when; trainers do not get the Jobs tab."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_settings import open_tab, toast
from tests.server import AppServer

pytestmark = pytest.mark.e2e


def test_an_admin_sees_the_jobs_and_runs_the_cleanup_now(admin_page: Page) -> None:
    page = admin_page
    page.goto("/settings")
    open_tab(page, "Jobs")
    table = page.locator("#jobs-table")
    for title in ("Auto check-out", "Membership expiry reminders", "Weekly cleanup", "Search index tidy-up"):
        expect(table).to_contain_text(title)
    cleanup = page.locator("#job-cleanup")
    expect(cleanup).to_contain_text("Every week")
    expect(cleanup).to_contain_text("Succeeded")  # it ran when the server started (catching up)
    cleanup.get_by_role("button", name="Run now").click()
    toast(page, "Weekly cleanup started")
    page.get_by_role("button", name="Refresh").click()
    expect(cleanup).to_contain_text("run by hand")
    expect(cleanup).to_contain_text("removed")


def test_a_member_page_shows_the_reminders_sent(admin_page: Page, app_server: AppServer) -> None:
    db = sqlite3.connect(app_server.db_url.removeprefix("sqlite:///"))
    try:
        member_id, end = db.execute(
            "SELECT id, membership_end FROM members WHERE status = 'ACTIVE' "
            "ORDER BY membership_end DESC LIMIT 1"
        ).fetchone()
        sent = datetime.now(UTC) - timedelta(hours=2)
        db.execute(
            "INSERT INTO membership_reminders (id, member_id, membership_end, stage, status, days_left, "
            "claimed_at, sent_at) VALUES (?, ?, ?, 7, 'sent', 7, ?, ?)",
            (
                uuid.uuid4().hex,
                member_id,
                end,
                sent.strftime("%Y-%m-%d %H:%M:%S"),
                sent.strftime("%Y-%m-%d %H:%M:%S"),
            ),
        )
        db.commit()
    finally:
        db.close()
    page = admin_page
    page.goto(f"/members/{uuid.UUID(str(member_id))}")
    card = page.locator("#member-reminders")
    expect(card).to_contain_text("Reminders")
    expect(card).to_contain_text("7 days before the end")
    expect(card).to_contain_text("Sent")
    expect(card).to_contain_text(f"membership ending {date.fromisoformat(str(end)[:10]):%a %-d %b %Y}")
