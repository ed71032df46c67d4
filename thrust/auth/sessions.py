"""Sign-in sessions: one AuthSession row per device, its rotating refresh tokens, and live checks.

A session is a family of refresh tokens. Only the newest (`current_token_id`) may be used; presenting
an older one means a copy leaked, so the whole family is revoked. Access tokens carry the session id
(`sid`) and are refused as soon as their session ends.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import redis
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from thrust.auth.cookies import ACCESS_COOKIE
from thrust.auth.rbac import Actor
from thrust.auth.tokens import (
    ACCESS_TTL,
    INVALID_TOKEN,
    REFRESH_TTL,
    decode_access_token,
    decode_refresh_token,
    issue_access_token,
    issue_refresh_token,
)
from thrust.core.db import session_scope
from thrust.core.errors import Unauthorized
from thrust.core.settings import get_settings
from thrust.core.types import utcnow
from thrust.models import AuthSession, Role, User

log = logging.getLogger("thrust.auth")

SESSION_CHECK_TTL = 5.0  # seconds a "this session is live" answer is reused in this process
REVOKED_KEY_PREFIX = "thrust:revoked-sid:"
USER_AGENT_MAX = 300
IP_MAX = 64


class RevokeReason:
    LOGOUT = "logout"
    REUSE = "reuse"
    PASSWORD_CHANGE = "password_change"
    DEACTIVATED = "deactivated"
    EMAIL_CHANGE = "email_change"  # an admin gave the account another login email
    MEMBERSHIP_STOPPED = "membership_stopped"  # the member was frozen or deactivated
    DEMO_REMOVED = "demo_removed"  # an admin removed the demo data, this demo account with it


@dataclass(frozen=True)
class IssuedTokens:
    """What a sign-in or refresh hands back: both tokens, the access token's life, the session, the user."""

    access_token: str
    refresh_token: str
    expires_in: int
    session_id: uuid.UUID
    user: User


# -- issuing and rotating -----------------------------------------------------------------------------


def _issue(auth: AuthSession, user: User) -> IssuedTokens:
    now = utcnow()
    access = issue_access_token(
        user_id=user.id, email=user.email, role=Role(user.role), session_id=auth.id, now=now
    )
    refresh_token = issue_refresh_token(
        user_id=user.id,
        token_id=auth.current_token_id,
        session_id=auth.id,
        expires_at=auth.expires_at,
        now=now,
    )
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=int(ACCESS_TTL.total_seconds()),
        session_id=auth.id,
        user=user,
    )


def start_session(session: Session, user: User, *, user_agent: str | None, ip: str | None) -> IssuedTokens:
    """Open a session for a user who has just proven who they are, and issue its first tokens."""
    now = utcnow()
    auth = AuthSession(
        user_id=user.id,
        current_token_id=uuid.uuid4(),
        user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX],
        ip_address=(ip or None) and ip[:IP_MAX],
        expires_at=now + REFRESH_TTL,
        last_used_at=now,
    )
    session.add(auth)
    session.flush()
    return _issue(auth, user)


def refresh(session: Session, refresh_token: str, *, user_agent: str | None, ip: str | None) -> IssuedTokens:
    """Swap a refresh token for a new pair; an already-used token revokes its whole session."""
    claims = decode_refresh_token(refresh_token)
    # Row lock: two refreshes with the same token cannot both succeed (PostgreSQL; SQLite serialises).
    auth = session.exec(
        select(AuthSession).where(col(AuthSession.id) == claims.session_id).with_for_update()
    ).first()
    if auth is None or auth.user_id != claims.user_id:
        raise Unauthorized(INVALID_TOKEN)
    if auth.revoked_at is not None or auth.expires_at <= utcnow():
        raise Unauthorized(INVALID_TOKEN)
    if claims.token_id != auth.current_token_id:
        _revoke(session, auth, RevokeReason.REUSE)
        # The one place a service commits: the revocation must survive the error raised next, which
        # makes the caller's unit of work roll back. Nothing else has been written before this point.
        session.commit()
        log.warning("refresh token reused: session %s revoked", auth.id)
        raise Unauthorized(INVALID_TOKEN)
    user = session.get(User, auth.user_id)
    if user is None or not user.is_active:
        raise Unauthorized(INVALID_TOKEN)
    auth.current_token_id = uuid.uuid4()
    auth.last_used_at = utcnow()
    if user_agent:
        auth.user_agent = user_agent[:USER_AGENT_MAX]
    if ip:
        auth.ip_address = ip[:IP_MAX]
    session.add(auth)
    session.flush()
    return _issue(auth, user)


