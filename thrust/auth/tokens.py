"""Access, refresh and device JWTs (RFC 8725): HS256 only, iss/aud/typ checked, never one type for another."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from thrust.core.errors import Unauthorized
from thrust.core.settings import get_settings
from thrust.core.types import utcnow
from thrust.models import Role

ALGORITHM = "HS256"
ALLOWED_ALGORITHMS = [ALGORITHM]  # an explicit allow-list: `none` and RS/HS confusion are refused
ISSUER = "thrust"
ACCESS_AUDIENCE = "thrust-api"
REFRESH_AUDIENCE = "thrust-refresh"
ACCESS_TYPE = "access"
REFRESH_TYPE = "refresh"
ACCESS_HEADER_TYPE = "at+jwt"  # RFC 9068
REFRESH_HEADER_TYPE = "refresh+jwt"
DEVICE_AUDIENCE = "thrust-device"
DEVICE_TYPE = "device"
DEVICE_HEADER_TYPE = "device+jwt"
ACCESS_TTL = timedelta(hours=24)
REFRESH_TTL = timedelta(days=30)
DEVICE_TTL = timedelta(days=365)
INVALID_TOKEN = "Invalid or expired token"
_REQUIRED = ["exp", "iat", "iss", "aud", "typ"]


@dataclass(frozen=True)
class TokenKind:
    """What tells one kind of token from another, written once for issuing and for checking it: its
    `typ` claim, its audience and its header's `typ` (so one kind is never accepted as another)."""

    claim_type: str
    audience: str
    header_type: str


ACCESS = TokenKind(ACCESS_TYPE, ACCESS_AUDIENCE, ACCESS_HEADER_TYPE)
REFRESH = TokenKind(REFRESH_TYPE, REFRESH_AUDIENCE, REFRESH_HEADER_TYPE)
DEVICE = TokenKind(DEVICE_TYPE, DEVICE_AUDIENCE, DEVICE_HEADER_TYPE)


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    email: str
    role: Role
    session_id: uuid.UUID
    expires_at: datetime
    jti: str


@dataclass(frozen=True)
class DeviceClaims:
    user_id: uuid.UUID
    password_tag: str  # which password the browser proved (see password_tag)


@dataclass(frozen=True)
class RefreshClaims:
    user_id: uuid.UUID
    token_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


def _key() -> str:
    return get_settings().token_secret()


def _sign(kind: TokenKind, claims: dict[str, Any], *, now: datetime, expires_at: datetime) -> str:
    """`claims` plus those every token of ours carries (its kind, issuer, issue and expiry times), signed."""
    standard = {"typ": kind.claim_type, "iss": ISSUER, "aud": kind.audience}
    times = {"iat": int(now.timestamp()), "exp": int(expires_at.timestamp())}
    return jwt.encode(
        {**claims, **standard, **times}, _key(), algorithm=ALGORITHM, headers={"typ": kind.header_type}
    )


def issue_access_token(
    *, user_id: uuid.UUID, email: str, role: Role, session_id: uuid.UUID, now: datetime | None = None
) -> str:
    """A 24-hour access token for one session (the seed's claims plus sid, typ, iss, aud, jti)."""
    now = now or utcnow()
    claims = {
        "userId": str(user_id),
        "email": email,
        "role": Role(role).value,
        "sid": str(session_id),
        "jti": uuid.uuid4().hex,
    }
    return _sign(ACCESS, claims, now=now, expires_at=now + ACCESS_TTL)


def issue_refresh_token(
    *,
    user_id: uuid.UUID,
    token_id: uuid.UUID,
    session_id: uuid.UUID,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """A refresh token (30 days, or until the session's own end): the seed's `{userId, tokenId}` and more."""
    now = now or utcnow()
    expires_at = expires_at or now + REFRESH_TTL
    claims = {"userId": str(user_id), "tokenId": str(token_id), "sid": str(session_id)}
    return _sign(REFRESH, claims, now=now, expires_at=expires_at)


def password_tag(password_hash: str) -> str:
    """A short keyed digest of a stored password hash: a device token stops counting once it changes."""
    digest = hmac.new(_key().encode(), password_hash.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def issue_device_token(*, user_id: uuid.UUID, password_hash: str, now: datetime | None = None) -> str:
    """A year-long token saying "this browser signed in to this account, with this password"."""
    now = now or utcnow()
    claims = {"userId": str(user_id), "pwd": password_tag(password_hash)}
    return _sign(DEVICE, claims, now=now, expires_at=now + DEVICE_TTL)


def _decode(token: str, kind: TokenKind) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise Unauthorized(INVALID_TOKEN)
    try:
        header = jwt.get_unverified_header(token)
        # Checked before the signature too, so a token of the other type fails early and clearly.
        if header.get("alg") != ALGORITHM or header.get("typ") != kind.header_type:
            raise Unauthorized(INVALID_TOKEN)
        claims = jwt.decode(
            token,
            _key(),
            algorithms=ALLOWED_ALGORITHMS,
            audience=kind.audience,
            issuer=ISSUER,
            options={"require": _REQUIRED, "verify_signature": True},
        )
    except jwt.PyJWTError:
        raise Unauthorized(INVALID_TOKEN) from None
    if claims.get("typ") != kind.claim_type:
        raise Unauthorized(INVALID_TOKEN)
    return claims


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Unauthorized(INVALID_TOKEN) from None


def _expiry(claims: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(claims["exp"]), UTC)


def decode_access_token(token: str) -> AccessClaims:
    """Verify an access token; Unauthorized("Invalid or expired token") for anything else."""
    claims = _decode(token, ACCESS)
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise Unauthorized(INVALID_TOKEN) from None
    return AccessClaims(
        user_id=_uuid(claims.get("userId")),
        email=str(claims.get("email", "")),
        role=role,
        session_id=_uuid(claims.get("sid")),
        expires_at=_expiry(claims),
        jti=str(claims.get("jti", "")),
    )


def decode_refresh_token(token: str) -> RefreshClaims:
    """Verify a refresh token; Unauthorized("Invalid or expired token") for anything else."""
    claims = _decode(token, REFRESH)
    return RefreshClaims(
        user_id=_uuid(claims.get("userId")),
        token_id=_uuid(claims.get("tokenId")),
        session_id=_uuid(claims.get("sid")),
        expires_at=_expiry(claims),
    )


def decode_device_token(token: str) -> DeviceClaims:
    """Verify a device token; Unauthorized("Invalid or expired token") for anything else."""
    claims = _decode(token, DEVICE)
    return DeviceClaims(user_id=_uuid(claims.get("userId")), password_tag=str(claims.get("pwd", "")))
