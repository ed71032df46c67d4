"""Membership expiry reminders: staged e-mails to members, a daily digest to staff, unsubscribing.

Each stage (by default 30, 7 and 1 days before `membership_end`) goes out at most once per
membership period: the row (member, membership_end, stage) is claimed in its own committed
transaction *before* the e-mail is sent, and the database's unique constraint lets only one worker
claim it. A crash between sending and recording leaves the row "sending": it is never sent again
(at most once: a member may miss one reminder, but never gets two), and staff see it as
interrupted. A refused or undeliverable e-mail is recorded "failed" and tried again on the next run
while its stage is the one due. When several stages are due at once (a membership created 5 days
before its end, or a server that was down), only the nearest is sent and the earlier ones are
recorded "skipped", so nobody gets a 30-day reminder a week before the end.

A renewed membership has a new end date, so its stages start afresh. Members who followed the
unsubscribe link (a signed token, no sign-in needed) get no more reminders.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, require
from thrust.core.db import rows_changed, select_columns, session_scope
from thrust.core.settings import Settings, get_settings
from thrust.core.types import utcnow
from thrust.gym import clock
from thrust.gym.service import get_gym
from thrust.members.capabilities import VIEW_MEMBERS
from thrust.members.service import get_visible_member
from thrust.models import Member, MembershipReminder, MemberStatus, ReminderOptOut, Role, User
from thrust.reminders.mail import Mailer, MailError, MailUnavailable, SmtpMailer

log = logging.getLogger("thrust.reminders")

SENDING, SENT, FAILED, SKIPPED = "sending", "sent", "failed", "skipped"
DIGEST_LINES = 200
UNSUBSCRIBE_PATH = "/api/v1/reminders/unsubscribe"

UnitOfWork = Callable[[], AbstractContextManager[Session]]


# -- the unsubscribe link ---------------------------------------------------------------------------------


def _signature(member_id: uuid.UUID, secret: str) -> str:
    # Its own purpose string: a signature made here is no token anywhere else, and the reverse.
    digest = hmac.new(secret.encode(), b"thrust-unsubscribe:" + member_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def unsubscribe_token(member_id: uuid.UUID, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{member_id.hex}.{_signature(member_id, settings.token_secret())}"


def member_from_token(token: str, settings: Settings | None = None) -> uuid.UUID | None:
    """The member a token was made for, or None if it is malformed or its signature is wrong."""
    settings = settings or get_settings()
    raw_id, _, signature = (token or "").partition(".")
    try:
        member_id = uuid.UUID(hex=raw_id)
    except ValueError:
        return None
    expected = _signature(member_id, settings.token_secret())
    return member_id if hmac.compare_digest(signature.encode(), expected.encode()) else None


def unsubscribe_url(member_id: uuid.UUID, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{settings.public_url}{UNSUBSCRIBE_PATH}?token={unsubscribe_token(member_id, settings)}"


@dataclass(frozen=True)
class Unsubscribed:
    gym_name: str
    first_name: str


def unsubscribe(session: Session, token: str) -> Unsubscribed | None:
    """Record that the token's member wants no more reminders (again is fine); None for a bad token."""
    member_id = member_from_token(token)
    member = session.get(Member, member_id) if member_id else None
    if member is None:
        return None
    if session.get(ReminderOptOut, member.id) is None:
        session.add(ReminderOptOut(member_id=member.id))
        try:
            session.flush()
        except IntegrityError:  # the same link clicked twice at once
            session.rollback()
    log.info("member %s unsubscribed from expiry reminders", member.id)
    return Unsubscribed(gym_name=get_gym(session).name, first_name=_first_name(member.full_name))


def describe_token(session: Session, token: str) -> Unsubscribed | None:
    """What the unsubscribe page shows before the click (None for a bad token); changes nothing."""
    member_id = member_from_token(token)
    member = session.get(Member, member_id) if member_id else None
    if member is None:
        return None
    return Unsubscribed(gym_name=get_gym(session).name, first_name=_first_name(member.full_name))


