"""Cross-site requests: a page on another origin riding the user's cookies.

Cookie-authenticated writes need an allowed Origin (or Referer); CORS never grants a foreign origin
credentials; the socket handshake from a foreign origin is refused (with the cookie it would otherwise
be a cross-site websocket hijack). Allowed origins come from settings (THRUST_PUBLIC_URL here).
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
import socketio

from tests.security.conftest import Cast
from tests.security.support import Account, Database, db_changes, sign_in_account
from tests.server import AppServer
from tests.support.socket_client import ROOT_STATE, ProbingClient, fresh_ip
from thrust.auth.deps import CROSS_SITE_REFUSED

EVIL = "https://evil.example"


def cookie_request(
    app_server: AppServer, account: Account, method: str, path: str, body: object, **headers: str
) -> httpx.Response:
    return httpx.request(
        method,
        f"{app_server.url}{path}",
        json=body,
        headers={"Cookie": account.cookie, "X-Forwarded-For": fresh_ip(), **headers},
        timeout=30,
    )


def _writes(cast: Cast) -> list[tuple[Account, str, str, object]]:
    """Real, valid writes: if the origin check failed, they would change data."""
    inside = {"memberId": cast.victim.member_id}
    return [
        (cast.member, "PATCH", "/api/v1/settings/profile", {"fullName": "Renamed From Evil"}),
        (cast.trainer, "POST", "/api/v1/check-ins", inside),
        (cast.admin, "PATCH", "/api/v1/settings/gym", {"maxCapacity": 1}),
        (
            cast.admin,
            "POST",
            "/api/v1/members/bulk-action",
            {"action": "freeze", "memberIds": [cast.victim.member_id]},
        ),
    ]


@pytest.mark.parametrize(
    "headers",
    [{"Origin": EVIL}, {"Referer": f"{EVIL}/page"}, {}, {"Origin": "null"}],
    ids=["foreign-origin", "foreign-referer", "no-origin", "null-origin"],
)
def test_a_cookie_authenticated_write_from_another_site_is_refused(
    headers: dict[str, str], app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    for account, method, path, body in _writes(cast):
        before = server_db.snapshot()
        response = cookie_request(app_server, account, method, path, body, **headers)
        assert response.status_code == 403, (method, path, response.text)
        error = response.json()["error"]
        assert (error["code"], error["message"]) == ("FORBIDDEN", CROSS_SITE_REFUSED)
        assert db_changes(before, server_db.snapshot()) == [], (method, path)


def test_the_same_cookie_write_from_our_own_origin_passes_the_check(
    app_server: AppServer, cast: Cast
) -> None:
    """Control: the cookie is good; only the origin made the difference (an invalid body: no change)."""
    response = cookie_request(
        app_server, cast.member, "PATCH", "/api/v1/settings/profile", {"email": "no"}, Origin=app_server.url
    )
    assert response.status_code in (400, 422), response.text


def test_signing_in_with_cookies_from_another_site_is_refused(app_server: AppServer, cast: Cast) -> None:
    """Login CSRF: a foreign page must not sign the browser into an account of the attacker's."""
    response = httpx.post(
        f"{app_server.url}/api/v1/auth/login",
        json={"email": cast.member.email, "password": cast.member.password, "useCookies": True},
        headers={"Origin": EVIL, "X-Forwarded-For": fresh_ip()},
        timeout=60,
    )
    assert response.status_code == 403, response.text
    assert "set-cookie" not in response.headers


def test_signing_out_or_refreshing_with_cookies_from_another_site_is_refused(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    """A foreign page can neither end the user's session (logout CSRF) nor rotate its tokens."""
    account = sign_in_account(app_server.url, server_db, cast.member.email, cast.member.password)
    cookies = f"{account.cookie}; thrust_refresh={account.refresh}"
    for path in ("/api/v1/auth/logout", "/api/v1/auth/refresh"):
        response = httpx.post(
            f"{app_server.url}{path}",
            headers={"Cookie": cookies, "Origin": EVIL, "X-Forwarded-For": fresh_ip()},
            timeout=30,
        )
        assert response.status_code == 403, (path, response.text)
        assert "set-cookie" not in response.headers, path
    still = httpx.get(f"{app_server.url}/api/v1/auth/me", headers=account.bearer, timeout=30)
    assert still.status_code == 200, "the session survived the cross-site attempts"


def test_cors_never_grants_a_foreign_origin_credentials(app_server: AppServer, cast: Cast) -> None:
    preflight = httpx.options(
        f"{app_server.url}/api/v1/settings/profile",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.headers.get("access-control-allow-origin") not in (EVIL, "*"), preflight.headers
    read = httpx.get(
        f"{app_server.url}/api/v1/auth/me",
        headers={"Origin": EVIL, "Cookie": cast.member.cookie, "X-Forwarded-For": fresh_ip()},
        timeout=30,
    )
    assert read.headers.get("access-control-allow-origin") not in (EVIL, "*"), read.headers
    ours = httpx.options(
        f"{app_server.url}/api/v1/settings/profile",
        headers={"Origin": app_server.url, "Access-Control-Request-Method": "PATCH"},
        timeout=30,
    )
    assert ours.headers.get("access-control-allow-origin") == app_server.url  # control


def test_the_socket_handshake_from_another_site_is_refused(app_server: AppServer, cast: Cast) -> None:
    auth = f"{ROOT_STATE}.thrust___auth___state____auth_state"

    async def scenario() -> None:
        hijack = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        try:
            await hijack.connect_from(EVIL)
        except socketio.exceptions.ConnectionError:
            pass  # refused at the handshake
        else:
            # Connected anyway: it must receive nothing of the admin's.
            await asyncio.sleep(1.0)
            seen = hijack.seen()
            assert cast.admin.email not in seen and cast.admin.full_name not in seen
            assert hijack.mirror.get(auth, {}).get("is_authenticated") is not True
        finally:
            await hijack.close()
        # Control: the same cookie from our own origin is signed in.
        ours = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        await ours.connect("/")
        try:
            assert ours.mirror[auth]["is_authenticated"] is True
        finally:
            await ours.close()

    asyncio.run(scenario())
