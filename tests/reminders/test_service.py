"""Expiry reminders over real SMTP (aiosmtpd with STARTTLS and a login): each stage once per membership
period, even with two runs at once or a crash mid-send; the nearest stage only; the staff digest; retries
of refused e-mails; the unsubscribe link without signing in; and what staff see on a member's page."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from tests.reminders.conftest import SMTP_USER, Inbox
from thrust.api import build_api
from thrust.core.db import set_engine
from thrust.core.errors import NotFound, PermissionDenied
from thrust.core.settings import Settings, get_settings
from thrust.core.types import utcnow
from thrust.models import Member, MembershipReminder, MemberStatus, ReminderOptOut, Role, User
from thrust.reminders import service
from thrust.reminders.mail import MailUnavailable

TODAY = date(2031, 3, 10)  # a fixed day: the run is told which day it is, whatever the clock says


def add_member(engine: Engine, days_left: int, **kwargs: Any) -> tuple[uuid.UUID, str]:
    with Session(engine, expire_on_commit=False) as session:
        member = make_member(session, end=TODAY + timedelta(days=days_left), **kwargs)
        email = session.get(User, member.user_id).email  # type: ignore[union-attr]  # the row exists: the test made it
        session.commit()
    return member.id, email


def rows(engine: Engine, member_id: uuid.UUID) -> list[tuple[int, str]]:
    with Session(engine) as session:
        found = session.execute(
            select(MembershipReminder.stage, MembershipReminder.status)
            .where(MembershipReminder.member_id == member_id)
            .order_by(MembershipReminder.stage)
        ).all()
    return [tuple(row) for row in found]  # type: ignore[misc]  # rows become plain tuples for comparison


def run(
    settings: Settings, scope: Callable[..., Any], today: date = TODAY, **kwargs: Any
) -> service.RunReport:
    return service.send_expiry_reminders(settings=settings, scope=scope, today=today, **kwargs)


def test_each_due_stage_is_mailed_once_and_the_next_run_sends_nothing(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    due = {days: add_member(clean_engine, days) for days in (30, 7, 1, 0)}
    _, later = add_member(clean_engine, 31)
    _, frozen = add_member(clean_engine, 7, status=MemberStatus.FROZEN)
    _, ended = add_member(clean_engine, -1)

    report = run(mail_settings, scope, digest=False)

    assert (report.sent, report.failed) == (4, 0)
    assert inbox.logins and set(inbox.logins) == {SMTP_USER}  # logged in, over STARTTLS
    for days, (member_id, email) in due.items():
        (message,) = inbox.to(email)
        stage = {30: 30, 7: 7, 1: 1, 0: 1}[days]
        assert (stage, "sent") in rows(clean_engine, member_id)
        assert message["From"] == "THRUST Gym <desk@gym.example>"
        assert service.ends_phrase(days) in message["Subject"]
        assert "https://gym.example/api/v1/reminders/unsubscribe?token=" in message.get_content()
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not inbox.to(later) and not inbox.to(frozen) and not inbox.to(ended)

    inbox.clear()
    assert run(mail_settings, scope, digest=False).sent == 0
    assert inbox.messages == []


def test_two_runs_at_once_send_each_reminder_once(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    emails = [add_member(clean_engine, 7, full_name=f"Racer {n}")[1] for n in range(12)]
    barrier = threading.Barrier(2)
    reports: list[service.RunReport] = []

    def worker() -> None:
        barrier.wait()
        reports.append(run(mail_settings, scope, digest=False))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.sent for r in reports) == 12
    assert sorted(m["To"] for m in inbox.messages) == sorted(emails)


def test_only_the_nearest_stage_goes_out_and_earlier_ones_are_skipped(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    member_id, email = add_member(clean_engine, 5)  # joined late: 30 and 7 are both reached
    run(mail_settings, scope, digest=False)
    assert rows(clean_engine, member_id) == [(7, "sent"), (30, "skipped")]
    assert "ends in 5 days" in inbox.to(email)[0]["Subject"]
    run(mail_settings, scope, today=TODAY + timedelta(days=2), digest=False)  # 3 days left: nothing new
    assert len(inbox.to(email)) == 1
    run(mail_settings, scope, today=TODAY + timedelta(days=4), digest=False)  # 1 day left
    assert rows(clean_engine, member_id) == [(1, "sent"), (7, "sent"), (30, "skipped")]
    assert "ends tomorrow" in inbox.to(email)[-1]["Subject"]


def test_a_renewed_membership_is_reminded_again(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    member_id, email = add_member(clean_engine, 7)
    run(mail_settings, scope, digest=False)
    with clean_engine.begin() as connection:  # renewed: a new end date, a new membership period
        connection.execute(
            update(Member).where(Member.id == member_id).values(membership_end=TODAY + timedelta(days=372))
        )
    run(mail_settings, scope, today=TODAY + timedelta(days=365), digest=False)
    assert len(inbox.to(email)) == 2


def test_a_crash_between_sending_and_recording_never_sends_twice(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    member_id, email = add_member(clean_engine, 7)
    due = service.due_reminders(Session(clean_engine), TODAY, [30, 7, 1])
    assert service.claim(scope, next(d for d in due if d.member_id == member_id))  # claimed... then the crash
    run(mail_settings, scope, digest=False)
    assert inbox.to(email) == []
    assert rows(clean_engine, member_id) == [(7, "sending"), (30, "skipped")]


def test_a_refused_address_is_recorded_and_retried_next_run(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    member_id, email = add_member(clean_engine, 7)
    _, other = add_member(clean_engine, 7)
    inbox.refuse.add(email)
    report = run(mail_settings, scope, digest=False)
    assert (report.sent, report.failed) == (1, 1) and inbox.to(other)
    assert (7, "failed") in rows(clean_engine, member_id)
    inbox.refuse.clear()
    assert run(mail_settings, scope, today=TODAY + timedelta(days=1), digest=False).sent == 1
    assert (7, "sent") in rows(clean_engine, member_id) and inbox.to(email)


def test_an_unreachable_smtp_server_fails_the_run_and_says_why(
    mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    member_id, _ = add_member(clean_engine, 7)
    down = mail_settings.model_copy(update={"smtp_port": 1})
    with pytest.raises(MailUnavailable, match="cannot reach the SMTP server localhost:1"):
        run(down, scope, digest=False)
    assert (7, "failed") in rows(clean_engine, member_id)  # tried again by the next run


def test_no_smtp_server_configured_sends_nothing_and_says_so(scope: Any, clean_engine: Engine) -> None:
    add_member(clean_engine, 7)
    report = service.send_expiry_reminders(settings=Settings(), scope=scope, today=TODAY)
    assert "not configured" in str(report)


def test_the_digest_lists_all_endings_for_admins_and_their_own_members_for_trainers(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    with Session(clean_engine, expire_on_commit=False) as session:
        admin = make_user(session, role=Role.ADMIN)
        coach = make_user(session, role=Role.TRAINER)
        idle = make_user(session, role=Role.TRAINER)
        session.commit()
    with Session(clean_engine, expire_on_commit=False) as session:
        coach_row = session.get(User, coach.id)
        make_member(session, full_name="Carla Coached", end=TODAY + timedelta(days=3), trainer=coach_row)
        make_member(session, full_name="Otto Other", end=TODAY + timedelta(days=6))
        make_member(session, full_name="Far Future", end=TODAY + timedelta(days=20))
        session.commit()

    report = run(mail_settings, scope)

    assert report.digests == 2
    (to_admin,) = inbox.to(admin.email)
    assert "2 memberships ending in 7 days" in to_admin["Subject"]
    body = to_admin.get_content()
    assert "Carla Coached" in body and "Otto Other" in body and "Far Future" not in body
    assert "reminded today (7-day e-mail)" in body
    (to_coach,) = inbox.to(coach.email)
    assert "Carla Coached" in to_coach.get_content() and "Otto Other" not in to_coach.get_content()
    assert inbox.to(idle.email) == []


# -- unsubscribing, without signing in --------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_signing_in_and_stops_the_reminders(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    inbox, _ = smtp
    member_id, email = add_member(clean_engine, 30)
    run(mail_settings, scope, digest=False)
    link = re.search(
        r"https://gym\.example(/api/v1/reminders/unsubscribe\?token=\S+)", inbox.to(email)[0].get_content()
    )
    assert link is not None
    set_engine(clean_engine)
    get_settings.cache_clear()
    try:
        client = TestClient(build_api())
        page = client.get(link.group(1))
        assert page.status_code == 200 and "Unsubscribe</button>" in page.text
        assert rows_opted_out(clean_engine) == []  # opening the link (or a mail scanner) changes nothing
        done = client.post(link.group(1))
        assert done.status_code == 200 and "You are unsubscribed" in done.text
        assert client.post(link.group(1)).status_code == 200  # twice is fine
        assert rows_opted_out(clean_engine) == [member_id]

        forged = link.group(1)[:-3] + ("AAA" if not link.group(1).endswith("AAA") else "BBB")
        assert client.post(forged).status_code == 404
        other_id, _ = add_member(clean_engine, 30)
        stolen = link.group(1).replace(member_id.hex, other_id.hex)  # a signature is for one member only
        assert client.post(stolen).status_code == 404
        assert rows_opted_out(clean_engine) == [member_id]
    finally:
        set_engine(None)
        get_settings.cache_clear()

    inbox.clear()
    run(mail_settings, scope, today=TODAY + timedelta(days=23), digest=False)  # the 7-day stage
    assert inbox.to(email) == []


def rows_opted_out(engine: Engine) -> list[uuid.UUID]:
    with Session(engine) as session:
        return list(session.execute(select(ReminderOptOut.member_id)).scalars())


# -- what staff see --------------------------------------------------------------------------------------


def test_staff_who_may_see_the_member_see_who_was_reminded_and_when(
    smtp: tuple[Inbox, int], mail_settings: Settings, scope: Any, clean_engine: Engine
) -> None:
    with Session(clean_engine, expire_on_commit=False) as session:
        admin, coach, stranger = (
            make_user(session, role=r) for r in (Role.ADMIN, Role.TRAINER, Role.TRAINER)
        )
        member = make_member(session, end=TODAY + timedelta(days=5), trainer=coach)
        session.commit()
    run(mail_settings, scope, digest=False)
    with Session(clean_engine) as session:
        session.execute(
            update(MembershipReminder)
            .where(MembershipReminder.stage == 7)
            .values(status="sending", claimed_at=utcnow() - timedelta(hours=3))
        )
        session.commit()
        history = service.member_reminders(session, actor_for(admin), member.id)
        assert sorted((e.stage, e.status) for e in history.entries) == [(7, "interrupted"), (30, "skipped")]
        assert service.member_reminders(session, actor_for(coach), member.id).entries
        with pytest.raises(NotFound):
            service.member_reminders(session, actor_for(stranger), member.id)
        own = actor_for(session.get(User, member.user_id))  # type: ignore[arg-type]  # the row exists: the test made it
        with pytest.raises(PermissionDenied):
            service.member_reminders(session, own, member.id)