def _first_name(full_name: str) -> str:
    return (full_name or "").split(" ", 1)[0] or "there"


# -- what is due ----------------------------------------------------------------------------------------


@dataclass
class Due:
    """One member's reminder to send now (`stage`), and the earlier stages it supersedes (`skip`)."""

    member_id: uuid.UUID
    email: str
    full_name: str
    tier: str
    end: date
    days_left: int
    stage: int
    skip: list[int] = field(default_factory=list)
    retry_id: uuid.UUID | None = None  # an earlier failed attempt at this stage, to claim again


def due_reminders(session: Session, today: date, stages: list[int]) -> list[Due]:
    """Active members whose nearest due stage has not been sent (or failed and may be retried)."""
    if not stages:
        return []
    horizon = today + timedelta(days=max(stages))
    rows = session.exec(
        select_columns(Member.id, User.email, Member.full_name, Member.membership_tier, Member.membership_end)
        .join(User, col(User.id) == col(Member.user_id))
        .where(
            col(Member.status) == MemberStatus.ACTIVE,
            col(Member.membership_end) >= today,
            col(Member.membership_end) <= horizon,
            ~sa.exists().where(col(ReminderOptOut.member_id) == col(Member.id)),
        )
    ).all()
    if not rows:
        return []
    recorded: dict[tuple[uuid.UUID, date], dict[int, tuple[str, uuid.UUID]]] = {}
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 500):
        for member_id, end, stage, status, reminder_id in session.exec(
            select_columns(
                MembershipReminder.member_id,
                MembershipReminder.membership_end,
                MembershipReminder.stage,
                MembershipReminder.status,
                MembershipReminder.id,
            ).where(col(MembershipReminder.member_id).in_(ids[start : start + 500]))
        ).all():
            recorded.setdefault((member_id, end), {})[stage] = (status, reminder_id)
    due: list[Due] = []
    for member_id, email, full_name, tier, end in rows:
        days_left = (end - today).days
        reached = [stage for stage in stages if days_left <= stage]
        if not reached:
            continue
        nearest = min(reached)
        seen = recorded.get((member_id, end), {})
        previous = seen.get(nearest)
        if previous is not None and previous[0] != FAILED:
            continue  # sent, being sent (or interrupted), or skipped: never again
        due.append(
            Due(
                member_id=member_id,
                email=email,
                full_name=full_name,
                tier=getattr(tier, "value", str(tier)),
                end=end,
                days_left=days_left,
                stage=nearest,
                skip=[stage for stage in reached if stage != nearest and stage not in seen],
                retry_id=previous[1] if previous is not None else None,
            )
        )
    return due


def claim(scope: UnitOfWork, due: Due) -> uuid.UUID | None:
    """Claim the reminder in its own committed transaction; None if another run already has it."""
    try:
        with scope() as session:
            if due.retry_id is not None:
                # A failed attempt is retried by whoever flips it back to "sending" first.
                result = session.execute(
                    sa.update(MembershipReminder)
                    .where(
                        col(MembershipReminder.id) == due.retry_id, col(MembershipReminder.status) == FAILED
                    )
                    .values(status=SENDING, claimed_at=utcnow(), days_left=due.days_left, error=None)
                )
                return due.retry_id if rows_changed(result) == 1 else None
            reminder = MembershipReminder(
                member_id=due.member_id,
                membership_end=due.end,
                stage=due.stage,
                status=SENDING,
                days_left=due.days_left,
            )
            session.add(reminder)
            for stage in due.skip:
                session.add(
                    MembershipReminder(
                        member_id=due.member_id,
                        membership_end=due.end,
                        stage=stage,
                        status=SKIPPED,
                        days_left=due.days_left,
                    )
                )
            session.flush()
            return reminder.id
    except IntegrityError:
        return None


def record(scope: UnitOfWork, reminder_id: uuid.UUID, error: str | None) -> None:
    with scope() as session:
        session.execute(
            sa.update(MembershipReminder)
            .where(col(MembershipReminder.id) == reminder_id)
            .values(
                status=FAILED if error else SENT,
                sent_at=None if error else utcnow(),
                error=error[:300] if error else None,
            )
        )


