"""Redis stopped under the running two-worker server, then started again (its data kept, as with a volume).

While it is down: pages are still served, /ready says which dependency failed, sign-in and check-ins over
the API still work and are saved, open live screens are told "paused", and failed sign-ins are still
limited (each worker counts on its own until Redis is back). When it returns, everything resumes without
restarting THRUST. Runs last among the realtime tests (file order): it takes the cluster's Redis away.
"""

from __future__ import annotations

import asyncio
import random
import time

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.realtime.servers import RedisServer, Server, members_who_may_enter
from tests.realtime.test_live_socket import ADMIN, run
from tests.support.socket_client import ReflexClient, state_name
from thrust.auth.service import LOGIN_PER_IP
from thrust.checkins.state import LiveState

pytestmark = pytest.mark.slow

LIVE = state_name(LiveState)
WORKERS = 2


def _ip() -> str:
    return f"10.99.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _login(
    url: str, email: str, password: str, *, ip: str | None = None, cookies: bool = False
) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": email, "password": password, "useCookies": cookies},
        headers={"Origin": url, "X-Forwarded-For": ip or _ip()},
        timeout=30,
    )


def _open_visits(db_url: str, member_id: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM check_ins WHERE member_id = :m AND check_out_time IS NULL"),
                    {"m": member_id},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_thrust_keeps_serving_while_redis_is_down_and_resumes_when_it_returns(
    redis_cluster: Server, cluster_redis: RedisServer
) -> None:
    url, db_url = redis_cluster.url, redis_cluster.db_url
    during, after = members_who_may_enter(db_url, 2)
    admin = _login(url, *ADMIN).json()["data"]["accessToken"]
    bearer = {"Authorization": f"Bearer {admin}"}
    cookie = "; ".join(f"{k}={v}" for k, v in _login(url, *ADMIN, cookies=True).cookies.items())

    async def scenario() -> None:  # one event loop for the socket's whole life
        screen = ReflexClient(url, cookie=cookie, ip=_ip())
        await screen.connect("/live")
        await screen.wait_for(lambda: screen.get(LIVE, "loaded") is True, what="the live screen")
        http = httpx.AsyncClient(timeout=30)
        try:
            await asyncio.to_thread(cluster_redis.stop)

            # Pages are served; /health says alive, /ready says what is missing.
            page = await http.get(f"{url}/live", follow_redirects=True)
            assert page.status_code == 200 and "<html" in page.text.lower()
            assert (await http.get(f"{url}/api/v1/health")).status_code == 200
            ready = await http.get(f"{url}/api/v1/ready")
            assert ready.status_code == 503 and ready.json()["data"]["failed"] == ["redis"]

            # Signing in and checking in work over the API, and the visit is saved.
            assert (await asyncio.to_thread(_login, url, *ADMIN)).status_code == 200
            visit = await http.post(f"{url}/api/v1/check-ins", json={"memberId": during.id}, headers=bearer)
            assert visit.status_code == 201, visit.text
            assert await asyncio.to_thread(_open_visits, db_url, during.id) == 1

            # The open live screen is told it is paused (its numbers may be stale now).
            await screen.wait_for(lambda: screen.get(LIVE, "paused") is True, within=45, what="paused")

            # Failed sign-ins are still limited: each worker counts on its own while Redis is away.
            attacker = _ip()
            statuses = [
                (await asyncio.to_thread(_login, url, ADMIN[0], f"wrong-{n}", ip=attacker)).status_code
                for n in range(LOGIN_PER_IP.max_attempts * WORKERS + 1)
            ]
            assert 429 in statuses, statuses
            assert statuses.count(401) <= LOGIN_PER_IP.max_attempts * WORKERS
        finally:
            await asyncio.to_thread(cluster_redis.start)

        # Back without restarting THRUST: ready again, the screen live again with the visit made meanwhile.
        deadline = time.monotonic() + 30
        while (await http.get(f"{url}/api/v1/ready")).status_code != 200:
            assert time.monotonic() < deadline, "/ready did not come back"
            await asyncio.sleep(0.25)
        current = (await http.get(f"{url}/api/v1/check-ins/current", headers=bearer)).json()["data"][
            "current"
        ]
        await screen.wait_for(
            lambda: screen.get(LIVE, "paused") is False and screen.get(LIVE, "current") == current,
            within=45,
            what="live again, with the visit made during the outage",
        )
        visit = await http.post(f"{url}/api/v1/check-ins", json={"memberId": after.id}, headers=bearer)
        assert visit.status_code == 201, visit.text
        await screen.wait_for(
            lambda: screen.get(LIVE, "current") == current + 1, what="the next check-in pushed"
        )
        await screen.close()
        await http.aclose()

    run(scenario())
    assert _open_visits(db_url, after.id) == 1
