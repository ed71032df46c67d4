"""Account rules: creating staff logins, looking users up by email. Framework-free, flush-only."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from thrust.auth.passwords import password_problems
from thrust.core.errors import Conflict, FieldProblem, ValidationFailed
from thrust.core.security import hash_password
from thrust.models import Role, User

STAFF_ROLES = (Role.ADMIN, Role.TRAINER)
MAX_NAME_LENGTH = 120
EMAIL_TAKEN = "An account with this email already exists"


def normalize_email(email: str) -> str:
    """The stored form of an email: validated (no DNS lookup) and lower-cased; ValidationFailed if bad."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed.on("email", str(exc)) from None
    return checked.normalized.lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    """The user with this email (compared lower-cased), or None."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_staff_account(
    session: Session, *, email: str, password: str, full_name: str, role: Role = Role.ADMIN
) -> User:
    """Create an ADMIN or TRAINER login after checking every rule; flushes, the caller commits.

    Raises ValidationFailed (with one detail per broken rule) or Conflict when the email is taken.
    """
    problems: list[FieldProblem] = []
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        problems.extend(exc.details)
    full_name = " ".join(full_name.split())
    if not full_name:
        problems.append(FieldProblem("full_name", "Name is required"))
    elif len(full_name) > MAX_NAME_LENGTH:
        problems.append(FieldProblem("full_name", f"Name must be at most {MAX_NAME_LENGTH} characters"))
    if role not in STAFF_ROLES:
        problems.append(FieldProblem("role", "Staff accounts are ADMIN or TRAINER"))
    problems.extend(FieldProblem("password", message) for message in password_problems(password))
    if problems:
        raise ValidationFailed(details=problems)

    if get_user_by_email(session, email) is not None:
        raise Conflict(EMAIL_TAKEN, details=[FieldProblem("email", EMAIL_TAKEN)])
    user = User(email=email, password_hash=hash_password(password), role=Role(role), full_name=full_name)
    # A savepoint, so that losing a race on the unique email leaves the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        raise Conflict(EMAIL_TAKEN, details=[FieldProblem("email", EMAIL_TAKEN)]) from None
    return user
