"""Account rules: signing in and up, own profile and password, staff logins. Framework-free.

Most functions take the caller's session and only flush. Those that hash or check a password take the
units of work themselves (`units`: session_scope, or a test's stand-in), because bcrypt (~0.25 s) must
never run inside a transaction: they look up in a reading unit, end it, hash, then write in a short
writing unit that re-checks what the hash was based on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, select

from thrust.auth.passwords import password_problems
from thrust.auth.rbac import Actor, require
from thrust.auth.sessions import (
    IssuedTokens,
    RevokeReason,
    forget_user,
    revoke_session,
    revoke_user_sessions,
    start_session,
)
from thrust.auth.tokens import decode_device_token, password_tag
from thrust.core import security
from thrust.core.db import UnitsOfWork, savepoint
from thrust.core.errors import FieldProblem, Unauthorized, ValidationFailed
from thrust.core.ratelimit import Limit, RateLimiter, address_subject, get_rate_limiter
from thrust.core.security import BCRYPT_MAX_BYTES, hash_password, is_password_hash, verify_password
from thrust.core.types import utcnow
from thrust.core.validation import (
    EMAIL_MESSAGE,
    UNSTORABLE_TEXT,
    FieldReader,
    email_address,
    email_taken,
    is_storable,
    require_storable,
)
from thrust.gym import clock
from thrust.members.contact import signup_member, sync_contact_of
from thrust.models import Member, Role, User

STAFF_ROLES = (Role.ADMIN, Role.TRAINER)
MAX_NAME_LENGTH = 120


def normalize_email(email: str) -> str:
    """The stored form of an email: validated (no DNS lookup) and lower-cased; ValidationFailed if bad."""
    address = email_address(email.strip())
    if address is None:
        raise ValidationFailed.on("email", EMAIL_MESSAGE)
    return address


def get_user_by_email(session: Session, email: str) -> User | None:
    """The user with this email (compared lower-cased), or None."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_staff_account(
    units: UnitsOfWork, *, email: str, password: str, full_name: str, role: Role = Role.ADMIN
) -> User:
    """Create an ADMIN or TRAINER login after checking every rule, in its own unit of work.

    Raises ValidationFailed (with one detail per broken rule) or Conflict when the email is taken.
    """
    require_storable({"email": email, "fullName": full_name, "password": password})
    problems: list[FieldProblem] = []
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        problems.extend(exc.details)
    full_name = " ".join(full_name.split())
    if not full_name:
        problems.append(FieldProblem("fullName", "Name is required"))
    elif len(full_name) > MAX_NAME_LENGTH:
        problems.append(FieldProblem("fullName", f"Name must be at most {MAX_NAME_LENGTH} characters"))
    if role not in STAFF_ROLES:
        problems.append(FieldProblem("role", "Staff accounts are ADMIN or TRAINER"))
    problems.extend(FieldProblem("password", message) for message in password_problems(password))
    if problems:
        raise ValidationFailed(details=problems)

    _refuse_taken_email(units, email)
    password_hash = hash_password(password)  # between units of work: no transaction waits on it
    with units() as session:
        user = User(email=email, password_hash=password_hash, role=Role(role), full_name=full_name)
        _add_new_account(session, user)
        return user


def _refuse_taken_email(units: UnitsOfWork, email: str) -> None:
    with units(read_only=True) as session:
        taken = get_user_by_email(session, email) is not None
    if taken:
        raise email_taken()


def _add_new_account(session: Session, *rows: User | Member) -> None:
    with savepoint(session, email_taken()):
        for row in rows:
            session.add(row)
            session.flush()


# -- signing in and out ---------------------------------------------------------------------------------

INVALID_CREDENTIALS = "Invalid email or password"
WRONG_CURRENT_PASSWORD = "Current password is incorrect"
LOGIN_PER_IP = Limit(
    "login-ip",
    max_attempts=5,
    window_seconds=15 * 60,
    message="Too many failed sign-in attempts from your network. Try again in {wait}.",
)
LOGIN_PER_ACCOUNT = Limit(
    "login-account",
    max_attempts=100,
    window_seconds=60 * 60,
    message="Too many failed sign-in attempts for this account. Try again in {wait}.",
)
# Ours: each signup costs a bcrypt hash and makes an account, and a taken email answers 409: every
# well-formed attempt counts (before the email is looked up), 20 per hour per address.
SIGNUP_PER_IP = Limit(
    "signup-ip",
    max_attempts=20,
    window_seconds=60 * 60,
    message="Too many sign-up attempts from your network. Try again in {wait}.",
)


