"""The front desk's search and view of a member: who the desk finds for an actor, and what it shows of
each (the directory's scope, `search.scope_of`, decides which details)."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from thrust.auth.rbac import Actor
from thrust.core.text import initials
from thrust.members.search import MemberFilters, Shape, conditions_of, scope_of, shape_of
from thrust.models import Member, MembershipTier, MemberStatus, User

# -- the front desk's view of a member -------------------------------------------------------------------
#
# Everyone at the desk (admins and trainers) may find and check in any member. What the desk shows of
# a member follows the same scope as the directory (`scope_of`): within it, everything the desk shows;
# outside it (a trainer and a member assigned to someone else), the name, initials, tier and status
# only: no email, phone, birth date, membership end or visit count.


def in_scope(actor: Actor, member: Member) -> bool:
    """Whether `member` is within the actor's scope (`scope_of`): their details are the actor's to see."""
    scope, user_id = scope_of(actor)
    if scope == "all":
        return True
    if scope == "assigned":
        return member.assigned_trainer_id == user_id
    return member.user_id == user_id


@dataclass(frozen=True)
class DeskView:
    """A member as the front desk shows them to one actor; the details are None outside their scope."""

    id: uuid.UUID
    full_name: str
    initials: str
    membership_tier: MembershipTier
    status: MemberStatus
    expired: bool  # a cue like the status ("Expired"), not the date
    detailed: bool  # within the actor's scope: the fields below are filled
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    membership_end: date | None = None


def desk_view(actor: Actor, member: Member, email: str, today: date) -> DeskView:
    """The one projection of a member for the desk: what this actor may see of them."""
    seen = DeskView(
        id=member.id,
        full_name=member.full_name,
        initials=initials(member.full_name),
        membership_tier=MembershipTier(member.membership_tier),
        status=MemberStatus(member.status),
        expired=member.membership_end < today,
        detailed=False,
    )
    if not in_scope(actor, member):
        return seen
    return dataclasses.replace(
        seen,
        detailed=True,
        email=email,
        phone=member.phone,
        date_of_birth=member.date_of_birth,
        membership_end=member.membership_end,
    )


def _name_part(session: Session) -> Any:
    """The name words at the start of `search_text` (" folded name email phone-digits"): up to where
    " " + the user's email starts. Needs the users table joined. Fails closed: should the email not
    be found (its case-folding differs from lower case, e.g. "ß"), the part is empty."""
    needle = sa.literal(" ", sa.String) + User.email
    if session.get_bind().dialect.name == "postgresql":
        position = sa.func.strpos(Member.search_text, needle)
    else:
        position = sa.func.instr(Member.search_text, needle)
    return sa.func.substr(Member.search_text, 1, sa.case((position > 0, position - 1), else_=0))


def desk_search_conditions(session: Session, actor: Actor, query: str, today: date) -> list[Any]:
    """The desk's search (name, phone, email or member id, across all members) as this actor may run it.

    Outside the actor's scope a member is found by name or member id only: finding them by an email or
    a phone number would tell the desk whose it is (and, a letter at a time, what it is).
    """
    shape, params = shape_of(MemberFilters(query=query), today)
    conditions: list[Any] = conditions_of(shape, params)
    scope, user_id = scope_of(actor)
    if scope == "all":
        return conditions
    name = _name_part(session)
    by_name = [
        name.like(params[f"f_term{index}"], escape="\\")
        for index, kind in enumerate(shape.terms)
        if kind == "like"
    ]
    mine = conditions_of(Shape(scope=scope), {"f_actor": user_id})
    return [*conditions, sa.or_(sa.and_(*mine), sa.and_(sa.true(), *by_name))]
