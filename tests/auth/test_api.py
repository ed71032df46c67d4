"""Auth and settings over HTTP: shapes, cookies, CSRF, 401/403/400/409/422/429."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.auth.helpers import NEW_PASSWORD, PASSWORD, make_account
from tests.auth.helpers import api_error as _error
from tests.auth.helpers import api_login as _login
from tests.auth.helpers import bearer as _bearer
from thrust.api import build_api
from thrust.auth.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from thrust.core.settings import get_settings
from thrust.models import Role

ORIGIN = "http://localhost:3000"  # the default public URL
EVIL = "https://evil.example"
PUBLIC_ROUTES = {
    ("POST", "/api/v1/auth/signup"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/ready"),
    ("GET", "/api/v1/reminders/unsubscribe"),
    ("POST", "/api/v1/reminders/unsubscribe"),
    ("GET", "/api/v1/public/occupancy"),  # how busy the gym is, once the gym switches it on
}


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(build_api())


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    def set_env(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield set_env
    get_settings.cache_clear()


def _set_cookies(response: object) -> dict[str, str]:
    """Set-Cookie headers by cookie name (raw header text, lower-cased)."""
    out = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]  # a TestClient response, typed loosely here
        out[header.split("=", 1)[0]] = header.lower()
    return out


# -- every route is authenticated unless declared public ------------------------------------------------


def test_every_non_public_route_refuses_anonymous_callers(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    checked = 0
    for path, methods in paths.items():
        for method in methods:
            if (method.upper(), path) in PUBLIC_ROUTES:
                continue
            url = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
            response = client.request(method.upper(), url, json={})
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"]["code"] == "UNAUTHORIZED"
            checked += 1
    assert checked >= 7


# -- login ---------------------------------------------------------------------------------------------


def test_login_returns_the_seed_shape(client: TestClient, db: Session) -> None:
    user = make_account(db, Role.TRAINER, full_name="Kim Lee")
    response = client.post("/api/v1/auth/login", json={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    data = response.json()["data"]
    assert set(data) == {"user", "accessToken", "refreshToken", "expiresIn"}
    assert data["user"] == {
        "id": str(user.id),
        "email": user.email,
        "role": "TRAINER",
        "fullName": "Kim Lee",
        "phone": None,
    }
    assert data["expiresIn"] == 86400
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {data['accessToken']}"})
    assert me.status_code == 200 and me.json()["data"]["id"] == str(user.id)


def test_cookie_mode_sets_httponly_cookies_and_hides_the_tokens(client: TestClient, db: Session) -> None:
    user = make_account(db)
    response = client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD, "useCookies": True},
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"user", "expiresIn"}
    assert "accessToken" not in response.text and "refreshToken" not in response.text
    cookies = _set_cookies(response)
    access, refresh = cookies[ACCESS_COOKIE], cookies[REFRESH_COOKIE]
    for expected in ("httponly", "samesite=lax", "path=/;", "max-age=86400"):
        assert expected in access + ";"
    for expected in ("httponly", "samesite=strict", "path=/api/v1/auth", f"max-age={30 * 86400}"):
        assert expected in refresh
    assert "secure" not in access  # http:// public URL
    # The browser is now signed in by cookie alone.
    assert client.get("/api/v1/auth/me").json()["data"]["email"] == user.email


def test_cookies_are_secure_under_https(client: TestClient, db: Session, env: Callable) -> None:
    env("THRUST_PUBLIC_URL", "https://gym.example.com")
    user = make_account(db)
    response = client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD, "useCookies": True},
        headers={"Origin": "https://gym.example.com"},
    )
    assert response.status_code == 200
    assert all("; secure" in header for header in _set_cookies(response).values())


@pytest.mark.parametrize("headers", [{}, {"Origin": EVIL}, {"Origin": "null"}, {"Referer": f"{EVIL}/login"}])
def test_cookie_login_needs_our_origin(client: TestClient, db: Session, headers: dict[str, str]) -> None:
    user = make_account(db)
    response = client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD, "useCookies": True},
        headers=headers,
    )
    _error(response, 403, "FORBIDDEN")
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("email", "password"), [("known@example.com", "Wrong-Password-1"), ("nobody@example.com", PASSWORD)]
)
def test_login_failures_are_401_with_one_message(
    client: TestClient, db: Session, email: str, password: str
) -> None:
    make_account(db, email="known@example.com")
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert _error(response, 401, "UNAUTHORIZED")["message"] == "Invalid email or password"


def test_login_body_is_validated(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"email": "a@example.com", "pasword": "x"})
    error = _error(response, 422, "VALIDATION_ERROR")
    assert {d["field"] for d in error["details"]} == {"password", "pasword"}


def test_the_sixth_failure_is_429_with_retry_after(client: TestClient, db: Session) -> None:
    user = make_account(db)
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"email": user.email, "password": "Wrong-Password-1"})
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    error = _error(response, 429, "RATE_LIMIT_EXCEEDED")
    assert error["message"] == "Too many failed sign-in attempts from your network. Try again in 15 minutes."
    assert 840 < int(response.headers["retry-after"]) <= 900


def test_behind_a_trusted_proxy_each_client_address_counts_apart(
    client: TestClient, db: Session, env: Callable
) -> None:
    user = make_account(db)

    def fail(forwarded: str) -> int:
        body = {"email": user.email, "password": "Wrong-Password-1"}
        return client.post(
            "/api/v1/auth/login", json=body, headers={"X-Forwarded-For": forwarded}
        ).status_code

    # Not trusted (the default): X-Forwarded-For is ignored, everyone is the proxy's address.
    assert [fail(f"198.51.100.{n}") for n in range(6)] == [401] * 5 + [429]
    env("THRUST_TRUSTED_PROXY_HOPS", "1")
    # Trusted: the right-most entry is the client; what it claims further left is not believed.
    assert [fail(f"203.0.113.1, 192.0.2.{n}") for n in range(3)] == [401] * 3
    assert [fail(f"10.{n}.0.1, 192.0.2.50") for n in range(6)] == [401] * 5 + [429]


# -- signup ---------------------------------------------------------------------------------------------


def test_signup_creates_a_member_and_signs_in(client: TestClient) -> None:
    body = {
        "email": "New@Example.com",
        "password": PASSWORD,
        "fullName": "New Member",
        "phone": "+1 555 010 9999",
    }
    response = client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["user"]["role"] == "MEMBER" and data["user"]["email"] == "new@example.com"
    assert data["user"]["phone"] == "+1 555 010 9999" and data["accessToken"] and data["refreshToken"]
    again = client.post("/api/v1/auth/signup", json=body)
    assert _error(again, 409, "CONFLICT")["details"] == [
        {"field": "email", "message": "An account with this email already exists"}
    ]


def test_signup_validation_names_every_field(client: TestClient) -> None:
    body = {"email": "nope", "password": "pass", "fullName": "", "phone": "12"}
    error = _error(client.post("/api/v1/auth/signup", json=body), 422, "VALIDATION_ERROR")
    assert {d["field"] for d in error["details"]} == {"email", "password", "fullName", "phone"}
    # The rules the document states in words are the service's: 400, naming the field.
    common = {"email": "new@example.com", "password": "Password1!", "fullName": "New Member"}
    error = _error(client.post("/api/v1/auth/signup", json=common), 400, "VALIDATION_ERROR")
    assert {d["field"] for d in error["details"]} == {"password"}


def test_signup_in_cookie_mode(client: TestClient) -> None:
    body = {"email": "c@example.com", "password": PASSWORD, "fullName": "C", "useCookies": True}
    response = client.post("/api/v1/auth/signup", json=body, headers={"Origin": ORIGIN})
    assert response.status_code == 201 and "accessToken" not in response.json()["data"]
    assert {ACCESS_COOKIE, REFRESH_COOKIE} <= set(_set_cookies(response))


# -- refresh and logout --------------------------------------------------------------------------------------


def test_refresh_rotates_and_a_reused_token_ends_the_session(client: TestClient, db: Session) -> None:
    user = make_account(db)
    first = _login(client, user)
    response = client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert response.status_code == 200
    second = response.json()["data"]
    assert second["refreshToken"] != first["refreshToken"] and second["user"]["id"] == str(user.id)
    reused = client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    _error(reused, 401, "UNAUTHORIZED")
    _error(
        client.post("/api/v1/auth/refresh", json={"refreshToken": second["refreshToken"]}),
        401,
        "UNAUTHORIZED",
    )
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {second['accessToken']}"})
    _error(me, 401, "UNAUTHORIZED")


def test_refresh_refuses_an_access_token_and_needs_a_token(client: TestClient, db: Session) -> None:
    tokens = _login(client, make_account(db))
    _error(
        client.post("/api/v1/auth/refresh", json={"refreshToken": tokens["accessToken"]}), 401, "UNAUTHORIZED"
    )
    _error(client.post("/api/v1/auth/refresh"), 401, "UNAUTHORIZED")


def test_refresh_by_cookie(client: TestClient, db: Session) -> None:
    user = make_account(db)
    login = {"email": user.email, "password": PASSWORD, "useCookies": True}
    client.post("/api/v1/auth/login", json=login, headers={"Origin": ORIGIN})
    old_access = client.cookies.get(ACCESS_COOKIE)
    _error(client.post("/api/v1/auth/refresh", headers={"Origin": EVIL}), 403, "FORBIDDEN")
    response = client.post("/api/v1/auth/refresh", headers={"Origin": ORIGIN})
    assert response.status_code == 200 and "accessToken" not in response.json()["data"]
    assert client.cookies.get(ACCESS_COOKIE) != old_access


def test_logout_by_bearer_ends_the_session(client: TestClient, db: Session) -> None:
    tokens = _login(client, make_account(db))
    auth = {"Authorization": f"Bearer {tokens['accessToken']}"}
    response = client.post("/api/v1/auth/logout", headers=auth)
    assert response.status_code == 200 and response.json() == {"data": {"signedOut": True}}
    _error(client.get("/api/v1/auth/me", headers=auth), 401, "UNAUTHORIZED")
    _error(
        client.post("/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}),
        401,
        "UNAUTHORIZED",
    )


def test_logout_by_cookie_ends_the_session_and_clears_cookies(client: TestClient, db: Session) -> None:
    user = make_account(db)
    login = {"email": user.email, "password": PASSWORD, "useCookies": True}
    client.post("/api/v1/auth/login", json=login, headers={"Origin": ORIGIN})
    access = client.cookies.get(ACCESS_COOKIE)
    _error(client.post("/api/v1/auth/logout"), 403, "FORBIDDEN")  # no Origin: could be a forged form
    response = client.post("/api/v1/auth/logout", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    cleared = _set_cookies(response)
    assert "max-age=0" in cleared[ACCESS_COOKIE] and "path=/api/v1/auth" in cleared[REFRESH_COOKIE]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"})
    _error(me, 401, "UNAUTHORIZED")


def test_logout_with_nothing_is_still_200(client: TestClient) -> None:
    assert client.post("/api/v1/auth/logout").status_code == 200


# -- authentication and CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "Bearer not.a.jwt", "Token x"])
def test_bad_authorization_headers_are_401(client: TestClient, header: str) -> None:
    _error(client.get("/api/v1/auth/me", headers={"Authorization": header}), 401, "UNAUTHORIZED")


def test_a_refresh_token_is_not_a_bearer_token(client: TestClient, db: Session) -> None:
    tokens = _login(client, make_account(db))
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['refreshToken']}"})
    _error(me, 401, "UNAUTHORIZED")


def test_cookie_authenticated_changes_need_our_origin(client: TestClient, db: Session) -> None:
    user = make_account(db)
    login = {"email": user.email, "password": PASSWORD, "useCookies": True}
    client.post("/api/v1/auth/login", json=login, headers={"Origin": ORIGIN})
    patch = {"fullName": "Changed Name"}
    for headers in ({}, {"Origin": EVIL}, {"Referer": f"{EVIL}/x"}):
        _error(client.patch("/api/v1/settings/profile", json=patch, headers=headers), 403, "FORBIDDEN")
    assert client.get("/api/v1/auth/me").status_code == 200  # reads need no Origin
    ok = client.patch("/api/v1/settings/profile", json=patch, headers={"Referer": f"{ORIGIN}/settings"})
    assert ok.status_code == 200 and ok.json()["data"]["fullName"] == "Changed Name"
    assert client.patch("/api/v1/settings/profile", json=patch, headers={"Origin": ORIGIN}).status_code == 200


def test_bearer_requests_need_no_origin(client: TestClient, db: Session) -> None:
    auth = _bearer(client, make_account(db))
    response = client.patch("/api/v1/settings/profile", json={"fullName": "Api User"}, headers=auth)
    assert response.status_code == 200


# -- profile and password ------------------------------------------------------------------------------------


def test_profile_patch(client: TestClient, db: Session) -> None:
    user = make_account(db, Role.MEMBER)
    auth = _bearer(client, user)
    response = client.patch(
        "/api/v1/settings/profile", json={"fullName": "Ana Ruiz", "phone": "+34 612 345 678"}, headers=auth
    )
    assert response.status_code == 200
    assert response.json()["data"] | {"id": None} == {
        "id": None,
        "email": user.email,
        "role": "MEMBER",
        "fullName": "Ana Ruiz",
        "phone": "+34 612 345 678",
    }
    cleared = client.patch("/api/v1/settings/profile", json={"phone": None}, headers=auth)
    assert cleared.json()["data"]["phone"] is None
    bad = client.patch("/api/v1/settings/profile", json={"email": "nope", "fullName": ""}, headers=auth)
    assert {d["field"] for d in _error(bad, 422, "VALIDATION_ERROR")["details"]} == {"email", "fullName"}
    _error(client.patch("/api/v1/settings/profile", json={}, headers=auth), 422, "VALIDATION_ERROR")
    _error(
        client.patch("/api/v1/settings/profile", json={"role": "ADMIN"}, headers=auth),
        422,
        "VALIDATION_ERROR",
    )


def test_password_change_over_http(client: TestClient, db: Session) -> None:
    user = make_account(db)
    here, elsewhere = _bearer(client, user), _bearer(client, user)
    wrong = client.patch(
        "/api/v1/settings/password",
        json={"currentPassword": "Wrong-Password-1", "newPassword": NEW_PASSWORD},
        headers=here,
    )
    assert _error(wrong, 400, "VALIDATION_ERROR")["details"] == [
        {"field": "currentPassword", "message": "Current password is incorrect"}
    ]
    response = client.patch(
        "/api/v1/settings/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers=here,
    )
    assert response.status_code == 200 and response.json() == {"data": {"changed": True}}
    assert client.get("/api/v1/auth/me", headers=here).status_code == 200
    _error(client.get("/api/v1/auth/me", headers=elsewhere), 401, "UNAUTHORIZED")
    _login(client, user, NEW_PASSWORD)


# -- gym settings ------------------------------------------------------------------------------------------


def test_gym_settings_read_by_anyone_signed_in_changed_by_admins(client: TestClient, db: Session) -> None:
    member, trainer, admin = (
        _bearer(client, make_account(db, role)) for role in (Role.MEMBER, Role.TRAINER, Role.ADMIN)
    )
    got = client.get("/api/v1/settings/gym", headers=member)
    assert got.status_code == 200
    assert set(got.json()["data"]) == {
        "name", "maxCapacity", "timezone", "autoCheckoutHours", "openingHours", "publicOccupancy",
        "aiRequiresApproval", "aiMonthlyBudgetUsd", "updatedAt",
    }  # fmt: skip
    for who in (member, trainer):
        _error(client.patch("/api/v1/settings/gym", json={"maxCapacity": 50}, headers=who), 403, "FORBIDDEN")
    changed = client.patch(
        "/api/v1/settings/gym",
        json={
            "name": "Iron Temple",
            "maxCapacity": 80,
            "timezone": "Europe/Berlin",
            "openingHours": {"sun": None},
        },
        headers=admin,
    )
    assert changed.status_code == 200
    data = changed.json()["data"]
    assert (data["name"], data["maxCapacity"], data["timezone"]) == ("Iron Temple", 80, "Europe/Berlin")
    assert data["openingHours"]["sun"] is None and data["openingHours"]["mon"] == ["05:30", "23:00"]


def test_the_ai_planners_budget_and_approval_rule(client: TestClient, db: Session) -> None:
    trainer, admin = (_bearer(client, make_account(db, role)) for role in (Role.TRAINER, Role.ADMIN))
    got = client.get("/api/v1/settings/gym", headers=trainer).json()["data"]
    assert (got["aiMonthlyBudgetUsd"], got["aiRequiresApproval"]) == (None, False)
    _error(
        client.patch("/api/v1/settings/gym", json={"aiMonthlyBudgetUsd": 5}, headers=trainer),
        403,
        "FORBIDDEN",
    )

    changed = client.patch(
        "/api/v1/settings/gym", json={"aiMonthlyBudgetUsd": 25, "aiRequiresApproval": True}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert (data["aiMonthlyBudgetUsd"], data["aiRequiresApproval"]) == (25.0, True)
    # Left out: unchanged; null: no budget (the one setting whose null is a value).
    data = client.patch("/api/v1/settings/gym", json={"name": "Iron Temple"}, headers=admin).json()["data"]
    assert (data["aiMonthlyBudgetUsd"], data["aiRequiresApproval"]) == (25.0, True)
    data = client.patch("/api/v1/settings/gym", json={"aiMonthlyBudgetUsd": None}, headers=admin).json()[
        "data"
    ]
    assert data["aiMonthlyBudgetUsd"] is None

    refusals = (
        {"aiMonthlyBudgetUsd": -1},
        {"aiMonthlyBudgetUsd": 100_001},
        {"aiMonthlyBudgetUsd": "25"},
        {"aiMonthlyBudgetUsd": True},
        {"aiRequiresApproval": "yes"},
        {"aiRequiresApproval": None},
    )
    for bad in refusals:
        refused = _error(
            client.patch("/api/v1/settings/gym", json=bad, headers=admin), 422, "VALIDATION_ERROR"
        )
        assert [d["field"] for d in refused["details"]] == list(bad), bad
    assert client.get("/api/v1/settings/gym", headers=admin).json()["data"]["aiMonthlyBudgetUsd"] is None


def test_gym_settings_errors(client: TestClient, db: Session) -> None:
    admin = _bearer(client, make_account(db, Role.ADMIN))
    bad = client.patch(
        "/api/v1/settings/gym",
        json={"name": " ", "maxCapacity": 0, "timezone": "Mars/Olympus", "autoCheckoutHours": 25,
              "openingHours": {"mon": ["22:00", "06:00"]}},
        headers=admin,
    )  # fmt: skip
    fields = {d["field"] for d in _error(bad, 422, "VALIDATION_ERROR")["details"]}
    assert fields == {"name", "maxCapacity", "timezone", "autoCheckoutHours"}
    # Opening before closing is a rule the document states in words: 400 from the service.
    reversed_hours = {"openingHours": {"mon": ["22:00", "06:00"]}}
    bad = client.patch("/api/v1/settings/gym", json=reversed_hours, headers=admin)
    assert {d["field"] for d in _error(bad, 400, "VALIDATION_ERROR")["details"]} == {"openingHours"}
    _error(
        client.patch("/api/v1/settings/gym", json={"maxCapacity": "lots"}, headers=admin),
        422,
        "VALIDATION_ERROR",
    )
    null = client.patch("/api/v1/settings/gym", json={"timezone": None}, headers=admin)
    assert _error(null, 422, "VALIDATION_ERROR")["details"][0]["field"] == "timezone"
