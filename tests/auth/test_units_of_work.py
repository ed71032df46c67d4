"""Every use case that hashes or checks a password does it between units of work, never inside one.

Real units of work (session_scope) on both engines, committed: the tests' guard (thrust/core/security.py,
strict in tests) raises if bcrypt runs while a unit of the same thread holds a transaction.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.auth.helpers import NEW_PASSWORD, PASSWORD
from tests.conftest import ENGINES, Databases, migrate
from thrust import cli, demo_data, launcher
from thrust.auth import service
from thrust.auth.rbac import Actor
from thrust.core import security
from thrust.core.db import build_engine, in_open_transaction, session_scope, set_engine
from thrust.core.errors import Conflict, Unauthorized, ValidationFailed
from thrust.core.ratelimit import InProcessBackend, RateLimiter
from thrust.core.settings import get_settings
from thrust.models import Role, User
from thrust.staff import service as staff


@pytest.fixture(scope="module", params=ENGINES)
def committed(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """A database of each kind whose units of work really commit (the process-wide engine meanwhile)."""
    engine = build_engine(databases.new_url(request.param))
    migrate(engine)
    set_engine(engine)
    get_settings.cache_clear()
    yield engine
    set_engine(None)
    get_settings.cache_clear()
    engine.dispose()


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter(InProcessBackend())


def _email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@example.com"


def _signup(limiter: RateLimiter, email: str) -> Actor:
    issued = service.signup(
        session_scope,
        email=email,
        password=PASSWORD,
        full_name="Una Units",
        ip="10.30.0.1",
        user_agent=None,
        limiter=limiter,
    )
    user = issued.user
    return Actor(user_id=user.id, email=user.email, role=Role(user.role), session_id=issued.session_id)


def _login(limiter: RateLimiter, email: str, password: str) -> object:
    return service.login(
        session_scope, email=email, password=password, ip="10.30.0.2", user_agent=None, limiter=limiter
    )


def test_signing_up_and_in_hash_between_units_of_work(committed: Engine, limiter: RateLimiter) -> None:
    email = _email("member")
    _signup(limiter, email)
    assert _login(limiter, email, PASSWORD)
    for who, password in ((email, "Wrong-Password-1"), (_email("nobody"), PASSWORD)):
        with pytest.raises(Unauthorized):
            _login(limiter, who, password)
    with pytest.raises(Conflict):
        _signup(limiter, email)
    with session_scope() as session:  # an account created by an admin or an import: no password yet
        user = session.exec(select(User).where(User.email == email)).one()
        user.password_hash = security.UNUSABLE_PASSWORD
    with pytest.raises(Unauthorized):
        _login(limiter, email, PASSWORD)
    assert not in_open_transaction()


def test_changing_a_password_hashes_between_units_of_work(committed: Engine, limiter: RateLimiter) -> None:
    email = _email("changer")
    actor = _signup(limiter, email)
    with pytest.raises(ValidationFailed):
        service.change_password(
            session_scope,
            actor,
            current_password="Wrong-Guess-77",
            new_password=NEW_PASSWORD,
            limiter=limiter,
        )
    service.change_password(
        session_scope, actor, current_password=PASSWORD, new_password=NEW_PASSWORD, limiter=limiter
    )
    assert _login(limiter, email, NEW_PASSWORD)


def test_adding_staff_hashes_between_units_of_work(committed: Engine, limiter: RateLimiter) -> None:
    admin_email = _email("admin")
    with session_scope() as session:
        admin = User(email=admin_email, password_hash="!", role=Role.ADMIN, full_name="Ada Admin")
        session.add(admin)
    actor = Actor(user_id=admin.id, email=admin_email, role=Role.ADMIN, session_id=None)
    trainer = _email("trainer")
    added = staff.add_staff(
        session_scope, actor, email=trainer, password=PASSWORD, full_name="Tom Trainer", role=Role.TRAINER
    )
    assert added.role == Role.TRAINER and _login(limiter, trainer, PASSWORD)
    with pytest.raises(Conflict):
        staff.add_staff(
            session_scope, actor, email=trainer, password=PASSWORD, full_name="Tom Again", role=Role.TRAINER
        )


def test_create_admin_hashes_between_units_of_work(
    committed: Engine, limiter: RateLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = _email("cli-admin")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-admin", "--email", email, "--password-stdin"]) == cli.EXIT_OK
    assert _login(limiter, email, PASSWORD)


@pytest.fixture(params=ENGINES)
def empty(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    engine = build_engine(databases.new_url(request.param))
    migrate(engine)
    set_engine(engine)
    get_settings.cache_clear()
    yield engine
    set_engine(None)
    get_settings.cache_clear()
    engine.dispose()


def test_seeding_hashes_the_demo_passwords_before_its_unit_of_work(
    empty: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seed hashes in a thread pool (which the guard cannot see into): count every hash, and note
    # whether a unit of work held a transaction when the hashing began.
    hashes: list[str] = []
    began_inside: list[bool] = []
    real_hash, real_batch = demo_data.hash_password, demo_data.hash_demo_passwords

    def counting(password: str, **options: object) -> str:
        hashes.append(password)
        return real_hash(password, **options)  # type: ignore[arg-type]  # the options pass through unchanged

    def batch(admin_password: str | None = None) -> demo_data.DemoPasswordHashes:
        began_inside.append(in_open_transaction())
        return real_batch(admin_password)

    monkeypatch.setattr(demo_data, "hash_password", counting)
    monkeypatch.setattr(demo_data, "hash_demo_passwords", batch)
    assert cli.main(["seed", "--members", "3", "--no-progress"]) == cli.EXIT_OK
    assert began_inside == [False] and len(hashes) == 3  # all three made before the unit, none inside it
    assert launcher.demo_admin_uses_default_password()  # checks the hash after its unit of work ended
