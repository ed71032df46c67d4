"""Login rate limit over the real transport (the running server's in-process limiter): five failures
from one address lock that address before any password check; other addresses are unaffected.
Both backends (in-process and Redis) are covered at service level in tests/auth/test_ratelimit.py.
"""

from __future__ import annotations

from tests.security.conftest import MEMBER_PASSWORD, Cast
from tests.security.support import Database, api_login, db_changes
from tests.server import AppServer
from tests.support.socket_client import fresh_ip


def test_five_failed_logins_lock_the_address_before_any_password_check(
    app_server: AppServer, server_db: Database, cast: Cast
) -> None:
    used = {cast.member.email, cast.victim.email, cast.stranger.email}
    emails = [
        row[0] for row in server_db.query("SELECT email FROM users WHERE role = 'MEMBER' ORDER BY email DESC")
    ]
    email, other_email = [e for e in emails if e not in used][:2]
    attacker = fresh_ip()

    for attempt in range(5):
        response = api_login(app_server.url, email, f"Wrong-{attempt}-password!", ip=attacker)
        assert response.status_code == 401, (attempt, response.text)
        assert response.json()["error"]["code"] == "UNAUTHORIZED"

    before = server_db.snapshot()
    for who in (email, other_email):  # the right password, and another account, from the locked address
        locked = api_login(app_server.url, who, MEMBER_PASSWORD, ip=attacker)
        assert locked.status_code == 429, locked.text
        assert locked.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        retry_after = locked.headers.get("Retry-After", "")
        assert retry_after.isdigit() and int(retry_after) > 0, locked.headers
        assert "accessToken" not in locked.text and "set-cookie" not in locked.headers
    # Refused before the password was checked: no session started, no sign-in recorded.
    assert db_changes(before, server_db.snapshot()) == []

    elsewhere = api_login(app_server.url, email, MEMBER_PASSWORD, ip=fresh_ip())
    assert elsewhere.status_code == 200, elsewhere.text
