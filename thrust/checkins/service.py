"""Check-in and check-out: who may enter, capacity that never overflows, who is inside, what just happened."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, allowed, require
from thrust.checkins.capabilities import OVERRIDE_CAPACITY, USE_DESK, VIEW_NAMES, VIEW_OCCUPANCY
from thrust.core.bus import publish_after_commit
from thrust.core.db import rows_changed, savepoint, select_columns
from thrust.core.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from thrust.core.metrics import observe_check_in
from thrust.core.ratelimit import Limit, RateLimiter, get_rate_limiter
from thrust.core.types import utcnow
from thrust.core.validation import require_storable, search_too_long
from thrust.gym import clock
from thrust.members.desk_search import DeskView, desk_search_conditions, desk_view, in_scope
from thrust.models import CheckIn, GymSettings, Member, MembershipTier, MemberStatus, User, table_of

CAPACITY_CHANNEL = "capacity"
FEED_LIMIT = 20
INSIDE_LIMIT = 500
LOOKUP_LIMIT = 8
OVERRIDE_REASON_LENGTH = (3, 300)


@dataclass(frozen=True)
class Refusal:
    """Why the rules refuse a check-in, as every door shows it.

    `code` is a word a client can switch on, `message` the plain reason, `cue` the short form a list of
    members shows before anyone acts ("Frozen", "Expired 12 Mar 2027"), and `overridable` whether
    someone allowed to (`OVERRIDE_CAPACITY`) may let the member in anyway, with a reason.
    """

    code: str
    message: str
    cue: str = ""
    overridable: bool = False


class CheckInRefused(Conflict):
    """A check-in the rules refuse; `code` says why in a word a client can switch on."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.code = refusal.code
        self.refusal = refusal


def membership_refusal(name: str, status: MemberStatus, ended: date | None, expired: bool) -> Refusal | None:
    """The refusal a member's membership alone earns (frozen, inactive, past its end), or None.

    `ended` is the membership's end date, None where the asker may not see it (then the reason says
    the membership ended, without the date).
    """
    if status == MemberStatus.FROZEN:
        return Refusal("MEMBERSHIP_FROZEN", f"{name}'s membership is frozen", cue="Frozen")
    if status == MemberStatus.INACTIVE:
        return Refusal("MEMBERSHIP_INACTIVE", f"{name}'s membership is inactive", cue="Inactive")
    if not expired:
        return None
    if ended is None:
        return Refusal("MEMBERSHIP_EXPIRED", f"{name}'s membership has ended", cue="Expired")
    when = f"{ended:%d %b %Y}"
    return Refusal("MEMBERSHIP_EXPIRED", f"{name}'s membership ended on {when}", cue=f"Expired {when}")


@dataclass(frozen=True)
class Capacity:
    current: int
    max: int

    @property
    def percent(self) -> int:
        return round(100 * self.current / self.max) if self.max else 0


@dataclass(frozen=True)
class CheckInResult:
    visit: CheckIn
    capacity: Capacity
    member_name: str


@dataclass(frozen=True)
class DeskMember:
    """A member the front desk looked up: what the actor may see of them, and whether they are inside."""

    person: DeskView  # the members service's projection for this actor (no contact details outside scope)
    open_visit_id: uuid.UUID | None
    visits_this_month: int | None  # None outside the actor's scope, like the contact details
    refusal: Refusal | None = None  # what a check-in would be refused for now, whatever the gym's capacity


@dataclass(frozen=True)
class FeedEvent:
    kind: str  # "check-in" or "check-out"
    member_id: uuid.UUID
    member_name: str
    at: datetime
    automatic: bool = False


@dataclass(frozen=True)
class Inside:
    visit_id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    membership_tier: MembershipTier
    since: datetime


# -- capacity ---------------------------------------------------------------------------------------


def _open_visits(session: Session) -> int:
    statement = select(sa.func.count()).select_from(CheckIn).where(col(CheckIn.check_out_time).is_(None))
    return int(session.exec(statement).one())


