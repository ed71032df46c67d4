"""Factories for test data: users, members and visits, written through the ORM into the test's session."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from thrust.auth.rbac import Actor
from thrust.core.text import member_search_text
from thrust.models import CheckIn, Member, MembershipTier, MemberStatus, Role, User

_counter = itertools.count(1)


def make_user(
    db: Session, *, role: Role = Role.MEMBER, email: str | None = None, full_name: str | None = None
) -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}.{uuid.uuid4().hex[:6]}@example.com",
        password_hash="!",
        role=role,
        full_name=full_name or f"{role.value.title()} {n}",
    )
    db.add(user)
    db.flush()
    return user


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email, role=user.role, session_id=uuid.uuid4())


def make_member(
    db: Session,
    *,
    full_name: str = "Ana Ruiz",
    email: str | None = None,
    phone: str | None = "+34 612 345 678",
    status: MemberStatus = MemberStatus.ACTIVE,
    tier: MembershipTier = MembershipTier.BASIC,
    end: date | None = None,
    trainer: User | None = None,
    last_visit_at: datetime | None = None,
) -> Member:
    user = make_user(db, email=email, full_name=full_name)
    today = date.today()
    end = end or today + timedelta(days=90)
    member = Member(
        user_id=user.id,
        full_name=full_name,
        phone=phone,
        membership_tier=tier,
        membership_start=min(end, today) - timedelta(days=200),
        membership_end=end,
        status=status,
        assigned_trainer_id=trainer.id if trainer else None,
        search_text=member_search_text(full_name, user.email, phone),
        last_visit_at=last_visit_at,
    )
    db.add(member)
    db.flush()
    return member


def make_visit(db: Session, member: Member, *, hours_ago: float = 2, minutes: int | None = 60) -> CheckIn:
    start = datetime.now(UTC) - timedelta(hours=hours_ago)
    visit = CheckIn(
        member_id=member.id,
        check_in_time=start,
        check_out_time=start + timedelta(minutes=minutes) if minutes is not None else None,
    )
    db.add(visit)
    db.flush()
    return visit


def scope_on(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    """A unit-of-work factory on `engine` that really commits (for code that opens its own units)."""

    @contextmanager
    def scope() -> Iterator[Session]:
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    return scope
