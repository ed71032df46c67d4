"""Members: one member's profile, and the rules for creating, changing and deleting them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from thrust.analytics import rollup
from thrust.auth.rbac import Actor, Permission, require
from thrust.auth.sessions import RevokeReason, forget_user, revoke_user_sessions
from thrust.checkins.visits import Visit, visit_of
from thrust.core.db import savepoint
from thrust.core.errors import NotFound, PermissionDenied, ValidationFailed
from thrust.core.security import UNUSABLE_PASSWORD
from thrust.core.types import utcnow
from thrust.core.validation import EMAIL_TAKEN, FieldReader, email_taken
from thrust.gym import clock
from thrust.members.capabilities import (
    CREATE_MEMBERS,
    DELETE_MEMBERS,
    MANAGE_MEMBERSHIPS,
    allowed,
)
from thrust.members.contact import sync_contact
from thrust.members.search import membership_cue, visible_to
from thrust.models import CheckIn, Member, MembershipTier, MemberStatus, Role, User
from thrust.planner.service import count_member_plans

GENDERS = ("male", "female", "other")
OLDEST_AGE, YOUNGEST_AGE = 110, 5
# Changing these belongs to the gym's business side, which the seed gives admins only; the email is
# also the member's login (whoever changes it decides who can sign in as them).
ADMIN_ONLY_FIELDS = (
    "email",
    "membershipStart",
    "membershipEnd",
    "membershipTier",
    "status",
    "assignedTrainerId",
)
ADMIN_ONLY_MESSAGE = "Only an admin can change a member's email, membership dates, tier, status or trainer"
# A member whose membership stops (frozen or deactivated) is signed out everywhere.
SIGNED_OUT_STATUSES = (MemberStatus.FROZEN, MemberStatus.INACTIVE)


@dataclass(frozen=True)
class MemberProfile:
    """A member's page: personal data, membership, trainer, recent visits and what the viewer may do."""

    member: Member
    email: str
    trainer_name: str | None
    membership_cue: str
    days_left: int
    visits_last_30_days: int
    average_visit_minutes: int | None
    visits: list[Visit]
    visits_total: int
    visits_page: int
    can_edit: bool
    can_edit_membership: bool
    can_delete: bool
    inside_now: bool = False
    allowed_actions: list[str] = field(default_factory=list)


# -- one member ------------------------------------------------------------------------------------