@lru_cache(maxsize=4)
def _dummy_hash(rounds: int) -> str:
    return hash_password("thrust-dummy-password-never-matches!", rounds=rounds)


def _login_key(email: str) -> str:
    return email.strip().casefold()[:254]


@dataclass(frozen=True)
class _Credentials:
    """What a password check needs of an account, read in a unit of work that has ended since."""

    user_id: uuid.UUID
    password_hash: str
    is_active: bool


def _credentials(units: UnitsOfWork, email: str) -> _Credentials | None:
    if not email.strip():
        return None
    with units(read_only=True) as session:
        user = get_user_by_email(session, email)
        return None if user is None else _Credentials(user.id, user.password_hash, user.is_active)


def _known_device(device_token: str | None, user_id: uuid.UUID, password_hash: str) -> bool:
    """True when the browser's device token was issued to this account for its current password."""
    if not device_token:
        return False
    try:
        claims = decode_device_token(device_token)
    except Unauthorized:
        return False
    return claims.user_id == user_id and claims.password_tag == password_tag(password_hash)


def login(
    units: UnitsOfWork,
    *,
    email: str,
    password: str,
    ip: str | None,
    user_agent: str | None,
    device_token: str | None = None,
    limiter: RateLimiter | None = None,
) -> IssuedTokens:
    """Check an email and password and open a session; Unauthorized with one message for every failure.

    Limits are checked before any hashing; failures count, successes not. Per address (an IPv6 client
    by its /64) always; per account unless the browser holds a device token of this account (from an
    earlier sign-in), so that failing on purpose cannot lock the owner out.
    """
    limiter = limiter or get_rate_limiter()
    with limiter.attempt((LOGIN_PER_IP, address_subject(ip))) as per_address:
        if not (is_storable(email) and is_storable(password)):
            # No account has such an email or password; refused like any other wrong pair.
            per_address.charge()
            raise Unauthorized(INVALID_CREDENTIALS)
        if len(password.encode()) > BCRYPT_MAX_BYTES:
            # No stored password can be this long (the rules refuse it), and bcrypt would truncate it.
            raise ValidationFailed.on("password", f"Password must be at most {BCRYPT_MAX_BYTES} bytes")
        found = _credentials(units, email)
        owner = found is not None and _known_device(device_token, found.user_id, found.password_hash)
        per_account_checks = () if owner else ((LOGIN_PER_ACCOUNT, _login_key(email)),)
        with limiter.attempt(*per_account_checks) as per_account:
            # Constant time: an unknown email, or an account with no password yet, costs one bcrypt
            # check like any other, and fails the same way.
            usable = found is not None and is_password_hash(found.password_hash)
            stored = found.password_hash if found is not None and usable else None
            matches = verify_password(password, stored or _dummy_hash(security.BCRYPT_ROUNDS))
            if found is None or stored is None or not matches or not found.is_active:
                per_address.charge()
                per_account.charge()
                raise Unauthorized(INVALID_CREDENTIALS)
    with units() as session:
        user = session.get(User, found.user_id)
        # Re-checked in the writing unit: the account may have changed while the hash was checked.
        if user is None or not user.is_active or user.password_hash != found.password_hash:
            raise Unauthorized(INVALID_CREDENTIALS)
        user.last_login_at = utcnow()
        session.add(user)
        return start_session(session, user, user_agent=user_agent, ip=ip)


def signup(
    units: UnitsOfWork,
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str | None = None,
    ip: str | None,
    user_agent: str | None,
    limiter: RateLimiter | None = None,
) -> IssuedTokens:
    """Create a MEMBER account with its member profile (inactive until the front desk activates it).

    Every well-formed attempt counts against the address's limit before the email is looked up, so
    probing which emails have accounts ends in 429 like guessing passwords does.
    """
    # The same rules (and words) as every other form that takes a person's name, email and phone.
    reader = FieldReader({"email": email, "fullName": full_name, "phone": phone})
    email = reader.email("email", required=True) or ""
    if not isinstance(password, str):
        reader.problems.append(FieldProblem("password", "Password is required"))
        password = ""
    else:
        reader.problems.extend(FieldProblem("password", message) for message in password_problems(password))
    full_name = reader.text("fullName", "Full name", required=True, max_length=MAX_NAME_LENGTH) or ""
    phone = reader.phone("phone")
    reader.raise_if_problems()

    limiter = limiter or get_rate_limiter()
    with limiter.attempt((SIGNUP_PER_IP, address_subject(ip))) as attempt:
        attempt.charge()
        _refuse_taken_email(units, email)
        password_hash = hash_password(password)  # between units of work: no transaction waits on it
    with units() as session:
        user = User(
            email=email, password_hash=password_hash, role=Role.MEMBER, full_name=full_name, phone=phone
        )
        _add_new_account(session, user, signup_member(user, clock.today(session)))
        user.last_login_at = utcnow()
        session.add(user)
        return start_session(session, user, user_agent=user_agent, ip=ip)