# -- the e-mails ------------------------------------------------------------------------------------------


def ends_phrase(days_left: int) -> str:
    if days_left <= 0:
        return "ends today"
    if days_left == 1:
        return "ends tomorrow"
    return f"ends in {days_left} days"


def day_text(day: date) -> str:
    return day.strftime("%A %-d %B %Y")


def reminder_message(due: Due, gym_name: str, settings: Settings) -> EmailMessage:
    """The member's e-mail: when the membership ends, what to do, and how to stop these e-mails."""
    url = unsubscribe_url(due.member_id, settings)
    message = EmailMessage()
    message["To"] = due.email
    message["Subject"] = f"Your {gym_name} membership {ends_phrase(due.days_left)}"
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: mail apps' own button
    message.set_content(
        f"Hello {_first_name(due.full_name)},\n\n"
        f"your {due.tier.title()} membership at {gym_name} {ends_phrase(due.days_left)}, "
        f"on {day_text(due.end)}.\n"
        "To keep training without a break, renew it at the front desk before then.\n\n"
        f"See you soon,\n{gym_name}\n\n"
        f"--\nNo more reminders like this one: {url}\n"
    )
    return message


@dataclass(frozen=True)
class Ending:
    """A membership ending soon, as a staff digest lists it."""

    name: str
    tier: str
    end: date
    days_left: int
    trainer_id: uuid.UUID | None
    note: str


def _endings(session: Session, today: date, days: int, reminded: dict[uuid.UUID, int]) -> list[Ending]:
    rows = session.exec(
        select_columns(
            Member.id,
            Member.full_name,
            Member.membership_tier,
            Member.membership_end,
            Member.assigned_trainer_id,
            ReminderOptOut.member_id,
        )
        .join(ReminderOptOut, col(ReminderOptOut.member_id) == col(Member.id), isouter=True)
        .where(
            col(Member.status) == MemberStatus.ACTIVE,
            col(Member.membership_end) >= today,
            col(Member.membership_end) <= today + timedelta(days=days),
        )
        .order_by(col(Member.membership_end), col(Member.full_name))
    ).all()
    endings = []
    for member_id, name, tier, end, trainer_id, opted_out in rows:
        if member_id in reminded:
            note = f"reminded today ({reminded[member_id]}-day e-mail)"
        elif opted_out is not None:
            note = "no e-mails (unsubscribed)"
        else:
            note = ""
        endings.append(
            Ending(name, getattr(tier, "value", str(tier)), end, (end - today).days, trainer_id, note)
        )
    return endings


def digest_message(to: str, endings: list[Ending], gym_name: str, days: int) -> EmailMessage:
    lines = [
        f"- {e.name} ({e.tier.title()}): {ends_phrase(e.days_left)}, {e.end:%a %-d %b}"
        + (f"; {e.note}" if e.note else "")
        for e in endings[:DIGEST_LINES]
    ]
    if len(endings) > DIGEST_LINES:
        lines.append(f"... and {len(endings) - DIGEST_LINES} more: see Members, filter Expiring soon.")
    message = EmailMessage()
    message["To"] = to
    count = len(endings)
    message["Subject"] = f"{gym_name}: {count} membership{'s' if count != 1 else ''} ending in {days} days"
    message.set_content(
        f"Memberships ending within {days} days ({count}):\n\n" + "\n".join(lines) + "\n\n"
        "Members get their own reminder e-mails; this digest is for the front desk.\n"
    )
    return message


# -- the daily run --------------------------------------------------------------------------------------


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    digests: int = 0
    skipped_reason: str = ""

    def __str__(self) -> str:
        if self.skipped_reason:
            return self.skipped_reason
        text = f"{self.sent} reminder{'s' if self.sent != 1 else ''} sent"
        if self.failed:
            text += f", {self.failed} failed"
        return text + f", digest to {self.digests} staff"