def current_capacity(session: Session) -> Capacity:
    """People inside now against the gym's maximum: one round trip (the count uses the open-visit index)."""
    gym = table_of(GymSettings)
    inside = (
        select(sa.func.count())
        .select_from(CheckIn)
        .where(col(CheckIn.check_out_time).is_(None))
        .scalar_subquery()
    )
    maximum = sa.select(gym.c.max_capacity).where(gym.c.id == 1).scalar_subquery()
    current, most = session.execute(sa.select(inside, maximum)).one()
    return Capacity(current=int(current), max=int(most) if most is not None else 100)


def occupancy(session: Session, actor: Actor) -> Capacity:
    """`current_capacity` for a caller: anyone who may VIEW_OCCUPANCY (every signed-in role)."""
    require(actor, *VIEW_OCCUPANCY)
    return current_capacity(session)


def _lock_gym(session: Session) -> int:
    """Serialise changes to who is inside: lock the gym row and return the maximum capacity.

    PostgreSQL: a row lock (`FOR UPDATE`) that concurrent check-ins queue behind. SQLite: a no-op
    write, which takes the database's single write lock at once (like BEGIN IMMEDIATE) when it is
    the transaction's first statement (a SQLite transaction that reads before it writes fails with
    "database is locked" when another writer got in between). Counting first and inserting after
    without this let 59 of 60 racers in at capacity 20.
    """
    gym = table_of(GymSettings)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("UPDATE gym_settings SET max_capacity = max_capacity WHERE id = 1"))
        return int(session.execute(sa.select(gym.c.max_capacity).where(gym.c.id == 1)).scalar_one())
    statement = sa.select(gym.c.max_capacity).where(gym.c.id == 1).with_for_update()
    return int(session.execute(statement).scalar_one())


# -- check-in / check-out ---------------------------------------------------------------------------


def check_in(
    session: Session, actor: Actor, member_id: uuid.UUID, *, override_reason: str | None = None
) -> CheckInResult:
    """Let a member in, or refuse with a plain reason and write nothing.

    Refusals: membership inactive, frozen or past its end; already inside; gym full (overridable: an
    actor allowed to OVERRIDE_CAPACITY may pass a reason, which is recorded). Publishes the new
    occupancy after commit.
    """
    require(actor, *USE_DESK)
    require_storable({"overrideReason": override_reason})
    reason = override_reason.strip() if isinstance(override_reason, str) else None
    if override_reason is not None and not isinstance(override_reason, str):
        raise ValidationFailed.on("overrideReason", "The reason must be text")
    if reason is not None and reason != "":
        low, high = OVERRIDE_REASON_LENGTH
        if not low <= len(reason) <= high:
            raise ValidationFailed.on("overrideReason", f"Give a reason of {low} to {high} characters")
        if not allowed(actor, OVERRIDE_CAPACITY):
            raise PermissionDenied("Only an admin can let someone in past the gym's capacity")
    else:
        reason = None

    maximum = _lock_gym(session)  # the first statement: see _lock_gym
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("Member not found")
    # The end date is a detail of the membership: told only to an actor whose scope holds the member.
    ended = member.membership_end
    refusal = membership_refusal(
        member.full_name,
        MemberStatus(member.status),
        ended if in_scope(actor, member) else None,
        ended < clock.today(session),
    )
    if refusal is not None:
        raise CheckInRefused(refusal)
    already = session.exec(
        select(col(CheckIn.check_in_time)).where(
            col(CheckIn.member_id) == member.id, col(CheckIn.check_out_time).is_(None)
        )
    ).first()
    if already is not None:
        since = clock.hhmm(session, already)
        raise CheckInRefused(
            Refusal("ALREADY_INSIDE", f"{member.full_name} is already inside (since {since})")
        )
    inside = _open_visits(session)
    if inside >= maximum and reason is None:
        raise CheckInRefused(
            Refusal("AT_CAPACITY", f"The gym is full ({inside} of {maximum})", overridable=True)
        )

    now = utcnow()
    visit = CheckIn(
        member_id=member.id, check_in_time=now, checked_in_by=actor.user_id, override_reason=reason
    )
    # The one-open-visit index: a racing check-in of the same member may have won.
    with savepoint(
        session, CheckInRefused(Refusal("ALREADY_INSIDE", f"{member.full_name} is already inside"))
    ):
        session.add(visit)
    member.last_visit_at = now
    session.add(member)
    session.flush()
    capacity = Capacity(current=inside + 1, max=maximum)
    _announce(session, "check-in", member, now, capacity)
    return CheckInResult(visit=visit, capacity=capacity, member_name=member.full_name)


