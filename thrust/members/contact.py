"""A member's contact details: the one place a member row takes its name, phone and search words."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from thrust.core.text import member_search_text
from thrust.models import Member, MembershipTier, MemberStatus, User


def sync_contact(member: Member, user: User) -> Member:
    """Copy the account's name and phone onto its member row and rewrite the directory's search words
    (name, email and phone); the caller adds and flushes."""
    member.full_name, member.phone = user.full_name, user.phone
    member.search_text = member_search_text(user.full_name, user.email, user.phone)
    return member


def sync_contact_of(session: Session, user: User) -> None:
    """After an account's own name, email or phone changed: its member row (if it has one) follows."""
    member = session.exec(select(Member).where(Member.user_id == user.id)).first()
    if member is not None:
        session.add(sync_contact(member, user))


def signup_member(user: User, today: date) -> Member:
    """The member row of someone who signed up themself: basic, inactive until the front desk activates
    it, its membership starting and ending today."""
    member = Member(
        user_id=user.id,
        full_name=user.full_name,
        membership_tier=MembershipTier.BASIC,
        membership_start=today,
        membership_end=today,
        status=MemberStatus.INACTIVE,
    )
    return sync_contact(member, user)
