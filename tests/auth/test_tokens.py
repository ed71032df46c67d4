"""Tokens (RFC 8725): one algorithm, iss/aud/typ checked, expiry enforced, types never interchangeable."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from thrust.auth import tokens
from thrust.core.errors import Unauthorized
from thrust.core.settings import get_settings
from thrust.models import Role

USER, SESSION, TOKEN_ID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _access(**kwargs: object) -> str:
    return tokens.issue_access_token(
        user_id=USER, email="a@example.com", role=Role.ADMIN, session_id=SESSION, **kwargs
    )


def _refresh(**kwargs: object) -> str:
    return tokens.issue_refresh_token(user_id=USER, token_id=TOKEN_ID, session_id=SESSION, **kwargs)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forge(header: dict[str, object], claims: dict[str, object], key: str | None = None) -> str:
    if key is None:
        return f"{_b64(header)}.{_b64(claims)}."
    return jwt.encode(claims, key, algorithm="HS256", headers=header)


def _claims(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def test_access_token_carries_the_seed_claims_and_ours() -> None:
    token = _access()
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "at+jwt"}
    claims = _claims(token)
    assert claims["userId"] == str(USER) and claims["email"] == "a@example.com" and claims["role"] == "ADMIN"
    assert claims["sid"] == str(SESSION) and claims["typ"] == "access"
    assert claims["iss"] == "thrust" and claims["aud"] == "thrust-api" and claims["jti"]
    assert claims["exp"] - claims["iat"] == 24 * 3600
    decoded = tokens.decode_access_token(token)
    assert (decoded.user_id, decoded.role, decoded.session_id) == (USER, Role.ADMIN, SESSION)


def test_refresh_token_carries_the_seed_claims_and_ours() -> None:
    token = _refresh()
    assert jwt.get_unverified_header(token)["typ"] == "refresh+jwt"
    claims = _claims(token)
    assert claims["userId"] == str(USER) and claims["tokenId"] == str(TOKEN_ID)
    assert claims["typ"] == "refresh" and claims["aud"] == "thrust-refresh"
    assert claims["exp"] - claims["iat"] == 30 * 24 * 3600
    assert tokens.decode_refresh_token(token).token_id == TOKEN_ID


def test_expired_tokens_are_refused() -> None:
    long_ago = datetime.now(UTC) - timedelta(days=31)
    with pytest.raises(Unauthorized, match="Invalid or expired token"):
        tokens.decode_access_token(_access(now=long_ago))
    with pytest.raises(Unauthorized):
        tokens.decode_refresh_token(_refresh(now=long_ago))


def test_a_tampered_signature_or_payload_is_refused() -> None:
    token = _access()
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(f"{header}.{payload}.{flipped}")
    promoted = _claims(token) | {"role": "ADMIN", "userId": str(uuid.uuid4())}
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(f"{header}.{_b64(promoted)}.{signature}")


def test_a_token_signed_with_another_key_is_refused() -> None:
    claims = _claims(_access())
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(_forge({"typ": "at+jwt"}, claims, key="x" * 64))


def test_alg_none_is_refused() -> None:
    claims = _claims(_access())
    for alg in ("none", "None", "NONE"):
        with pytest.raises(Unauthorized):
            tokens.decode_access_token(_forge({"alg": alg, "typ": "at+jwt"}, claims))


def test_other_algorithms_are_refused_even_with_the_right_key() -> None:
    claims = _claims(_access())
    forged = jwt.encode(claims, get_settings().token_secret(), algorithm="HS512", headers={"typ": "at+jwt"})
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(forged)


def test_a_refresh_token_is_never_an_access_token_and_the_reverse() -> None:
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(_refresh())
    with pytest.raises(Unauthorized):
        tokens.decode_refresh_token(_access())


@pytest.mark.parametrize(
    ("header", "changes"),
    [
        ({"typ": "at+jwt"}, {"typ": "refresh"}),  # claim typ wrong, header right
        ({"typ": "refresh+jwt"}, {}),  # header typ wrong, claim right
        ({"typ": "JWT"}, {}),
        ({"typ": "at+jwt"}, {"aud": "thrust-refresh"}),
        ({"typ": "at+jwt"}, {"aud": "someone-else"}),
        ({"typ": "at+jwt"}, {"iss": "evil"}),
    ],
)
def test_wrong_typ_aud_or_iss_is_refused_even_when_signed(
    header: dict[str, object], changes: dict[str, object]
) -> None:
    claims = _claims(_access()) | changes
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(_forge(header, claims, key=get_settings().token_secret()))


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "typ"])
def test_required_claims_must_be_present(missing: str) -> None:
    claims = _claims(_access())
    del claims[missing]
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(_forge({"typ": "at+jwt"}, claims, key=get_settings().token_secret()))


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 5000, "Bearer xyz"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(garbage)