# -- revoking ---------------------------------------------------------------------------------------


def _revoke(session: Session, auth: AuthSession, reason: str) -> None:
    if auth.revoked_at is None:
        auth.revoked_at = utcnow()
        auth.revoked_reason = reason[:40]
        session.add(auth)
        session.flush()
    _mark_revoked(auth.id, auth.expires_at)


def revoke_session(session: Session, session_id: uuid.UUID, reason: str) -> None:
    """End one session: its refresh tokens stop working, and its access tokens with them."""
    auth = session.get(AuthSession, session_id)
    if auth is not None:
        _revoke(session, auth, reason)


def revoke_user_sessions(
    session: Session, user_id: uuid.UUID, *, reason: str, except_session_id: uuid.UUID | None = None
) -> int:
    """End every live session of a user (but `except_session_id`); return how many ended."""
    query = select(AuthSession).where(
        col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
    )
    ended = 0
    for auth in session.exec(query).all():
        if auth.id != except_session_id:
            _revoke(session, auth, reason)
            ended += 1
    return ended


def revoke_sessions_of(session: Session, user_ids: Any, *, reason: str) -> int:
    """End every live session of the users `user_ids` names (ids, or a SELECT of them); how many ended."""
    query = select(AuthSession).where(
        col(AuthSession.user_id).in_(user_ids),
        col(AuthSession.revoked_at).is_(None),
    )
    ended = 0
    for auth in session.exec(query).all():
        _revoke(session, auth, reason)
        ended += 1
    return ended


# -- checking an access token ---------------------------------------------------------------------------
#
# Every event and request checks that the token's session is still live. The answer is cached for a
# few seconds per session id in this process, and revocations made in this process take effect at once
# (they are remembered locally, not just dropped from the cache). Without Redis, another worker may
# honour a revoked session for up to SESSION_CHECK_TTL seconds (its cached answer). With REDIS_URL set,
# revoked ids are also written to Redis (expiring when the session's last access token would) and
# every check asks Redis first, so all workers refuse them at once.


@dataclass(frozen=True)
class _Live:
    actor: Actor
    until: float  # monotonic


class _SessionCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[uuid.UUID, _Live] = {}
        self._revoked: dict[uuid.UUID, float] = {}  # sid -> monotonic time the mark can be forgotten

    def get(self, sid: uuid.UUID) -> Actor | None:
        now = time.monotonic()
        with self._lock:
            entry = self._live.get(sid)
            if entry is None:
                return None
            if entry.until <= now:
                del self._live[sid]
                return None
            return entry.actor

    def put(self, sid: uuid.UUID, actor: Actor, ttl: float) -> None:
        now = time.monotonic()
        with self._lock:
            if sid in self._revoked:
                return
            if len(self._live) > 50_000:
                self._live = {k: v for k, v in self._live.items() if v.until > now}
            self._live[sid] = _Live(actor, now + ttl)

    def is_revoked(self, sid: uuid.UUID) -> bool:
        with self._lock:
            until = self._revoked.get(sid)
            if until is None:
                return False
            if until <= time.monotonic():
                del self._revoked[sid]
                return False
            return True

    def revoke(self, sid: uuid.UUID, ttl: float) -> None:
        now = time.monotonic()
        with self._lock:
            self._live.pop(sid, None)
            if len(self._revoked) > 50_000:
                self._revoked = {k: v for k, v in self._revoked.items() if v > now}
            self._revoked[sid] = now + ttl

    def forget_user(self, user_id: uuid.UUID) -> None:
        with self._lock:
            for sid in [sid for sid, entry in self._live.items() if entry.actor.user_id == user_id]:
                del self._live[sid]

    def clear(self) -> None:
        with self._lock:
            self._live.clear()
            self._revoked.clear()


_cache = _SessionCache()


@lru_cache(maxsize=4)
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return _redis_for(url) if url else None


def _remaining_access_life(expires_at: datetime) -> float:
    # The newest access token of a session lives at most ACCESS_TTL, and never past the session's end.
    return max(1.0, min(ACCESS_TTL.total_seconds(), (expires_at - utcnow()).total_seconds()))