def send_expiry_reminders(
    *,
    settings: Settings | None = None,
    mailer: Callable[[Settings], Mailer] | None = None,
    scope: UnitOfWork = session_scope,
    today: date | None = None,
    digest: bool = True,
) -> RunReport:
    """Send the reminders due today and (unless `digest=False`) each staff member's digest."""
    settings = settings or get_settings()
    if not settings.email_enabled and mailer is None:
        return RunReport(skipped_reason="e-mail is not configured (THRUST_SMTP_HOST): nothing sent")
    with scope() as session:
        today = today or clock.today(session)
        gym_name = get_gym(session).name
        due = due_reminders(session, today, settings.reminder_days)
    report = RunReport()
    reminded: dict[uuid.UUID, int] = {}
    make = mailer or SmtpMailer
    connection = make(settings)
    try:
        for item in due:
            reminder_id = claim(scope, item)
            if reminder_id is None:
                continue
            try:
                connection.send(reminder_message(item, gym_name, settings))
            except MailUnavailable as exc:
                record(scope, reminder_id, str(exc))
                raise  # no other message would go out either: the run fails and says why
            except MailError as exc:
                record(scope, reminder_id, str(exc))
                report.failed += 1
                log.warning("reminder to member %s failed: %s", item.member_id, exc)
                continue
            record(scope, reminder_id, None)
            reminded[item.member_id] = item.stage
            report.sent += 1
        if digest:
            report.digests = _send_digests(connection, scope, today, gym_name, settings, reminded)
    finally:
        close = getattr(connection, "close", None)
        if close is not None:
            close()
    return report


def _send_digests(
    connection: Mailer,
    scope: UnitOfWork,
    today: date,
    gym_name: str,
    settings: Settings,
    reminded: dict[uuid.UUID, int],
) -> int:
    """Admins get every membership ending soon; each trainer gets those of their own members."""
    days = settings.reminder_digest_days
    with scope() as session:
        endings = _endings(session, today, days, reminded)
        staff = session.exec(
            select(col(User.id), col(User.email), col(User.role)).where(
                col(User.role).in_([Role.ADMIN, Role.TRAINER]),
                col(User.is_active) == sa.true(),
            )
        ).all()
    sent = 0
    for user_id, email, role in staff:
        mine = endings if role == Role.ADMIN else [e for e in endings if e.trainer_id == user_id]
        if not mine:
            continue
        try:
            connection.send(digest_message(email, mine, gym_name, days))
        except MailError as exc:
            log.warning("digest to staff %s failed: %s", user_id, exc)
            continue
        sent += 1
    return sent


# -- what staff see on a member's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderEntry:
    stage: int
    status: str  # sent, failed, skipped, sending, interrupted
    at: datetime
    membership_end: date
    days_left: int
    error: str | None


@dataclass(frozen=True)
class ReminderHistory:
    entries: list[ReminderEntry]
    unsubscribed_at: datetime | None


INTERRUPTED_AFTER = timedelta(hours=1)


def member_reminders(
    session: Session, actor: Actor, member_id: uuid.UUID, limit: int = 20
) -> ReminderHistory:
    """Who was reminded and when, for staff who may see the member (newest first)."""
    require(actor, *VIEW_MEMBERS)
    member = get_visible_member(session, actor, member_id)
    rows: Iterable[MembershipReminder] = session.exec(
        select(MembershipReminder)
        .where(col(MembershipReminder.member_id) == member.id)
        .order_by(col(MembershipReminder.claimed_at).desc(), col(MembershipReminder.stage))
        .limit(limit)
    ).all()
    now = utcnow()
    entries = []
    for row in rows:
        status = row.status
        if status == SENDING and now - row.claimed_at > INTERRUPTED_AFTER:
            status = "interrupted"
        entries.append(
            ReminderEntry(
                stage=row.stage,
                status=status,
                at=row.sent_at or row.claimed_at,
                membership_end=row.membership_end,
                days_left=row.days_left,
                error=row.error,
            )
        )
    opt_out = session.get(ReminderOptOut, member.id)
    return ReminderHistory(entries=entries, unsubscribed_at=opt_out.created_at if opt_out else None)
