"""Accounts cannot be discovered or locked, over HTTP, on both servers: the session's (SQLite, limits in
process) and the cluster (PostgreSQL, two workers, limits in Redis).

- An account with no password yet answers a sign-in exactly like an unknown email, in the same time.
- Signing up with taken emails is limited per address like failed sign-ins (429).
- Failing on purpose cannot lock the owner out: a browser that signed in before (its device cookie) is
  not held to the per-account limit; its address still is. IPv6 clients are limited per /64.
- bcrypt never runs inside a transaction, on any path that hashes or checks a password (the server logs
  it if one does; see thrust/core/security.py).
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest

from tests.security.support import api_login, toasts
from tests.server import Server
from tests.support.socket_client import ProbingClient, fresh_ip, handler_name, sign_in
from thrust.core.security import INSIDE_TRANSACTION

ADMIN = ("admin@thrust.com", "Admin123!")
PASSWORD = "Quiet-Harbor-2026!"
NEW_PASSWORD = "Copper-Lantern-77?"
WRONG = "Wrong-Password-1!"
ACCOUNT_LIMIT = 100  # failed sign-ins per account per hour (thrust/auth/service.py)
ADDRESS_LIMIT = 5  # failed sign-ins per address per 15 minutes
SIGNUP_LIMIT = 20  # sign-up attempts per address per hour
DEVICE_COOKIE = "thrust_device"


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> Server:
    """Each test runs on the SQLite server and on the PostgreSQL cluster (Redis-backed limits)."""
    return request.getfixturevalue("app_server" if request.param == "sqlite" else "redis_cluster")


def _email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def _signup(url: str, email: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/auth/signup",
        json={"email": email, "password": password, "fullName": "Probe Person"},
        headers={"X-Forwarded-For": fresh_ip()},
        timeout=60,
    )


def _cookie_login(
    url: str, email: str, password: str, *, ip: str, device: str | None = None
) -> httpx.Response:
    """Sign in as the browser does (cookie mode, from our own page), with its device cookie if it has one."""
    headers = {"Origin": url, "X-Forwarded-For": ip}
    if device is not None:
        headers["Cookie"] = f"{DEVICE_COOKIE}={device}"
    return httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": email, "password": password, "useCookies": True},
        headers=headers,
        timeout=60,
    )


def _device_cookie(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The device cookie a response set, and its attributes (lower-cased names)."""
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if DEVICE_COOKIE in jar:
            morsel = jar[DEVICE_COOKIE]
            attributes = {k: str(v) for k, v in morsel.items() if v}
            if "httponly" in header.lower():
                attributes["httponly"] = "yes"
            return morsel.value, attributes
    raise AssertionError(f"no {DEVICE_COOKIE} cookie in {response.headers.get_list('set-cookie')}")


def _admin_bearer(url: str) -> dict[str, str]:
    response = api_login(url, *ADMIN)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['accessToken']}"}


def _answer(response: httpx.Response) -> tuple[int, Any, list[str]]:
    """What a client can compare between two answers: status, body without its request id, header names."""
    body = response.json()
    body.get("error", {}).pop("requestId", None)
    names = sorted(set(response.headers) - {"date", "x-request-id", "content-length"})
    return response.status_code, body, names


# -- an account with no password yet -------------------------------------------------------------------


def test_an_account_without_a_password_answers_like_an_unknown_email(server: Server) -> None:
    admin = _admin_bearer(server.url)
    today = date.today()
    imported = _email("no-password")
    created = httpx.post(
        f"{server.url}/api/v1/members",
        json={
            "fullName": "Nora Nopass",
            "email": imported,
            "membershipTier": "BASIC",
            "membershipStart": (today - timedelta(days=10)).isoformat(),
            "membershipEnd": (today + timedelta(days=365)).isoformat(),
            "status": "ACTIVE",
        },
        headers={**admin, "X-Forwarded-For": fresh_ip()},
        timeout=60,
    )
    assert created.status_code == 201, created.text  # an account created by an admin: no password yet
    known = _email("known")
    assert _signup(server.url, known).status_code == 201

    def attempt(email: str) -> tuple[float, httpx.Response]:
        started = time.perf_counter()
        response = api_login(server.url, email, WRONG, ip=fresh_ip())
        return time.perf_counter() - started, response

    for _ in range(4):  # every worker builds its dummy hash once
        attempt(_email("warm-up"))
    timings: dict[str, list[float]] = {"no password": [], "unknown": [], "wrong password": []}
    answers = []
    for _ in range(5):  # interleaved, and the fastest of each: other load on the box only adds time
        for kind, email in (
            ("no password", imported),
            ("unknown", _email("nobody")),
            ("wrong password", known),
        ):
            took, response = attempt(email)
            timings[kind].append(took)
            answers.append(_answer(response))
    assert all(answer == answers[0] for answer in answers), answers  # one answer for every failure
    assert answers[0][0] == 401 and answers[0][1]["error"]["message"] == "Invalid email or password"
    fastest = {kind: min(values) for kind, values in timings.items()}
    # Each costs one bcrypt check (~0.25 s at 12 rounds); answering without one takes a few ms.
    assert fastest["no password"] > 0.5 * fastest["wrong password"], timings
    assert 0.5 < fastest["no password"] / fastest["unknown"] < 2.0, timings


