"""Token attacks over HTTP against the running server (RFC 8725): forged, expired, misused, replayed and
revoked tokens all get 401 in the seed's error shape.

Tokens are forged with the server's own signing key (read from its data folder), so a refusal proves
the claim or header check, not merely a bad signature.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest

from tests.security.conftest import Cast
from tests.security.support import (
    Account,
    Database,
    api_login,
    expired_claims,
    forge,
    refusals,
    sign_in_account,
    tampered,
    unsigned,
)
from tests.server import AppServer
from tests.support.socket_client import ROOT_STATE, ProbingClient, fresh_ip
from thrust.models import Role

STRONG = "Sq!9-{}-Lift"


def secret_of(app_server: AppServer) -> str:
    return (app_server.data_dir / "jwt_secret").read_text().strip()


def me(app_server: AppServer, token: str) -> httpx.Response:
    return httpx.get(
        f"{app_server.url}/api/v1/auth/me",
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": fresh_ip()},
        timeout=30,
    )


def refresh(app_server: AppServer, token: str) -> httpx.Response:
    return httpx.post(
        f"{app_server.url}/api/v1/auth/refresh",
        json={"refreshToken": token},
        headers={"X-Forwarded-For": fresh_ip()},
        timeout=30,
    )


def assert_unauthorized(response: httpx.Response, what: str) -> None:
    assert response.status_code == 401, f"{what}: {response.status_code} {response.text[:300]}"
    error = response.json()["error"]
    assert error["code"] == "UNAUTHORIZED", f"{what}: {error}"
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["requestId"], str) and error["requestId"]


def signup(app_server: AppServer, server_db: Database) -> Account:
    """A brand-new MEMBER account (its own password, so changing it disturbs no other test)."""
    tag = uuid.uuid4().hex[:10]
    email = f"sec.{tag}@example.com"
    password = STRONG.format(tag[:4])
    response = httpx.post(
        f"{app_server.url}/api/v1/auth/signup",
        json={"email": email, "password": password, "fullName": f"Security Test {tag}"},
        headers={"X-Forwarded-For": fresh_ip()},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    user = data["user"]
    return Account(email, password, Role(user["role"]), user["id"], data["accessToken"], data["refreshToken"])


# -- forged or misused tokens ---------------------------------------------------------------------------

ACCESS_ATTACKS: dict[str, Callable[[Account, str], str]] = {
    "expired": lambda a, key: forge(a.access, key, **expired_claims()),
    "tampered signature": lambda a, key: tampered(a.access),
    "alg none": lambda a, key: unsigned(a.access),
    "alg none, no typ check": lambda a, key: unsigned(a.access, typ="access"),
    "another key": lambda a, key: forge(a.access, "not-the-server-key-" + "x" * 40),
    "wrong header typ (JWT)": lambda a, key: forge(a.access, key, header={"typ": "JWT"}),
    "wrong header typ (refresh)": lambda a, key: forge(a.access, key, header={"typ": "refresh+jwt"}),
    "wrong typ claim": lambda a, key: forge(a.access, key, typ="refresh"),
    "wrong audience": lambda a, key: forge(a.access, key, aud="thrust-refresh"),
    "wrong issuer": lambda a, key: forge(a.access, key, iss="someone-else"),
    "role raised in the claims": lambda a, key: forge(a.access, key, sid=str(uuid.uuid4()), role="ADMIN"),
    "refresh token used as access": lambda a, key: a.refresh,
    "garbage": lambda a, key: "not.a.jwt",
}


@pytest.mark.parametrize("attack", list(ACCESS_ATTACKS))
def test_a_forged_or_misused_access_token_is_refused(attack: str, app_server: AppServer, cast: Cast) -> None:
    assert me(app_server, cast.member.access).status_code == 200  # the genuine one works
    token = ACCESS_ATTACKS[attack](cast.member, secret_of(app_server))
    assert_unauthorized(me(app_server, token), attack)
    # The same token as the browser's cookie, on a state-changing route (with a trusted Origin).
    response = httpx.patch(
        f"{app_server.url}/api/v1/settings/profile",
        json={"fullName": "Forged Token"},
        headers={"Cookie": f"thrust_access={token}", "Origin": app_server.url, "X-Forwarded-For": fresh_ip()},
        timeout=30,
    )
    assert_unauthorized(response, f"{attack} (cookie)")


def test_a_role_raised_in_a_validly_signed_token_gives_no_rights(app_server: AppServer, cast: Cast) -> None:
    """Even with the signing key, the role comes from the database, not from the token."""
    token = forge(cast.member.access, secret_of(app_server), role="ADMIN")
    response = me(app_server, token)
    assert response.status_code == 200 and response.json()["data"]["role"] == "MEMBER", response.text
    staff = httpx.get(
        f"{app_server.url}/api/v1/staff", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert staff.status_code == 403, staff.text


REFRESH_ATTACKS: dict[str, Callable[[Account, str], str]] = {
    "access token used as refresh": lambda a, key: a.access,
    "expired": lambda a, key: forge(a.refresh, key, **expired_claims()),
    "tampered signature": lambda a, key: tampered(a.refresh),
    "alg none": lambda a, key: unsigned(a.refresh),
    "wrong header typ": lambda a, key: forge(a.refresh, key, header={"typ": "at+jwt"}),
    "wrong typ claim": lambda a, key: forge(a.refresh, key, typ="access"),
    "wrong audience": lambda a, key: forge(a.refresh, key, aud="thrust-api"),
    "another token id": lambda a, key: forge(a.refresh, key, tokenId=str(uuid.uuid4())),
}


@pytest.mark.parametrize("attack", list(REFRESH_ATTACKS))
def test_a_forged_or_misused_refresh_token_is_refused(
    attack: str, app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    # A session of its own: a refresh token with a stale token id ends its session (reuse detection).
    account = sign_in_account(app_server.url, server_db, cast.member.email, cast.member.password)
    token = REFRESH_ATTACKS[attack](account, secret_of(app_server))
    assert_unauthorized(refresh(app_server, token), attack)


# -- sessions that ended ------------------------------------------------------------------------------


def test_a_reused_refresh_token_ends_its_whole_family(app_server: AppServer, server_db: Database) -> None:
    account = signup(app_server, server_db)
    first = refresh(app_server, account.refresh)
    assert first.status_code == 200, first.text
    second_access, second_refresh = first.json()["data"]["accessToken"], first.json()["data"]["refreshToken"]
    assert me(app_server, second_access).status_code == 200

    assert_unauthorized(refresh(app_server, account.refresh), "the rotated-out refresh token, replayed")
    # The replay revoked the session: the thief's and the owner's newer tokens are dead too.
    assert_unauthorized(refresh(app_server, second_refresh), "the newest refresh token after a replay")
    assert_unauthorized(me(app_server, second_access), "the newest access token after a replay")
    assert_unauthorized(me(app_server, account.access), "the first access token after a replay")


def test_tokens_are_dead_after_logout(app_server: AppServer, server_db: Database) -> None:
    account = signup(app_server, server_db)
    response = httpx.post(
        f"{app_server.url}/api/v1/auth/logout",
        headers={**account.bearer, "X-Forwarded-For": fresh_ip()},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert_unauthorized(me(app_server, account.access), "access after logout")
    assert_unauthorized(refresh(app_server, account.refresh), "refresh after logout")


def test_a_password_change_ends_the_other_sessions(app_server: AppServer, server_db: Database) -> None:
    first = signup(app_server, server_db)
    other = sign_in_account(app_server.url, server_db, first.email, first.password)
    new_password = STRONG.format("new!")
    response = httpx.patch(
        f"{app_server.url}/api/v1/settings/password",
        json={"currentPassword": first.password, "newPassword": new_password},
        headers={**first.bearer, "X-Forwarded-For": fresh_ip()},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert_unauthorized(me(app_server, other.access), "the other session's access token")
    assert_unauthorized(refresh(app_server, other.refresh), "the other session's refresh token")
    assert me(app_server, first.access).status_code == 200  # the session that changed it stays
    assert api_login(app_server.url, first.email, first.password).status_code == 401


def test_deactivating_an_account_ends_its_sessions_at_once(
    app_server: AppServer, server_db: Database, cast: Cast
) -> None:
    tag = uuid.uuid4().hex[:10]
    email, password = f"sec.staff.{tag}@thrust.com", STRONG.format(tag[:4])
    admin = {**cast.admin.bearer, "X-Forwarded-For": fresh_ip()}
    created = httpx.post(
        f"{app_server.url}/api/v1/staff",
        json={"email": email, "password": password, "fullName": f"Temp Trainer {tag}", "role": "TRAINER"},
        headers=admin,
        timeout=60,
    )
    assert created.status_code == 201, created.text
    trainer = sign_in_account(app_server.url, server_db, email, password)
    desk = f"{ROOT_STATE}.thrust___checkins___state____front_desk_state.open_desk"

    async def scenario() -> None:
        socket = ProbingClient(app_server.url, cookie=trainer.cookie)
        await socket.connect("/front-desk")
        try:
            assert not refusals(await socket.call(desk)), "control: the trainer may open the desk"
            async with httpx.AsyncClient(timeout=30) as http:
                url = f"{app_server.url}/api/v1/staff/{trainer.user_id}"
                response = await http.patch(url, json={"isActive": False}, headers=admin)
            assert response.status_code == 200, response.text
            # The open socket's next event finds the session ended.
            assert "session-ended toast" in refusals(await socket.call(desk))
        finally:
            await socket.close()

    asyncio.run(scenario())
    assert_unauthorized(me(app_server, trainer.access), "access after deactivation")
    assert_unauthorized(refresh(app_server, trainer.refresh), "refresh after deactivation")
    assert api_login(app_server.url, email, password).status_code in (401, 403)
