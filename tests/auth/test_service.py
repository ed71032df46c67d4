"""Account services: sign in, sign up, sign out, profile, password change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import Session, select

from tests.auth.helpers import NEW_PASSWORD, PASSWORD, actor_of
from tests.conftest import units_over
from thrust.auth import service, sessions
from thrust.auth.sessions import IssuedTokens
from thrust.core import security
from thrust.core.errors import Conflict, Unauthorized, ValidationFailed
from thrust.core.ratelimit import RateLimiter
from thrust.models import AuthSession, Member, MembershipTier, MemberStatus, Role, User

SignIn = Callable[[User], IssuedTokens]
MakeUser = Callable[..., User]


def _login(db: Session, limiter: RateLimiter, email: str, password: str = PASSWORD) -> IssuedTokens:
    return service.login(
        units_over(db), email=email, password=password, ip="10.1.1.1", user_agent="ua", limiter=limiter
    )


def _fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {d.field: d.message for d in exc.value.details}


# -- login ----------------------------------------------------------------------------------------------


def test_login_with_the_right_password_opens_a_session(
    db: Session, make_user: MakeUser, limiter: RateLimiter
) -> None:
    user = make_user(Role.TRAINER, email="coach@example.com")
    issued = _login(db, limiter, "  Coach@Example.COM ")
    assert issued.user.id == user.id and user.last_login_at is not None
    assert db.get(AuthSession, issued.session_id) is not None
    assert sessions.actor_from_access_token(issued.access_token, session=db).role == Role.TRAINER


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "inactive account", "no password set"])
def test_every_login_failure_says_the_same(
    db: Session, make_user: MakeUser, limiter: RateLimiter, case: str
) -> None:
    make_user(email="known@example.com")
    make_user(email="gone@example.com", active=False)
    unusable = make_user(email="new@example.com")
    unusable.password_hash = security.UNUSABLE_PASSWORD
    email, password = {
        "wrong password": ("known@example.com", "Wrong-Password-1"),
        "unknown email": ("nobody@example.com", PASSWORD),
        "inactive account": ("gone@example.com", PASSWORD),
        "no password set": ("new@example.com", PASSWORD),
    }[case]
    with pytest.raises(Unauthorized) as exc:
        _login(db, limiter, email, password)
    assert exc.value.message == "Invalid email or password"


@pytest.mark.parametrize("case", ["unknown email", "no password set"])
def test_an_unknown_email_or_an_account_without_a_password_still_costs_one_bcrypt_check(
    db: Session, make_user: MakeUser, limiter: RateLimiter, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    imported = make_user(email="imported@example.com")
    imported.password_hash = security.UNUSABLE_PASSWORD  # created by an admin or an import
    db.flush()
    checked: list[str] = []
    real = service.verify_password

    def counting(password: str, password_hash: str) -> bool:
        checked.append(password_hash)
        return real(password, password_hash)

    monkeypatch.setattr(service, "verify_password", counting)
    with pytest.raises(Unauthorized):
        _login(db, limiter, "nobody@example.com" if case == "unknown email" else imported.email)
    assert len(checked) == 1 and checked[0].startswith(f"$2b${security.BCRYPT_ROUNDS:02d}$")


def test_a_password_over_72_bytes_is_a_clear_error_at_login(
    db: Session, make_user: MakeUser, limiter: RateLimiter
) -> None:
    make_user(email="long@example.com")
    with pytest.raises(ValidationFailed) as exc:
        _login(db, limiter, "long@example.com", PASSWORD + "x" * 70)
    assert _fields(exc) == {"password": "Password must be at most 72 bytes"}


# -- signup ---------------------------------------------------------------------------------------------


def test_signup_creates_a_member_awaiting_activation(db: Session, limiter: RateLimiter) -> None:
    issued = service.signup(
        units_over(db),
        email="Zoe.Angstrom@Example.com",
        password=PASSWORD,
        full_name="  Zoë   Ångström ",
        phone="+49 (30) 1234-5678",
        ip="10.2.2.2",
        user_agent="ua",
        limiter=limiter,
    )
    user = issued.user
    assert (user.email, user.role, user.full_name) == (
        "zoe.angstrom@example.com",
        Role.MEMBER,
        "Zoë Ångström",
    )
    assert security.verify_password(PASSWORD, user.password_hash)
    member = db.exec(select(Member).where(Member.user_id == user.id)).one()
    assert member.status == MemberStatus.INACTIVE and member.membership_tier == MembershipTier.BASIC
    assert member.membership_start == member.membership_end
    assert abs((member.membership_start - date.today()).days) <= 1
    assert member.full_name == "Zoë Ångström" and member.phone == "+49 (30) 1234-5678"
    assert member.search_text == " zoe angstrom zoe.angstrom@example.com 493012345678"
    assert sessions.actor_from_access_token(issued.access_token, session=db).role == Role.MEMBER


def test_signup_reports_every_bad_field_by_its_json_name(db: Session, limiter: RateLimiter) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.signup(units_over(db), email="not-an-email", password="short", full_name=" ", phone="call me",
            ip="1", user_agent=None, limiter=limiter,
        )  # fmt: skip
    fields = _fields(exc)
    assert set(fields) == {"email", "password", "fullName", "phone"}
    with pytest.raises(ValidationFailed) as exc:
        service.signup(
            units_over(db), email="a@example.com", password=PASSWORD, full_name="x" * 121, phone="12345",
            ip="1", user_agent=None, limiter=limiter,
        )  # fmt: skip
    assert set(_fields(exc)) == {"fullName", "phone"}


@pytest.mark.parametrize("password", ["Password1!", "P" + "a" * 72 + "1!"])
def test_signup_refuses_common_and_overlong_passwords(
    db: Session, limiter: RateLimiter, password: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.signup(
            units_over(db),
            email="p@example.com",
            password=password,
            full_name="P",
            ip="1",
            user_agent=None,
            limiter=limiter,
        )
    assert "password" in _fields(exc)


def test_signup_with_a_taken_email_is_a_conflict(
    db: Session, make_user: MakeUser, limiter: RateLimiter
) -> None:
    make_user(email="taken@example.com")
    with pytest.raises(Conflict) as exc:
        service.signup(units_over(db), email="TAKEN@example.com", password=PASSWORD, full_name="Copy Cat",
            ip="1", user_agent=None, limiter=limiter,
        )  # fmt: skip
    assert exc.value.status == 409 and [d.field for d in exc.value.details] == ["email"]


def test_phone_is_optional(db: Session, limiter: RateLimiter) -> None:
    issued = service.signup(
        units_over(db), email="nophone@example.com", password=PASSWORD, full_name="No Phone", phone="  ",
        ip="1", user_agent=None, limiter=limiter,
    )  # fmt: skip
    assert issued.user.phone is None


# -- logout, me ---------------------------------------------------------------------------------------


def test_logout_ends_only_the_current_session(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user()
    here, there = sign_in(user), sign_in(user)
    service.logout(db, actor_of(here))
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(here.access_token, session=db)
    with pytest.raises(Unauthorized):
        sessions.refresh(db, here.refresh_token, user_agent=None, ip=None)
    assert sessions.actor_from_access_token(there.access_token, session=db).user_id == user.id


def test_get_me(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user(Role.ADMIN)
    assert service.get_me(db, actor_of(sign_in(user))).id == user.id
    with pytest.raises(Unauthorized):
        service.get_me(db, None)  # type: ignore[arg-type]  # no actor: what an anonymous caller would pass


# -- profile ---------------------------------------------------------------------------------------------


def test_a_member_profile_update_follows_onto_the_member_row(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    user = make_user(Role.MEMBER)
    actor = actor_of(sign_in(user))
    updated = service.update_profile(
        db, actor, full_name="Renée  Dupont", phone="+33 6 12 34 56 78", email="Renee@Example.com"
    )
    assert (updated.full_name, updated.phone, updated.email) == (
        "Renée Dupont",
        "+33 6 12 34 56 78",
        "renee@example.com",
    )
    member = db.exec(select(Member).where(Member.user_id == user.id)).one()
    assert (member.full_name, member.phone) == ("Renée Dupont", "+33 6 12 34 56 78")
    assert member.search_text == " renee dupont renee@example.com 33612345678"
    service.update_profile(db, actor, phone="")
    assert user.phone is None and member.phone is None


def test_profile_update_leaves_unsent_fields_alone(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user(Role.TRAINER, full_name="Kim Lee")
    service.update_profile(db, actor_of(sign_in(user)), phone="555 123 4567")
    assert (user.full_name, user.phone) == ("Kim Lee", "555 123 4567")


def test_profile_update_validation_and_email_conflict(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    make_user(email="other@example.com")
    actor = actor_of(sign_in(make_user()))
    with pytest.raises(ValidationFailed) as exc:
        service.update_profile(db, actor, full_name="", phone="12", email="nope")
    assert set(_fields(exc)) == {"fullName", "phone", "email"}
    with pytest.raises(Conflict):
        service.update_profile(db, actor, email="OTHER@example.com")


# -- password ------------------------------------------------------------------------------------------


def test_change_password_ends_every_other_session_but_this_one(
    db: Session, make_user: MakeUser, sign_in: SignIn, limiter: RateLimiter
) -> None:
    user = make_user()
    here, phone, laptop = sign_in(user), sign_in(user), sign_in(user)
    service.change_password(
        units_over(db), actor_of(here), current_password=PASSWORD, new_password=NEW_PASSWORD
    )
    assert user.password_changed_at is not None
    assert sessions.actor_from_access_token(here.access_token, session=db).user_id == user.id
    for other in (phone, laptop):
        with pytest.raises(Unauthorized):
            sessions.actor_from_access_token(other.access_token, session=db)
        with pytest.raises(Unauthorized):
            sessions.refresh(db, other.refresh_token, user_agent=None, ip=None)
    assert _login(db, limiter, user.email, NEW_PASSWORD).user.id == user.id
    with pytest.raises(Unauthorized):
        _login(db, limiter, user.email, PASSWORD)


def test_change_password_needs_the_current_one(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user()
    actor = actor_of(sign_in(user))
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(
            units_over(db), actor, current_password="Wrong-Guess-77", new_password=NEW_PASSWORD
        )
    assert _fields(exc) == {"currentPassword": "Current password is incorrect"}
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(units_over(db), actor, current_password="", new_password=NEW_PASSWORD)
    assert set(_fields(exc)) == {"currentPassword"}
    assert security.verify_password(PASSWORD, user.password_hash)


def test_the_new_password_follows_the_rules_and_differs(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    actor = actor_of(sign_in(make_user()))
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(units_over(db), actor, current_password=PASSWORD, new_password="weak")
    assert set(_fields(exc)) == {"newPassword"}
    with pytest.raises(ValidationFailed) as exc:
        service.change_password(units_over(db), actor, current_password=PASSWORD, new_password=PASSWORD)
    assert "different" in _fields(exc)["newPassword"]


def test_wrong_current_passwords_count_against_the_account(
    db: Session, make_user: MakeUser, sign_in: SignIn, limiter: RateLimiter
) -> None:
    from thrust.core.errors import RateLimited

    user = make_user()
    actor = actor_of(sign_in(user))
    for _ in range(100):
        with pytest.raises(ValidationFailed):
            service.change_password(
                units_over(db),
                actor,
                current_password="Wrong-Guess-77",
                new_password=NEW_PASSWORD,
                limiter=limiter,
            )
    with pytest.raises(RateLimited):
        service.change_password(
            units_over(db), actor, current_password=PASSWORD, new_password=NEW_PASSWORD, limiter=limiter
        )
    with pytest.raises(RateLimited):  # the account's sign-in budget is the same one
        _login(db, limiter, user.email)