# -- signing up with taken emails ------------------------------------------------------------------------


def test_signing_up_with_taken_emails_ends_in_429_like_failed_sign_ins(server: Server) -> None:
    prober = fresh_ip()

    def signup_from(ip: str, email: str) -> httpx.Response:
        return httpx.post(
            f"{server.url}/api/v1/auth/signup",
            json={"email": email, "password": PASSWORD, "fullName": "Probe Person"},
            headers={"X-Forwarded-For": ip},
            timeout=60,
        )

    for n in range(SIGNUP_LIMIT):
        taken = signup_from(prober, ADMIN[0])
        assert taken.status_code == 409, (n, taken.text)
    refused = signup_from(prober, ADMIN[0])
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert int(refused.headers["Retry-After"]) > 60
    # Refused before the email was looked up: a free email from that address is refused the same way.
    assert signup_from(prober, _email("free")).status_code == 429
    assert signup_from(fresh_ip(), ADMIN[0]).status_code == 409  # other addresses are not affected


# -- the owner cannot be locked out ------------------------------------------------------------------------


def _exhaust_account_limit(url: str, email: str) -> None:
    """Fail ACCOUNT_LIMIT times from many addresses (a few each, under the per-address limit)."""

    def fail(n: int) -> int:
        while True:
            response = api_login(url, email, f"{WRONG}{n}", ip=fresh_ip())
            if response.status_code == 429 and response.headers.get("Retry-After") == "1":
                time.sleep(0.2)  # refused only because of attempts still in flight
                continue
            return response.status_code

    with ThreadPoolExecutor(max_workers=4) as pool:  # the cluster checks up to 4 at once (2 workers x 2 CPUs)
        statuses = list(pool.map(fail, range(ACCOUNT_LIMIT)))
    assert statuses == [401] * ACCOUNT_LIMIT, sorted(set(statuses))


@pytest.mark.slow
def test_failing_on_purpose_cannot_lock_out_a_browser_that_signed_in_before(redis_cluster: Server) -> None:
    """On the cluster only (Redis limits, two workers): 100 bcrypt checks are the cost of this test. The
    in-process limits are checked the same way at service level (tests/auth/test_ratelimit.py)."""
    server = redis_cluster
    owner, stranger = _email("owner"), _email("stranger")
    assert _signup(server.url, owner).status_code == 201
    assert _signup(server.url, stranger).status_code == 201
    home = fresh_ip()
    signed_in = _cookie_login(server.url, owner, PASSWORD, ip=home)
    assert signed_in.status_code == 200, signed_in.text
    device, attributes = _device_cookie(signed_in)
    assert "httponly" in attributes and attributes.get("samesite", "").lower() == "strict", attributes
    assert int(attributes["max-age"]) >= 180 * 24 * 3600 and attributes["path"] == "/api/v1/auth", attributes
    strangers_device, _ = _device_cookie(_cookie_login(server.url, stranger, PASSWORD, ip=fresh_ip()))

    _exhaust_account_limit(server.url, owner)
    locked = api_login(server.url, owner, WRONG, ip=fresh_ip())
    assert locked.status_code == 429 and "for this account" in locked.json()["error"]["message"]

    # Without the owner's device cookie the right password is refused too: the limit holds.
    forged = device[:-4] + ("AAAA" if not device.endswith("AAAA") else "BBBB")
    for cookie in (None, strangers_device, forged):
        refused = _cookie_login(server.url, owner, PASSWORD, ip=fresh_ip(), device=cookie)
        assert refused.status_code == 429, (cookie, refused.text)
        assert "set-cookie" not in refused.headers

    # The owner's browser signs in.
    back = _cookie_login(server.url, owner, PASSWORD, ip=home, device=device)
    assert back.status_code == 200, back.text
    assert back.json()["data"]["user"]["email"] == owner

    # Its address is still limited: five failures from it, and even the owner waits.
    for _ in range(ADDRESS_LIMIT):
        assert _cookie_login(server.url, owner, WRONG, ip=home, device=device).status_code == 401
    waiting = _cookie_login(server.url, owner, PASSWORD, ip=home, device=device)
    assert waiting.status_code == 429 and "from your network" in waiting.json()["error"]["message"]