def logout(session: Session, actor: Actor) -> None:
    """End the actor's current session (its refresh and access tokens stop working at once)."""
    require(actor)
    if actor.session_id is not None:
        revoke_session(session, actor.session_id, RevokeReason.LOGOUT)


# -- the signed-in user's own account -------------------------------------------------------------------


def get_me(session: Session, actor: Actor) -> User:
    """The acting user's account."""
    require(actor)
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise Unauthorized()
    return user


def member_of(session: Session, user_id: uuid.UUID) -> Member | None:
    return session.exec(select(Member).where(Member.user_id == user_id)).first()


def update_profile(
    session: Session,
    actor: Actor,
    *,
    full_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> User:
    """Change the actor's own name, phone (\"\" clears it) or email; None leaves a field as it is."""
    user = get_me(session, actor)
    reader = FieldReader({"fullName": full_name, "phone": phone, "email": email})
    new_name = (
        reader.text("fullName", "Full name", required=True, max_length=MAX_NAME_LENGTH)
        if full_name is not None
        else user.full_name
    )
    new_phone = reader.phone("phone") if phone is not None else user.phone
    new_email = reader.email("email", required=True) if email is not None else user.email
    reader.raise_if_problems()
    assert new_name is not None and new_email is not None  # required: a missing one is a problem above
    if new_email != user.email:
        other = get_user_by_email(session, new_email)
        if other is not None and other.id != user.id:
            raise email_taken()
    user.full_name, user.phone, user.email = new_name, new_phone, new_email
    session.add(user)
    if user.role == Role.MEMBER:
        sync_contact_of(session, user)  # the directory shows (and searches) what the member wrote
    with savepoint(session, email_taken()):
        session.flush()
    forget_user(user.id, session)
    return user


def change_password(
    units: UnitsOfWork,
    actor: Actor,
    *,
    current_password: str,
    new_password: str,
    limiter: RateLimiter | None = None,
) -> None:
    """Set a new password after checking the current one; every other session of the user ends.

    A wrong current password counts as a failed sign-in of the account (someone holding a stolen
    session must not get unlimited guesses at the password).
    """
    with units(read_only=True) as session:
        user = get_me(session, actor)
        email, stored = user.email, user.password_hash
    problems: list[FieldProblem] = []
    if not isinstance(current_password, str) or not current_password:
        problems.append(FieldProblem("currentPassword", "Current password is required"))
    elif not is_storable(current_password):
        problems.append(FieldProblem("currentPassword", UNSTORABLE_TEXT))
    else:
        limiter = limiter or get_rate_limiter()
        with limiter.attempt((LOGIN_PER_ACCOUNT, _login_key(email))) as attempt:
            if not verify_password(current_password, stored):
                attempt.charge()
                problems.append(FieldProblem("currentPassword", WRONG_CURRENT_PASSWORD))
    if not isinstance(new_password, str):
        new_password = ""
    problems.extend(FieldProblem("newPassword", message) for message in password_problems(new_password))
    if isinstance(current_password, str) and new_password == current_password and new_password:
        problems.append(FieldProblem("newPassword", "New password must be different from the current one"))
    if problems:
        raise ValidationFailed(details=problems)
    new_hash = hash_password(new_password)  # between units of work: no transaction waits on it
    with units() as session:
        user = get_me(session, actor)
        if user.password_hash != stored:  # changed by another request while we were hashing
            raise ValidationFailed.on("currentPassword", WRONG_CURRENT_PASSWORD)
        user.password_hash = new_hash
        user.password_changed_at = utcnow()
        session.add(user)
        session.flush()
        revoke_user_sessions(
            session, user.id, reason=RevokeReason.PASSWORD_CHANGE, except_session_id=actor.session_id
        )
