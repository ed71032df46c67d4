"""Staff accounts: ADMIN only; deactivation ends sessions at once; the last active ADMIN is kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from tests.auth.helpers import PASSWORD, actor_of
from tests.conftest import units_over
from thrust.auth import sessions
from thrust.auth.rbac import Actor
from thrust.auth.sessions import IssuedTokens
from thrust.core.errors import Conflict, NotFound, PermissionDenied, Unauthorized, ValidationFailed
from thrust.models import Role, User
from thrust.staff import service as staff

SignIn = Callable[[User], IssuedTokens]
MakeUser = Callable[..., User]


@pytest.fixture
def admin(db: Session, make_user: MakeUser, sign_in: SignIn) -> Actor:
    return actor_of(sign_in(make_user(Role.ADMIN)))


# Permission lists in wger's style: who may, who may not.
@pytest.mark.parametrize("role", [Role.TRAINER, Role.MEMBER])
def test_only_admins_manage_staff(db: Session, make_user: MakeUser, sign_in: SignIn, role: Role) -> None:
    actor = actor_of(sign_in(make_user(role)))
    target = make_user(Role.TRAINER)
    calls = [
        lambda: staff.list_staff(db, actor),
        lambda: staff.add_staff(
            units_over(db), actor, email="x@example.com", password=PASSWORD, full_name="X", role=Role.ADMIN
        ),
        lambda: staff.set_staff_role(db, actor, target.id, Role.ADMIN),
        lambda: staff.set_staff_active(db, actor, target.id, False),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(Unauthorized):
        staff.list_staff(db, None)  # type: ignore[arg-type]  # no actor: what an anonymous caller would pass


def test_list_add_and_change_staff(db: Session, make_user: MakeUser, admin: Actor) -> None:
    make_user(Role.MEMBER)
    trainer = staff.add_staff(
        units_over(db),
        admin,
        email="Coach@Example.com",
        password=PASSWORD,
        full_name="Coach Carter",
        role=Role.TRAINER,
    )
    listed = staff.list_staff(db, admin)
    assert {u.role for u in listed} <= {Role.ADMIN, Role.TRAINER}
    assert trainer.id in {u.id for u in listed} and admin.user_id in {u.id for u in listed}
    assert staff.set_staff_role(db, admin, trainer.id, Role.ADMIN).role == Role.ADMIN
    assert staff.set_staff_role(db, admin, trainer.id, Role.TRAINER).role == Role.TRAINER


def test_add_staff_validates(db: Session, admin: Actor) -> None:
    with pytest.raises(ValidationFailed) as exc:
        staff.add_staff(units_over(db), admin, email="bad", password="weak", full_name="", role=Role.MEMBER)
    assert {d.field for d in exc.value.details} == {"email", "password", "fullName", "role"}


def test_members_and_unknown_ids_are_not_staff(db: Session, make_user: MakeUser, admin: Actor) -> None:
    member = make_user(Role.MEMBER)
    for user_id in (member.id, uuid.uuid4()):
        with pytest.raises(NotFound):
            staff.set_staff_active(db, admin, user_id, False)
        with pytest.raises(NotFound):
            staff.set_staff_role(db, admin, user_id, Role.ADMIN)
    trainer = make_user(Role.TRAINER)
    with pytest.raises(ValidationFailed):
        staff.set_staff_role(db, admin, trainer.id, Role.MEMBER)


def test_deactivation_ends_every_session_at_once(
    db: Session, make_user: MakeUser, sign_in: SignIn, admin: Actor
) -> None:
    trainer = make_user(Role.TRAINER)
    first, second = sign_in(trainer), sign_in(trainer)
    sessions.actor_from_access_token(first.access_token, session=db)  # cached as live
    staff.set_staff_active(db, admin, trainer.id, False)
    for issued in (first, second):
        with pytest.raises(Unauthorized):
            sessions.actor_from_access_token(issued.access_token, session=db)
        with pytest.raises(Unauthorized):
            sessions.refresh(db, issued.refresh_token, user_agent=None, ip=None)
    # Reactivated, the account signs in afresh; the old sessions stay ended.
    staff.set_staff_active(db, admin, trainer.id, True)
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(first.access_token, session=db)


def test_the_last_active_admin_can_be_neither_deactivated_nor_demoted(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    lone = make_user(Role.ADMIN)
    for other in db.exec(select(User).where(User.role == Role.ADMIN, User.id != lone.id)).all():
        other.is_active = False  # e.g. the migration's or the seed's admin, if any
        db.add(other)
    db.flush()
    actor = actor_of(sign_in(lone))
    with pytest.raises(Conflict, match="last active admin cannot be demoted"):
        staff.set_staff_role(db, actor, lone.id, Role.TRAINER)

    second = make_user(Role.ADMIN)
    second_actor = actor_of(sign_in(second))
    staff.set_staff_active(db, actor, second.id, False)  # allowed: lone remains
    with pytest.raises(Conflict, match="last active admin cannot be deactivated"):
        staff.set_staff_active(db, second_actor, lone.id, False)

    staff.set_staff_active(db, actor, second.id, True)
    staff.set_staff_role(db, second_actor, lone.id, Role.TRAINER)  # allowed: second remains admin
    assert lone.role == Role.TRAINER


def test_an_admin_cannot_deactivate_themselves(db: Session, make_user: MakeUser, admin: Actor) -> None:
    make_user(Role.ADMIN)  # not the last one: the rule is about oneself
    with pytest.raises(Conflict, match="your own account"):
        staff.set_staff_active(db, admin, admin.user_id, False)