def check_out(session: Session, actor: Actor, visit_id: uuid.UUID) -> CheckInResult:
    """Close an open visit; a second check-out of the same visit is a clear error, not a change."""
    require(actor, *USE_DESK)
    _lock_gym(session)
    visit = session.get(CheckIn, visit_id)
    if visit is None:
        raise NotFound("Visit not found")
    now = max(utcnow(), visit.check_in_time)
    # Conditional update: of two racing check-outs exactly one changes the row.
    table = table_of(CheckIn)
    result = session.execute(
        sa.update(table)
        .where(table.c.id == visit_id, table.c.check_out_time.is_(None))
        .values(check_out_time=now)
    )
    member = session.get(Member, visit.member_id)
    assert member is not None
    if rows_changed(result) == 0:
        session.refresh(visit)
        at = f" at {clock.hhmm(session, visit.check_out_time)}" if visit.check_out_time else ""
        raise Conflict(f"{member.full_name} was already checked out{at}")
    session.refresh(visit)
    capacity = current_capacity(session)
    _announce(session, "check-out", member, now, capacity)
    return CheckInResult(visit=visit, capacity=capacity, member_name=member.full_name)


def check_out_member(session: Session, actor: Actor, member_id: uuid.UUID) -> CheckInResult:
    """Close the member's open visit (the front desk's Check out button)."""
    require(actor, *USE_DESK)
    visit_id = session.exec(
        select(col(CheckIn.id)).where(
            col(CheckIn.member_id) == member_id, col(CheckIn.check_out_time).is_(None)
        )
    ).first()
    if visit_id is None:
        raise Conflict("This member is not checked in")
    return check_out(session, actor, visit_id)


def _announce(session: Session, kind: str, member: Member, at: datetime, capacity: Capacity) -> None:
    observe_check_in("in" if kind == "check-in" else "out")
    publish_after_commit(
        session,
        CAPACITY_CHANNEL,
        {
            "type": kind,
            "memberId": str(member.id),
            "memberName": member.full_name,
            "capacity": {"current": capacity.current, "max": capacity.max},
            "timestamp": at.isoformat(),
        },
    )


# -- auto check-out ---------------------------------------------------------------------------------


def auto_check_out(session: Session, *, now: datetime | None = None) -> int:
    """Close visits open longer than the gym's limit, as automatic; returns how many were closed.

    The check-out time is the visit's start plus the limit (when the member most plausibly left,
    not when the job happened to run). Each row is closed by a conditional update, so a visit
    is closed once even if the job ran twice.
    """
    now = now or utcnow()
    _lock_gym(session)
    gym = session.get(GymSettings, 1)
    hours = gym.auto_checkout_hours if gym else 4
    cutoff = now - timedelta(hours=hours)
    stale = session.exec(
        select(col(CheckIn.id), col(CheckIn.check_in_time)).where(
            col(CheckIn.check_out_time).is_(None),
            col(CheckIn.check_in_time) < cutoff,
        )
    ).all()
    table = table_of(CheckIn)
    closed = 0
    for visit_id, started in stale:
        result = session.execute(
            sa.update(table)
            .where(table.c.id == visit_id, table.c.check_out_time.is_(None))
            .values(check_out_time=started + timedelta(hours=hours), auto_checked_out=True)
        )
        closed += rows_changed(result)
    if closed:
        observe_check_in("auto_out", closed)
        capacity = current_capacity(session)
        publish_after_commit(
            session,
            CAPACITY_CHANNEL,
            {
                "type": "auto-check-out",
                "closed": closed,
                "capacity": {"current": capacity.current, "max": capacity.max},
                "timestamp": now.isoformat(),
            },
        )
    return closed


# -- what the desk and the live page read ------------------------------------------------------------


