"""Seeing what a running server does: JSON log lines with the request id of each API request and socket
event and nothing secret or personal in the whole log; /metrics for loopback (or the token) only."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.realtime.servers import members_who_may_enter
from tests.realtime.test_live_socket import run
from tests.server import AppServer
from tests.support.socket_client import ReflexClient, handler_name, state_name
from thrust.checkins.state import FrontDeskState, LiveState

pytestmark = pytest.mark.slow

ADMIN = ("admin@thrust.com", "Admin123!")
DESK = state_name(FrontDeskState)
LIVE = state_name(LiveState)


def _ip() -> str:
    return f"10.77.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _login(url: str, email: str, password: str, *, cookies: bool = False) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": email, "password": password, "useCookies": cookies},
        headers={"Origin": url, "X-Forwarded-For": _ip()},
        timeout=30,
    )


async def _collect(coro: Any, into: list[Any]) -> None:
    into.extend(await coro)


def _records(log: str) -> list[dict[str, Any]]:
    records = []
    for line in log.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))  # every structured line is one JSON object
    return records


def test_the_log_has_request_ids_and_no_passwords_tokens_or_personal_data(app_server: AppServer) -> None:
    url = app_server.url
    admin = {"Authorization": f"Bearer {_login(url, *ADMIN).json()['data']['accessToken']}"}
    tag = uuid.uuid4().hex[:8]
    password, wrong = f"Obs-{tag}-Pw!9", f"Wrong-{tag}-Pw!9"
    staff_email, member_email = f"olga.{tag}@audit.example", f"mia.{tag}@audit.example"
    phone = f"+44 7700 9{random.randint(10000, 99999)}"

    staff = httpx.post(
        f"{url}/api/v1/staff",
        json={"email": staff_email, "password": password, "fullName": f"Olga {tag}", "role": "ADMIN"},
        headers={**admin, "X-Forwarded-For": _ip()},
        timeout=30,
    )
    assert staff.status_code == 201, staff.text
    signed_in = _login(url, staff_email, password)
    access, refresh = signed_in.json()["data"]["accessToken"], signed_in.json()["data"]["refreshToken"]
    browser = _login(url, staff_email, password, cookies=True)
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    assert _login(url, staff_email, wrong).status_code == 401
    bearer = {"Authorization": f"Bearer {access}", "X-Forwarded-For": _ip()}
    member = httpx.post(
        f"{url}/api/v1/members",
        json={
            "fullName": f"Mia {tag}",
            "email": member_email,
            "phone": phone,
            "membershipStart": str(date.today() - timedelta(days=10)),
            "membershipEnd": str(date.today() + timedelta(days=100)),
        },
        headers=bearer,
        timeout=30,
    )
    assert member.status_code == 201, member.text
    request_id = f"obs-{tag}-checkin"
    visit = httpx.post(
        f"{url}/api/v1/check-ins",
        json={"memberId": member.json()["data"]["id"]},
        headers={**bearer, "X-Request-ID": request_id},
        timeout=30,
    )
    assert visit.status_code == 201, visit.text

    socket = ReflexClient(url, cookie=cookie, ip=_ip())

    async def desk_search() -> None:
        await socket.connect("/front-desk")
        await socket.wait_for(lambda: socket.get(LIVE, "loaded") is True, what="the desk")
        await socket.emit(handler_name(FrontDeskState.search), {"text": member_email})
        await socket.wait_for(lambda: len(socket.get(DESK, "results", [])) == 1, what="the member found")
        await socket.close()

    run(desk_search())
    time.sleep(1)  # the log is written by the server's own processes
    log = (app_server.data_dir / "server.log").read_text()

    secrets = {
        "the new admin's password": password,
        "a wrong password tried": wrong,
        "an access token": access,
        "a refresh token": refresh,
        "a session cookie": cookie.split("; ")[0].split("=", 1)[1],
        "the socket's client token": socket.token,
        "a staff e-mail": staff_email,
        "a member's e-mail": member_email,
        "a member's phone": phone,
        "a member's phone, digits only": phone.replace(" ", "").lstrip("+"),
    }
    leaked = [what for what, value in secrets.items() if value in log]
    assert not leaked, f"the server log contains {leaked}"

    records = _records(log)
    ours = [r for r in records if str(r.get("logger", "")).startswith("thrust")]
    assert ours and all({"timestamp", "level", "logger", "message"} <= set(r) for r in ours)
    (check_in,) = [r for r in ours if r.get("requestId") == request_id]
    assert check_in["message"].startswith("POST /api/v1/check-ins 201")
    events = [r for r in ours if str(r["message"]).startswith("event front_desk_state.search")]
    assert events and all(str(r.get("requestId", "")).startswith("evt_") for r in events)
    assert len({r["requestId"] for r in events}) == len(events)  # one id per event
    api_lines = [r for r in ours if r["logger"] == "thrust.http" and " /api/v1/" in r["message"]]
    assert api_lines and all(r.get("requestId") for r in api_lines)


def test_metrics_count_requests_by_route_for_loopback_only(app_server: AppServer) -> None:
    loopback = app_server.url.replace("localhost", "127.0.0.1")
    (someone,) = members_who_may_enter(app_server.db_url, 1)
    admin = {"Authorization": f"Bearer {_login(loopback, *ADMIN).json()['data']['accessToken']}"}
    visit = httpx.post(
        f"{loopback}/api/v1/check-ins", json={"memberId": someone.id}, headers=admin, timeout=30
    )
    assert visit.status_code == 201, visit.text
    for _ in range(3):
        httpx.get(f"{loopback}/api/v1/members/{uuid.uuid4()}", timeout=10)  # 401s, by route template
    response = httpx.get(f"{loopback}/metrics", timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'route="/api/v1/members/{member_id}"' in text
        and "thrust_http_request_duration_seconds_bucket" in text
    )
    for family in ("thrust_socket_connections", "thrust_job_runs_total", "thrust_live_push_seconds"):
        assert family in text
    assert 'thrust_check_ins_total{kind="in"}' in text

    # Sockets connected now: one more while a live screen is open, one less once it closes.
    def sockets() -> float:
        text = httpx.get(f"{loopback}/metrics", timeout=10).text
        return sum(
            float(line.split()[-1])
            for line in text.splitlines()
            if line.startswith("thrust_socket_connections ")
        )

    before = sockets()
    cookie = "; ".join(f"{k}={v}" for k, v in _login(app_server.url, *ADMIN, cookies=True).cookies.items())
    screen = ReflexClient(app_server.url, cookie=cookie, ip=_ip())

    async def watch() -> list[float]:
        await screen.connect("/live")
        await screen.wait_for(lambda: screen.get(LIVE, "loaded") is True, what="the live screen")
        during = await asyncio.to_thread(sockets)
        await screen.close()
        await asyncio.sleep(1)
        return [during, await asyncio.to_thread(sockets)]

    counts: list[float] = []
    run(_collect(watch(), counts))
    assert counts == [before + 1, before]
    # The test server trusts one proxy hop: a caller elsewhere, seen through it, is refused.
    outside = httpx.get(f"{loopback}/metrics", headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10)
    assert outside.status_code == 403 and outside.json()["error"]["code"] == "FORBIDDEN"


def test_metrics_read_behind_an_untrusted_proxy_need_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: a proxy header without THRUST_TRUSTED_PROXY_HOPS hides the caller; the token works."""
    from fastapi.testclient import TestClient

    from thrust.core.http import create_api
    from thrust.core.settings import get_settings

    monkeypatch.setenv("THRUST_METRICS_ALLOW", "0.0.0.0/0")
    monkeypatch.setenv("THRUST_METRICS_TOKEN", "scrape-token-0123456789")
    get_settings.cache_clear()
    try:
        client = TestClient(create_api([]), client=("127.0.0.1", 5000))
        assert client.get("/metrics").status_code == 200
        assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 403
        ok = client.get(
            "/metrics",
            headers={"X-Forwarded-For": "198.51.100.1", "Authorization": "Bearer scrape-token-0123456789"},
        )
        assert ok.status_code == 200
        wrong = client.get("/metrics", headers={"X-Forwarded-For": "1.2.3.4", "Authorization": "Bearer nope"})
        assert wrong.status_code == 403
    finally:
        get_settings.cache_clear()