def test_ipv6_clients_are_limited_per_64(server: Server) -> None:
    network = f"2001:db8:{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    for n in range(1, ADDRESS_LIMIT + 1):  # a different address of the same /64 each time
        failed = api_login(server.url, _email("nobody"), WRONG, ip=f"{network}::{n:x}")
        assert failed.status_code == 401, failed.text
    rotated = api_login(server.url, _email("nobody"), WRONG, ip=f"{network}:ffff:ffff:ffff:fffe")
    assert rotated.status_code == 429, rotated.text
    assert rotated.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    neighbour = f"2001:db8:{secrets.token_hex(2)}:{secrets.token_hex(2)}::1"  # another subscriber
    assert api_login(server.url, _email("nobody"), WRONG, ip=neighbour).status_code == 401


# -- bcrypt outside transactions -----------------------------------------------------------------------------


async def _through_the_socket(server: Server, member: str, trainer: str) -> list[str]:
    """Change a password and add a staff account through the app's forms (the Reflex socket)."""
    said: list[str] = []
    member_cookie = sign_in(server.url, member, PASSWORD, ip=fresh_ip())
    admin_cookie = sign_in(server.url, *ADMIN, ip=fresh_ip())
    from thrust.auth.account_state import AccountPasswordState
    from thrust.staff.state import StaffState

    for cookie, event, form in (
        (
            member_cookie,
            handler_name(AccountPasswordState.change_password),
            {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD, "repeatPassword": NEW_PASSWORD},
        ),
        (
            admin_cookie,
            handler_name(StaffState.add_staff),
            {"fullName": "Tara Trainer", "email": trainer, "role": "TRAINER", "password": PASSWORD},
        ),
    ):
        client = ProbingClient(server.url, cookie=cookie)
        await client.connect("/settings")
        try:
            said += toasts(await client.call(event, {"form_data": form}))
        finally:
            await client.close()
    return said


def test_no_password_is_hashed_or_checked_inside_a_transaction(server: Server) -> None:
    log = server.data_dir / "server.log"
    member, trainer, staff = _email("member"), _email("trainer"), _email("staff")
    # Every path that hashes or checks a password, through the API...
    assert _signup(server.url, member).status_code == 201
    assert api_login(server.url, member, WRONG, ip=fresh_ip()).status_code == 401
    assert api_login(server.url, _email("nobody"), WRONG, ip=fresh_ip()).status_code == 401
    signed_in = api_login(server.url, member, PASSWORD, ip=fresh_ip())
    assert signed_in.status_code == 200
    bearer = {
        "Authorization": f"Bearer {signed_in.json()['data']['accessToken']}",
        "X-Forwarded-For": fresh_ip(),
    }
    wrong = httpx.patch(
        f"{server.url}/api/v1/settings/password",
        json={"currentPassword": WRONG, "newPassword": NEW_PASSWORD},
        headers=bearer,
        timeout=60,
    )
    assert wrong.status_code == 400, wrong.text
    changed = httpx.patch(
        f"{server.url}/api/v1/settings/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers=bearer,
        timeout=60,
    )
    assert changed.status_code == 200, changed.text
    added = httpx.post(
        f"{server.url}/api/v1/staff",
        json={"email": staff, "password": PASSWORD, "fullName": "Sam Staff", "role": "TRAINER"},
        headers={**_admin_bearer(server.url), "X-Forwarded-For": fresh_ip()},
        timeout=60,
    )
    assert added.status_code == 201, added.text
    # ...and through the forms.
    socket_member = _email("socket-member")
    assert _signup(server.url, socket_member).status_code == 201
    said = asyncio.run(_through_the_socket(server, socket_member, trainer))
    assert len(said) == 2 and "Password changed" in said[0] and "can now sign in" in said[1], said
    for email, password in ((socket_member, NEW_PASSWORD), (trainer, PASSWORD), (member, NEW_PASSWORD)):
        assert api_login(server.url, email, password, ip=fresh_ip()).status_code == 200, email

    # The server logs (with a stack) every hash or check made while a transaction was open.
    logged = log.read_text(errors="replace").splitlines()
    offending = [n for n, line in enumerate(logged) if INSIDE_TRANSACTION in line]
    assert not offending, "\n".join("\n".join(logged[n : n + 30]) for n in offending[:2])