def _visits_this_month(session: Session, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Visits since the first of this month, at the gym's midnight."""
    if not member_ids:
        return {}
    gym = clock.gym_clock(session)
    since = gym.midnight(gym.today().replace(day=1))
    rows = session.exec(
        select(col(CheckIn.member_id), sa.func.count())
        .where(col(CheckIn.member_id).in_(member_ids), col(CheckIn.check_in_time) >= since)
        .group_by(col(CheckIn.member_id))
    ).all()
    return {member_id: int(count) for member_id, count in rows}


# Per user, whichever socket or worker it comes from. The desk's box sends a search 100 ms after the
# last keystroke, so typing sends at most 10 a second (31 in any 3 seconds, however fast the typist);
# 40 in 3 seconds leaves a margin for that and refuses a script that looks members up in bulk.
DESK_SEARCHES = Limit(
    "desk-search",
    max_attempts=40,
    window_seconds=3,
    message="Too many searches at once. Wait {wait}, then search again.",
)


def lookup(
    session: Session,
    actor: Actor,
    query: str,
    *,
    limit: int = LOOKUP_LIMIT,
    limiter: RateLimiter | None = None,
) -> list[DeskMember]:
    """The front desk's search: name, phone, email or member id, across all members, each shown as the
    actor may see them (members service `desk_view`), with the refusal their membership would earn
    (told as far as the actor may see: no end date outside their scope). RateLimited past DESK_SEARCHES."""
    require(actor, *USE_DESK)
    if not isinstance(query, str) or len(query) > 100:
        raise ValidationFailed(details=[FieldProblem("q", search_too_long(100))])
    require_storable({"q": query})
    query = query.strip()
    if not query:
        return []
    with (limiter or get_rate_limiter()).attempt((DESK_SEARCHES, str(actor.user_id))) as attempt:
        attempt.charge()  # every look-up counts, found or not
    today = clock.today(session)
    statement = (
        select(Member, col(User.email))
        .join(User, col(User.id) == col(Member.user_id))
        .where(*desk_search_conditions(session, actor, query, today))
        .order_by(col(Member.full_name), col(Member.id))
        .limit(max(1, min(limit, 20)))
    )
    found = session.exec(statement).all()
    ids = [member.id for member, _ in found]
    open_visits = (
        dict(
            session.exec(
                select(col(CheckIn.member_id), col(CheckIn.id)).where(
                    col(CheckIn.member_id).in_(ids),
                    col(CheckIn.check_out_time).is_(None),
                )
            ).all()
        )
        if ids
        else {}
    )
    people = [desk_view(actor, member, email, today) for member, email in found]
    month = _visits_this_month(session, [person.id for person in people if person.detailed])
    return [
        DeskMember(
            person=person,
            open_visit_id=open_visits.get(person.id),
            visits_this_month=month.get(person.id, 0) if person.detailed else None,
            refusal=membership_refusal(
                person.full_name, person.status, person.membership_end, person.expired
            ),
        )
        for person in people
    ]


def activity_feed(session: Session, actor: Actor, *, limit: int = FEED_LIMIT) -> list[FeedEvent]:
    """The latest check-ins and check-outs, newest first (staff only: it names people)."""
    require(actor, *VIEW_NAMES)
    limit = max(1, min(limit, 100))
    ins = session.exec(
        select(col(CheckIn.member_id), col(Member.full_name), col(CheckIn.check_in_time))
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .order_by(col(CheckIn.check_in_time).desc())
        .limit(limit)
    ).all()
    outs = session.exec(
        select(
            col(CheckIn.member_id),
            col(Member.full_name),
            col(CheckIn.check_out_time),
            col(CheckIn.auto_checked_out),
        )
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .where(col(CheckIn.check_out_time).is_not(None))
        .order_by(col(CheckIn.check_out_time).desc())
        .limit(limit)
    ).all()
    events = [FeedEvent("check-in", m, n, at) for m, n, at in ins] + [
        FeedEvent("check-out", m, n, at, automatic=auto) for m, n, at, auto in outs if at is not None
    ]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def who_is_inside(session: Session, actor: Actor, *, limit: int = INSIDE_LIMIT) -> list[Inside]:
    """Everyone inside now, longest first (staff only)."""
    require(actor, *VIEW_NAMES)
    rows = session.exec(
        select_columns(CheckIn.id, Member.id, Member.full_name, Member.membership_tier, CheckIn.check_in_time)
        .join(Member, col(Member.id) == col(CheckIn.member_id))
        .where(col(CheckIn.check_out_time).is_(None))
        .order_by(col(CheckIn.check_in_time))
        .limit(max(1, min(limit, INSIDE_LIMIT)))
    ).all()
    return [Inside(v, m, n, t, s) for v, m, n, t, s in rows]
