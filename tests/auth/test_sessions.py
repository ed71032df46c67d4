"""Sessions: rotation, reuse detection, revocation, and the live check behind every access token."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
import redis
from sqlmodel import Session

from thrust.auth import sessions
from thrust.auth.cookies import ACCESS_COOKIE
from thrust.auth.sessions import IssuedTokens
from thrust.core.errors import Unauthorized
from thrust.core.settings import get_settings
from thrust.core.types import utcnow
from thrust.models import AuthSession, Role, User

SignIn = Callable[[User], IssuedTokens]
MakeUser = Callable[..., User]


def test_start_session_records_the_device(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user(Role.TRAINER)
    issued = sign_in(user)
    row = db.get(AuthSession, issued.session_id)
    assert row is not None and row.user_id == user.id and row.revoked_at is None
    assert row.user_agent == "pytest" and row.ip_address == "10.0.0.1"
    assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    assert issued.expires_in == 24 * 3600
    actor = sessions.actor_from_access_token(issued.access_token, session=db)
    assert (actor.user_id, actor.role, actor.session_id) == (user.id, Role.TRAINER, issued.session_id)


def test_refresh_rotates_on_every_use(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    first = sign_in(make_user())
    second = sessions.refresh(db, first.refresh_token, user_agent="ua2", ip="10.0.0.2")
    third = sessions.refresh(db, second.refresh_token, user_agent=None, ip=None)
    assert len({first.refresh_token, second.refresh_token, third.refresh_token}) == 3
    assert first.session_id == second.session_id == third.session_id
    row = db.get(AuthSession, first.session_id)
    assert row is not None and row.user_agent == "ua2" and row.revoked_at is None
    assert sessions.actor_from_access_token(third.access_token, session=db).user_id == first.user.id


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    first = sign_in(make_user())
    second = sessions.refresh(db, first.refresh_token, user_agent=None, ip=None)
    with pytest.raises(Unauthorized):
        sessions.refresh(db, first.refresh_token, user_agent=None, ip=None)  # the thief, or the victim
    row = db.get(AuthSession, first.session_id)
    assert row is not None and row.revoked_reason == "reuse"
    # The newest refresh token and every access token of the family are dead too.
    with pytest.raises(Unauthorized):
        sessions.refresh(db, second.refresh_token, user_agent=None, ip=None)
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(second.access_token, session=db)


def test_refresh_is_refused_for_revoked_expired_or_inactive(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    revoked = sign_in(make_user())
    sessions.revoke_session(db, revoked.session_id, "logout")
    with pytest.raises(Unauthorized):
        sessions.refresh(db, revoked.refresh_token, user_agent=None, ip=None)

    expired = sign_in(make_user())
    row = db.get(AuthSession, expired.session_id)
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.flush()
    with pytest.raises(Unauthorized):
        sessions.refresh(db, expired.refresh_token, user_agent=None, ip=None)

    user = make_user()
    inactive = sign_in(user)
    user.is_active = False
    db.add(user)
    db.flush()
    with pytest.raises(Unauthorized):
        sessions.refresh(db, inactive.refresh_token, user_agent=None, ip=None)


def test_an_access_token_is_not_a_refresh_token(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    issued = sign_in(make_user())
    with pytest.raises(Unauthorized):
        sessions.refresh(db, issued.access_token, user_agent=None, ip=None)
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(issued.refresh_token, session=db)


def test_revocation_applies_at_once_in_this_process(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    issued = sign_in(make_user())
    sessions.actor_from_access_token(issued.access_token, session=db)  # now cached as live
    sessions.revoke_session(db, issued.session_id, "logout")
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(issued.access_token, session=db)


def test_revoke_user_sessions_spares_the_one_asked(db: Session, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user()
    keep, drop1, drop2 = sign_in(user), sign_in(user), sign_in(user)
    other = sign_in(make_user())
    ended = sessions.revoke_user_sessions(
        db, user.id, reason="password_change", except_session_id=keep.session_id
    )
    assert ended == 2
    assert sessions.actor_from_access_token(keep.access_token, session=db).user_id == user.id
    assert sessions.actor_from_access_token(other.access_token, session=db).user_id == other.user.id
    for dropped in (drop1, drop2):
        with pytest.raises(Unauthorized):
            sessions.actor_from_access_token(dropped.access_token, session=db)


def test_a_revocation_by_another_worker_is_seen_after_the_cache_window(
    db: Session, make_user: MakeUser, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without Redis, this process learns of another worker's revocation from the database once its
    # cached answer (at most SESSION_CHECK_TTL seconds) runs out.
    issued = sign_in(make_user())
    sessions.actor_from_access_token(issued.access_token, session=db)
    row = db.get(AuthSession, issued.session_id)
    assert row is not None
    row.revoked_at, row.revoked_reason = utcnow(), "logout"  # as another worker would write it
    db.add(row)
    db.flush()
    assert sessions.actor_from_access_token(issued.access_token, session=db)  # the documented window
    sessions.clear_session_cache()  # the window has passed
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(issued.access_token, session=db)


def test_with_redis_other_workers_see_a_revocation_at_once(
    db: Session,
    make_user: MakeUser,
    sign_in: SignIn,
    redis_url: str,
    redis_client: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    try:
        issued = sign_in(make_user())
        sessions.actor_from_access_token(issued.access_token, session=db)  # cached as live here
        sessions.revoke_session(db, issued.session_id, "logout")
        key = f"{sessions.REVOKED_KEY_PREFIX}{issued.session_id}"
        assert redis_client.exists(key)
        assert 0 < redis_client.ttl(key) <= 24 * 3600 + 1
        # "Another worker": it forgets what this process knows locally, and only Redis tells it.
        sessions.clear_session_cache()
        with pytest.raises(Unauthorized):
            sessions.actor_from_access_token(issued.access_token, session=db)
    finally:
        get_settings.cache_clear()


def test_the_role_comes_from_the_database_not_the_token(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    user = make_user(Role.ADMIN)
    issued = sign_in(user)
    user.role = Role.TRAINER
    db.add(user)
    db.flush()
    sessions.forget_user(user.id)
    assert sessions.actor_from_access_token(issued.access_token, session=db).role == Role.TRAINER


def test_a_check_racing_a_role_change_is_forgotten_when_the_change_commits(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    """Until the change commits, a check from elsewhere still reads the old row and caches it: the
    change's own forget must run again at commit, or the old role stays for SESSION_CHECK_TTL."""
    user = make_user(Role.ADMIN)
    issued = sign_in(user)
    db.commit()
    user.role = Role.TRAINER
    db.add(user)
    db.flush()
    sessions.forget_user(user.id, db)
    # The racing check: another request reads the committed row (still ADMIN) and caches it.
    claims = sessions.decode_access_token(issued.access_token)
    stale = sessions.Actor(user.id, user.email, Role.ADMIN, claims.session_id)
    sessions._cache.put(claims.session_id, stale, sessions.SESSION_CHECK_TTL)
    db.commit()
    assert sessions.actor_from_access_token(issued.access_token, session=db).role == Role.TRAINER