def _mark_revoked(sid: uuid.UUID, expires_at: datetime) -> None:
    ttl = _remaining_access_life(expires_at)
    _cache.revoke(sid, ttl)
    client = _redis()
    if client is not None:
        try:
            client.set(REVOKED_KEY_PREFIX + str(sid), "1", ex=max(1, int(ttl) + 1))
        except redis.RedisError as exc:
            log.warning("could not publish revoked session %s to Redis (%s)", sid, exc)


def _revoked_in_redis(sid: uuid.UUID) -> bool:
    client = _redis()
    if client is None:
        return False
    try:
        return bool(client.exists(REVOKED_KEY_PREFIX + str(sid)))
    except redis.RedisError as exc:
        # The database check below still runs when the cache is cold; the cache window is the risk.
        log.warning("could not read revoked sessions from Redis (%s)", exc)
        return False


FORGET_AFTER_COMMIT = "thrust.forget_users_after_commit"


def forget_user(user_id: uuid.UUID, session: Session | None = None) -> None:
    """Drop cached checks of a user's sessions (after a role or email change), in this process.

    With the unit of work making the change: once more when it commits, because a check racing the
    change reads the old row until then and would cache the old role or email for SESSION_CHECK_TTL.
    """
    _cache.forget_user(user_id)
    if session is not None:
        session.info.setdefault(FORGET_AFTER_COMMIT, set()).add(user_id)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    for user_id in session.info.pop(FORGET_AFTER_COMMIT, ()):
        _cache.forget_user(user_id)


@event.listens_for(Session, "after_soft_rollback")
def _nothing_to_forget(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(FORGET_AFTER_COMMIT, None)


def clear_session_cache() -> None:
    """Forget every cached check and local revocation (tests)."""
    _cache.clear()


def _load_actor(session: Session, sid: uuid.UUID, user_id: uuid.UUID) -> tuple[Actor, datetime]:
    auth = session.get(AuthSession, sid)
    if auth is None or auth.user_id != user_id or auth.revoked_at is not None or auth.expires_at <= utcnow():
        raise Unauthorized(INVALID_TOKEN)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized(INVALID_TOKEN)
    # Role and email come from the database, not the token: a demotion applies within the cache window.
    return Actor(user_id=user.id, email=user.email, role=Role(user.role), session_id=sid), auth.expires_at


def actor_from_access_token(token: str, *, session: Session | None = None) -> Actor:
    """The acting user of a valid access token whose session is live and whose account is active.

    Opens its own unit of work unless given one. Raises Unauthorized otherwise.
    """
    claims = decode_access_token(token)
    sid = claims.session_id
    if _cache.is_revoked(sid) or _revoked_in_redis(sid):
        raise Unauthorized(INVALID_TOKEN)
    actor = _cache.get(sid)
    if actor is None:
        if session is not None:
            actor, session_end = _load_actor(session, sid, claims.user_id)
        else:
            with session_scope(read_only=True) as own:
                actor, session_end = _load_actor(own, sid, claims.user_id)
        ttl = min(SESSION_CHECK_TTL, max(0.0, (session_end - utcnow()).total_seconds()))
        _cache.put(sid, actor, ttl)
    if actor.user_id != claims.user_id:
        raise Unauthorized(INVALID_TOKEN)
    return actor


def access_token_from_cookie_header(cookie_header: str | None) -> str | None:
    """The access cookie's value in a raw `Cookie:` header, or None.

    Parsed by hand rather than with http.cookies.SimpleCookie, which gives up on the whole header at
    the first cookie it dislikes (another app's cookie on the same host would sign the user out).
    """
    if not cookie_header or len(cookie_header) > 16_384:
        return None
    for part in cookie_header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() == ACCESS_COOKIE:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value or None
    return None


def actor_from_cookie_header(cookie_header: str | None) -> Actor | None:
    """The acting user of the access cookie in a raw `Cookie:` header; None if missing or not valid."""
    token = access_token_from_cookie_header(cookie_header)
    if token is None:
        return None
    try:
        return actor_from_access_token(token)
    except Unauthorized:
        return None
    except (SQLAlchemyError, redis.RedisError) as exc:
        # Fails closed (anonymous), never raises into the caller's event handling.
        log.error("session check failed: %s", exc)
        return None


async def lookup_actor(cookie_header: str | None) -> Actor | None:
    """The actor the cookie proves, or None (for a socket, an upload, a live push). The check may touch the
    database, so it runs off the event loop; a header without the access cookie is answered at once."""
    if not cookie_header or f"{ACCESS_COOKIE}=" not in cookie_header:
        return None
    return await asyncio.to_thread(actor_from_cookie_header, cookie_header)