def _load_visible(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """The member, if this actor may see it; NotFound otherwise (never reveal that it exists)."""
    if actor is None:
        require(actor)
    member = session.exec(select(Member).where(Member.id == member_id, visible_to(actor))).first()
    if member is None:
        raise NotFound("Member not found")
    return member


def get_visible_member(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """The member, if this actor may see it; NotFound otherwise (for other domains' member pages)."""
    return _load_visible(session, actor, member_id)


def _may_edit(actor: Actor, member: Member) -> bool:
    if actor.can(Permission.MEMBERS_EDIT_ALL):
        return True
    return actor.can(Permission.MEMBERS_EDIT_ASSIGNED) and member.assigned_trainer_id == actor.user_id


VISITS_PAGE_SIZE = 10


def get_member_profile(
    session: Session, actor: Actor, member_id: uuid.UUID, *, visits_page: int = 1
) -> MemberProfile:
    """Everything the member page shows, scoped to what the viewer may see and do."""
    member = _load_visible(session, actor, member_id)
    today = clock.today(session)
    email = session.exec(select(User.email).where(User.id == member.user_id)).one()
    trainer_name = (
        session.exec(select(User.full_name).where(User.id == member.assigned_trainer_id)).first()
        if member.assigned_trainer_id
        else None
    )
    since = utcnow() - timedelta(days=30)
    recent = session.exec(
        select(
            sa.func.count(),
            sa.func.avg(
                sa.case(
                    (
                        CheckIn.check_out_time.is_not(None),  # type: ignore[union-attr]
                        _minutes_between(session, CheckIn.check_in_time, CheckIn.check_out_time),
                    ),
                    else_=None,
                )
            ),
        ).where(CheckIn.member_id == member.id, CheckIn.check_in_time >= since)
    ).one()
    visits_total = session.exec(
        select(sa.func.count()).select_from(CheckIn).where(CheckIn.member_id == member.id)
    ).one()
    visits_page = max(1, min(visits_page, 10_000))
    history = session.exec(
        select(CheckIn)
        .where(CheckIn.member_id == member.id)
        .order_by(CheckIn.check_in_time.desc())  # type: ignore[attr-defined]
        .offset((visits_page - 1) * VISITS_PAGE_SIZE)
        .limit(VISITS_PAGE_SIZE)
    ).all()
    visits = [visit_of(row) for row in history]
    inside = session.exec(
        select(sa.func.count())
        .select_from(CheckIn)
        .where(CheckIn.member_id == member.id, CheckIn.check_out_time.is_(None))  # type: ignore[union-attr]
    ).one()
    can_edit = _may_edit(actor, member)
    can_membership = allowed(actor, MANAGE_MEMBERSHIPS)
    can_delete = allowed(actor, DELETE_MEMBERS)
    actions = [name for name, allowed in (("edit", can_edit), ("delete", can_delete)) if allowed]
    if can_membership:
        actions += ["activate", "deactivate", "freeze"]
    return MemberProfile(
        member=member,
        email=email,
        trainer_name=trainer_name,
        membership_cue=membership_cue(member.membership_end, today),
        days_left=(member.membership_end - today).days,
        visits_last_30_days=int(recent[0] or 0),
        average_visit_minutes=round(float(recent[1])) if recent[1] is not None else None,
        visits=visits,
        visits_total=int(visits_total),
        visits_page=visits_page,
        can_edit=can_edit,
        can_edit_membership=can_membership,
        can_delete=can_delete,
        inside_now=bool(inside),
        allowed_actions=actions,
    )


def _minutes_between(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start) / 60.0
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 1440.0


# -- creating and changing -------------------------------------------------------------------------


@dataclass
class MemberFields:
    """A member record's fields as read from input; `present` names the fields the input carried."""

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    membership_tier: MembershipTier | None = None
    membership_start: date | None = None
    membership_end: date | None = None
    status: MemberStatus | None = None
    assigned_trainer_id: uuid.UUID | None = None
    present: set[str] = field(default_factory=set)


def parse_member_fields(
    reader: FieldReader, *, today: date, creating: bool, current: Member | None = None
) -> MemberFields:
    """The rules every member record obeys, without the database: formats, ranges, dates in order.

    Problems are collected on the reader; the caller raises them (so a CSV import can report rows).
    """
    data = reader.data
    out = MemberFields(present={key for key in data if key in FIELD_NAMES})
    out.full_name = reader.text("fullName", "Full name", required=creating)
    out.email = reader.email("email", required=creating)
    out.phone = reader.phone("phone")
    out.date_of_birth = reader.day("dateOfBirth", "Date of birth")
    gender = reader.text("gender", "Gender", max_length=16)
    if gender is not None and gender.lower() not in GENDERS:
        reader.fail("gender", "Gender must be male, female or other")
    out.gender = gender.lower() if gender else None
    out.membership_tier = reader.choice("membershipTier", "Tier", MembershipTier)
    out.membership_start = reader.day("membershipStart", "Membership start", required=creating)
    out.membership_end = reader.day("membershipEnd", "Membership end", required=creating)
    out.status = reader.choice("status", "Status", MemberStatus)
    trainer_raw = data.get("assignedTrainerId")
    out.assigned_trainer_id = (
        None if trainer_raw in ("", None) else reader.identifier("assignedTrainerId", "Trainer")
    )
    if out.date_of_birth is not None:
        age = (today - out.date_of_birth).days / 365.25
        if out.date_of_birth > today:
            reader.fail("dateOfBirth", "Date of birth cannot be in the future")
        elif not YOUNGEST_AGE <= age <= OLDEST_AGE:
            reader.fail(
                "dateOfBirth", f"Date of birth must give an age between {YOUNGEST_AGE} and {OLDEST_AGE}"
            )
    start = out.membership_start or (current.membership_start if current else None)
    end = out.membership_end or (current.membership_end if current else None)
    if start and end and end <= start:
        reader.fail("membershipEnd", "Membership end must be after its start")
    return out


def active_trainer_ids(session: Session) -> set[uuid.UUID]:
    statement = select(User.id).where(User.role == Role.TRAINER, User.is_active.is_(True))  # type: ignore[attr-defined]
    return set(session.exec(statement).all())


def _read_member_fields(
    session: Session, data: Mapping[str, Any], *, creating: bool, current: Member | None = None
) -> MemberFields:
    """Parse and check every field the user sent, database checks included; ValidationFailed lists all."""
    reader = FieldReader(data)
    out = parse_member_fields(reader, today=clock.today(session), creating=creating, current=current)
    if out.assigned_trainer_id is not None and out.assigned_trainer_id not in active_trainer_ids(session):
        reader.fail("assignedTrainerId", "Choose an active trainer")
    if out.email is not None:
        owner = session.exec(select(User.id).where(User.email == out.email)).first()
        if owner is not None and (current is None or owner != current.user_id):
            reader.fail("email", EMAIL_TAKEN)
    reader.raise_if_problems()
    return out


FIELD_NAMES = {
    "fullName",
    "email",
    "phone",
    "dateOfBirth",
    "gender",
    "membershipTier",
    "membershipStart",
    "membershipEnd",
    "status",
    "assignedTrainerId",
}


def create_member(session: Session, actor: Actor, data: Mapping[str, Any]) -> Member:
    """Create a member and its login (no usable password until one is set); flushes, caller commits."""
    require(actor, *CREATE_MEMBERS)
    fields = _read_member_fields(session, data, creating=True)
    assert fields.email and fields.full_name and fields.membership_start and fields.membership_end
    user = User(
        email=fields.email,
        password_hash=UNUSABLE_PASSWORD,
        role=Role.MEMBER,
        full_name=fields.full_name,
        phone=fields.phone,
    )
    member = Member(
        user_id=user.id,
        full_name=fields.full_name,
        date_of_birth=fields.date_of_birth,
        gender=fields.gender,
        membership_tier=fields.membership_tier or MembershipTier.BASIC,
        membership_start=fields.membership_start,
        membership_end=fields.membership_end,
        status=fields.status or MemberStatus.ACTIVE,
        assigned_trainer_id=fields.assigned_trainer_id,
    )
    sync_contact(member, user)
    _save(session, user, member)
    return member


def update_member(session: Session, actor: Actor, member_id: uuid.UUID, data: Mapping[str, Any]) -> Member:
    """Change the fields given (a partial update); trainers may not touch the admin-only fields.

    A new email (their login) or a membership frozen or deactivated ends the member's sessions.
    """
    member = _load_visible(session, actor, member_id)
    if not _may_edit(actor, member):
        raise PermissionDenied("You may not edit this member")
    if not allowed(actor, MANAGE_MEMBERSHIPS) and any(key in data for key in ADMIN_ONLY_FIELDS):
        raise PermissionDenied(ADMIN_ONLY_MESSAGE)
    fields = _read_member_fields(session, data, creating=False, current=member)
    user = session.get(User, member.user_id)
    assert user is not None
    present = fields.present
    if "fullName" in present and fields.full_name is None:
        raise ValidationFailed.on("fullName", "Full name is required")
    if "fullName" in present and fields.full_name:
        user.full_name = fields.full_name
    ended: str | None = None
    if "email" in present:
        if fields.email is None:
            raise ValidationFailed.on("email", "Email is required")
        if fields.email != user.email:
            ended = RevokeReason.EMAIL_CHANGE
        user.email = fields.email
    if "phone" in present:
        user.phone = fields.phone
    if "dateOfBirth" in present:
        member.date_of_birth = fields.date_of_birth
    if "gender" in present:
        member.gender = fields.gender
    retiered = False
    if "membershipTier" in present and fields.membership_tier:
        retiered = fields.membership_tier != member.membership_tier
        member.membership_tier = fields.membership_tier
    if "membershipStart" in present and fields.membership_start:
        member.membership_start = fields.membership_start
    if "membershipEnd" in present and fields.membership_end:
        member.membership_end = fields.membership_end
    if "status" in present and fields.status:
        if fields.status != member.status and fields.status in SIGNED_OUT_STATUSES:
            ended = ended or RevokeReason.MEMBERSHIP_STOPPED
        member.status = fields.status
    if "assignedTrainerId" in present:
        member.assigned_trainer_id = fields.assigned_trainer_id
    sync_contact(member, user)  # name, phone and the directory's search words follow the login
    member.updated_at = utcnow()
    _save(session, user, member)
    if retiered:
        rollup.retier(session, [member.id])  # the visit mix counts their past visits by the new tier
    if ended is not None:
        revoke_user_sessions(session, user.id, reason=ended)
    forget_user(user.id, session)  # sessions read the email from the database: this process's cache drops it
    return member


def _save(session: Session, user: User, member: Member) -> None:
    with savepoint(session, email_taken()):
        session.add(user)
        session.flush()
        session.add(member)


@dataclass(frozen=True)
class DeletionImpact:
    """What goes with a member when it is deleted, for the confirmation dialog."""

    visits: int
    workout_plans: int


def deletion_impact(session: Session, actor: Actor, member_id: uuid.UUID) -> DeletionImpact:
    require(actor, *DELETE_MEMBERS)
    member = _load_visible(session, actor, member_id)
    visits = session.exec(
        select(sa.func.count()).select_from(CheckIn).where(CheckIn.member_id == member.id)
    ).one()
    return DeletionImpact(visits=int(visits), workout_plans=count_member_plans(session, member.id))


def delete_member(session: Session, actor: Actor, member_id: uuid.UUID) -> None:
    """Delete a member with its login, visits and plans (admin only; the UI offers deactivation first)."""
    require(actor, *DELETE_MEMBERS)
    member = _load_visible(session, actor, member_id)
    user = session.get(User, member.user_id)
    gone = rollup.spans_of_members(session, [member.id])
    # Deleting the user cascades to the member row, its visits, plans and progress.
    session.delete(user)
    session.flush()
    rollup.refresh(session, gone)  # the occupancy charts' past no longer counts these visits