def test_a_token_for_another_users_session_is_refused(
    db: Session, make_user: MakeUser, sign_in: SignIn
) -> None:
    from thrust.auth.tokens import issue_access_token

    victim = sign_in(make_user())
    attacker = make_user()
    forged = issue_access_token(
        user_id=attacker.id, email=attacker.email, role=Role.MEMBER, session_id=victim.session_id
    )
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(forged, session=db)
    unknown = issue_access_token(user_id=attacker.id, email="x", role=Role.MEMBER, session_id=uuid.uuid4())
    with pytest.raises(Unauthorized):
        sessions.actor_from_access_token(unknown, session=db)


def test_actor_from_cookie_header(db: Session, make_user: MakeUser, sign_in: SignIn, engine: object) -> None:
    from thrust.core.db import set_engine

    issued = sign_in(make_user())
    db.commit()  # the cookie path opens its own unit of work (a savepoint here, rolled back at the end)
    sessions.actor_from_access_token(issued.access_token, session=db)  # cached: no second connection needed
    set_engine(engine)  # type: ignore[arg-type]  # the fixture's engine, typed loosely here
    try:
        header = f'theme=dark; broken"cookie; {ACCESS_COOKIE}={issued.access_token}; other=1'
        actor = sessions.actor_from_cookie_header(header)
        assert actor is not None and actor.user_id == issued.user.id
        assert sessions.actor_from_cookie_header(f'{ACCESS_COOKIE}="{issued.access_token}"') is not None
        assert sessions.actor_from_cookie_header(None) is None
        assert sessions.actor_from_cookie_header("") is None
        assert sessions.actor_from_cookie_header("theme=dark") is None
        assert sessions.actor_from_cookie_header(f"{ACCESS_COOKIE}=not-a-token") is None
        assert sessions.actor_from_cookie_header(f"{ACCESS_COOKIE}={issued.refresh_token}") is None
        sessions.revoke_session(db, issued.session_id, "logout")
        assert sessions.actor_from_cookie_header(header) is None
    finally:
        set_engine(None)
