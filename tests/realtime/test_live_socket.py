"""Occupancy over the real socket: a check-in made by one client reaches the others without a reload.

python-socketio clients speak Reflex's protocol to a production server (tests/support/socket_client.py),
each with its own client token, address and HttpOnly session cookie in the handshake.
"""

from __future__ import annotations

import asyncio
import contextvars
import random
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.realtime.servers import Candidate, Server, members_who_may_enter, socket_owners
from tests.server import AppServer
from tests.support.socket_client import ProbingClient, ReflexClient, handler_name, sign_in, state_name
from thrust.checkins.live import HEARTBEAT_SECONDS
from thrust.checkins.state import FrontDeskState, LiveStaffState, LiveState

pytestmark = pytest.mark.slow

TRAINER = ("marcus.reid@thrust.com", "Trainer123!")
ADMIN = ("admin@thrust.com", "Admin123!")
MEMBER_PASSWORD = "Member123!"

LIVE = state_name(LiveState)
STAFF = state_name(LiveStaffState)
DESK = state_name(FrontDeskState)


def run(coro: Coroutine[Any, Any, None]) -> None:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop in this one."""
    context = contextvars.copy_context()  # with Reflex's registry, kept in a context variable
    with ThreadPoolExecutor(1) as pool:
        pool.submit(context.run, asyncio.run, coro).result()


def ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


async def connected(url: str, cookie: str, path: str, address: str) -> ReflexClient:
    client = ReflexClient(url, cookie=cookie, ip=address)
    await client.connect(path)
    await client.wait_for(lambda: client.get(LIVE, "loaded") is True, what=f"{path} loaded")
    return client


def names_in(client: ReflexClient) -> tuple[list[str], list[str]]:
    feed = [row["name"] for row in client.get(STAFF, "feed", [])]
    inside = [row["name"] for row in client.get(STAFF, "inside", [])]
    return feed, inside


async def desk_action(desk: ReflexClient, who: Candidate) -> None:
    """Type (scan) the member's id at the desk and press Enter (checks in, or out if inside). The id, not
    the email: a trainer finds a member assigned to someone else by name or id only."""
    await desk.emit(handler_name(FrontDeskState.search), {"text": who.id})
    await desk.wait_for(
        lambda: [row["name"] for row in desk.get(DESK, "results", [])] == [who.name], what="one result"
    )
    flashes = desk.get(DESK, "flash", 0)
    await desk.emit(handler_name(FrontDeskState.key_down), {"key": "Enter"})
    await desk.wait_for(lambda: desk.get(DESK, "flash", 0) > flashes, what="the desk's success card")


def test_a_desk_check_in_reaches_other_screens_and_members_never_get_names(app_server: AppServer) -> None:
    target, member = members_who_may_enter(app_server.db_url, 2)
    url = app_server.url

    async def scenario() -> None:
        addresses = [ip() for _ in range(3)]
        desk = await connected(url, sign_in(url, *TRAINER, ip=addresses[0]), "/front-desk", addresses[0])
        viewer = await connected(url, sign_in(url, *ADMIN, ip=addresses[1]), "/live", addresses[1])
        phone = await connected(
            url, sign_in(url, member.email, MEMBER_PASSWORD, ip=addresses[2]), "/live", addresses[2]
        )
        received: list[Any] = []
        phone.on_update = lambda _client, update: received.append(update)
        try:
            await desk_action(desk, target)
            assert desk.get(DESK, "card")["name"] == target.name
            inside_now = desk.get(LIVE, "current")

            # Another staff screen: the new number and the name at the top of the feed, no reload.
            await viewer.wait_for(
                lambda: names_in(viewer)[0][:1] == [target.name] and target.name in names_in(viewer)[1],
                what="the viewer's feed",
            )
            await viewer.wait_for(lambda: viewer.get(LIVE, "current") == inside_now, what="the new number")
            # A member's socket: the same number, and never a name.
            await phone.wait_for(lambda: phone.get(LIVE, "current") == inside_now, what="the member's number")
            assert phone.get(STAFF, "feed", []) == [] and phone.get(STAFF, "inside", []) == []
            everyone_inside = set(names_in(viewer)[1]) | {target.name}
            assert received, "the member's socket got the update"
            for name in everyone_inside:
                assert name not in repr(received), f"{name} reached a member's socket"

            # And out again: Enter on the same member checks them out, everyone sees one fewer.
            await desk_action(desk, target)
            await viewer.wait_for(lambda: viewer.get(LIVE, "current") == inside_now - 1, what="one fewer")
            await phone.wait_for(
                lambda: phone.get(LIVE, "current") == inside_now - 1, what="one fewer, member"
            )
            assert target.name not in names_in(viewer)[1]
        finally:
            for client in (desk, viewer, phone):
                await client.close()

    run(scenario())


def test_every_open_screen_gets_a_heartbeat_without_any_check_in(app_server: AppServer) -> None:
    url = app_server.url

    async def scenario() -> None:
        address = ip()
        screen = await connected(url, sign_in(url, *TRAINER, ip=address), "/live", address)
        try:
            first = screen.get(LIVE, "now_ms")
            await screen.wait_for(
                lambda: screen.get(LIVE, "now_ms") > first, within=HEARTBEAT_SECONDS + 5, what="a heartbeat"
            )
            assert screen.get(LIVE, "paused") is False
        finally:
            await screen.close()

    run(scenario())


def test_an_anonymous_socket_gets_no_occupancy(app_server: AppServer) -> None:
    target = members_who_may_enter(app_server.db_url, 1)[0]
    url = app_server.url

    async def scenario() -> None:
        stranger = ProbingClient(url, ip=ip())
        address = ip()
        desk = await connected(url, sign_in(url, *TRAINER, ip=address), "/front-desk", address)
        try:
            await stranger.connect("/live")
            await stranger.call(handler_name(LiveState.load_live))
            # A change that every signed-in screen is sent: once the desk holds its new number, the
            # round has been pushed; a round trip on the stranger's socket then proves that whatever
            # was sent to it has arrived.
            before = desk.get(LIVE, "current")
            await desk_action(desk, target)
            await desk.wait_for(lambda: desk.get(LIVE, "current") == before + 1, what="the desk's number")
            await stranger.settle()
            live = stranger.mirror.get(LIVE, {})
            assert live.get("loaded") in (None, False)
            assert live.get("current") in (None, 0), "an anonymous socket was sent the occupancy"
            assert stranger.mirror.get(STAFF, {}).get("feed", []) == []
            assert target.name not in stranger.seen()
            await desk_action(desk, target)  # out again, as the test found the gym
        finally:
            await stranger.close()
            await desk.close()

    run(scenario())


async def check_in_by_api(url: str, cookie: str, address: str, who: Candidate) -> tuple[str, int]:
    """Check `who` in through the REST API; (visit id, the new number inside)."""
    headers = {"Cookie": cookie, "Origin": url, "X-Forwarded-For": address}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
        response = await api.post("/api/v1/check-ins", json={"memberId": who.id})
        assert response.status_code == 201, response.text
        return response.json()["data"]["id"], response.json()["meta"]["capacity"]["current"]


async def check_out_by_api(url: str, cookie: str, address: str, visit: str) -> None:
    headers = {"Cookie": cookie, "Origin": url, "X-Forwarded-For": address}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
        response = await api.patch(f"/api/v1/check-ins/{visit}")
        assert response.status_code == 200, response.text


def test_a_reconnect_after_pushes_is_hydrated_with_the_newest_number(app_server: AppServer) -> None:
    """Pushes do not save each client's state; the hydrate of a reload or reconnect must still carry the
    number the pushes showed, never the one stored when the page loaded."""
    first, second = members_who_may_enter(app_server.db_url, 2)
    url = app_server.url

    async def scenario() -> None:
        address = ip()
        cookie = sign_in(url, *ADMIN, ip=address)
        screen = await connected(url, cookie, "/live", address)
        visits = []
        try:
            loaded_with = screen.get(LIVE, "current")
            for who in (first, second):
                visit, inside_now = await check_in_by_api(url, cookie, address, who)
                visits.append(visit)
                await screen.wait_for(lambda n=inside_now: screen.get(LIVE, "current") == n, what="the push")
            assert inside_now == loaded_with + 2
            await screen.close()
            # The same tab again (its token), as after a reload: the first thing it is sent is the hydrate.
            again = ReflexClient(url, cookie=cookie, ip=address, token=screen.token)
            hydrated: list[Any] = []
            again.on_update = lambda _c, update: hydrated.append(update)
            await again.connect("/live")
            await again.wait_for(lambda: again.get(LIVE, "current") is not None, what="the hydrate")
            first_number = next(
                u["delta"][LIVE]["current_rx_state_"] for u in hydrated if LIVE in (u.get("delta") or {})
            )
            assert first_number == inside_now, "the hydrate sent a number older than the pushes had shown"
            await again.close()
        finally:
            for visit in visits:
                await check_out_by_api(url, cookie, address, visit)

    run(scenario())


def test_a_tab_that_signed_out_leaves_every_audience(app_server: AppServer) -> None:
    """Signing out ends with a full page load (a new socket for the same tab, on the sign-in page): that
    tab is sent no number any more, neither in its hydrate nor by the next change."""
    target, member = members_who_may_enter(app_server.db_url, 2)
    url = app_server.url

    async def scenario() -> None:
        address, desk_address = ip(), ip()
        cookie = sign_in(url, member.email, MEMBER_PASSWORD, ip=address)
        phone = await connected(url, cookie, "/live", address)
        desk = await connected(url, sign_in(url, *TRAINER, ip=desk_address), "/front-desk", desk_address)
        signed_out: ProbingClient | None = None
        try:
            headers = {"Cookie": cookie, "Origin": url, "X-Forwarded-For": address}
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
                assert (await api.post("/api/v1/auth/logout")).status_code == 200
            await phone.close()
            # The browser's reload after sign-out: same tab (token), the old cookie, the sign-in page.
            signed_out = ProbingClient(url, cookie=cookie, ip=address, token=phone.token)
            await signed_out.connect("/login")
            before = desk.get(LIVE, "current")
            await desk_action(desk, target)
            await desk.wait_for(lambda: desk.get(LIVE, "current") == before + 1, what="the desk's number")
            await signed_out.settle()  # whatever was sent to the signed-out tab has arrived
            live = signed_out.mirror.get(LIVE, {})
            assert live.get("loaded") in (None, False), "the signed-out tab still holds live data"
            assert live.get("current") in (None, 0), "the signed-out tab was sent the number"
            await desk_action(desk, target)  # out again, as the test found the gym
        finally:
            if signed_out is not None:
                await signed_out.close()
            await desk.close()

    run(scenario())


def test_a_staff_socket_whose_session_ended_is_sent_no_more_names(app_server: AppServer) -> None:
    """Audiences are re-checked by the server: a trainer's live page keeps the number but loses the names
    (cleared at once) when an admin deactivates the account, which ends its sessions."""
    target = members_who_may_enter(app_server.db_url, 1)[0]
    url = app_server.url

    async def scenario() -> None:
        address = ip()
        admin = sign_in(url, *ADMIN, ip=address)
        headers = {"Cookie": admin, "Origin": url, "X-Forwarded-For": address}
        email = f"coach.{random.randint(0, 10**9)}@thrust.example"
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
            coach_account = {"email": email, "password": "Coach-Pass-123!", "fullName": "Cora Coach"}
            made = await api.post("/api/v1/staff", json=coach_account)
            assert made.status_code == 201, made.text
            coach_id = made.json()["data"]["id"]
        coach = await connected(url, sign_in(url, email, "Coach-Pass-123!", ip=address), "/live", address)
        received: list[Any] = []
        coach.on_update = lambda _client, update: received.append(update)
        visit = ""
        try:
            await coach.wait_for(lambda: coach.get(STAFF, "loaded") is True, what="names on the live page")
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
                off = await api.patch(f"/api/v1/staff/{coach_id}", json={"isActive": False})
                assert off.status_code == 200, off.text
            visit, inside_now = await check_in_by_api(url, admin, address, target)
            await coach.wait_for(lambda: coach.get(LIVE, "current") == inside_now, what="the number")
            await coach.wait_for(lambda: coach.get(STAFF, "loaded") is False, what="the names cleared")
            assert coach.get(STAFF, "feed") == [] and coach.get(STAFF, "inside") == []
            assert target.name not in repr(received), "a name reached a socket whose session had ended"
        finally:
            await coach.close()
            if visit:
                await check_out_by_api(url, admin, address, visit)

    run(scenario())


# -- two workers on Redis -----------------------------------------------------------------------------------


async def deliveries(url: str) -> float:
    """Occupancy messages queued to sockets for changes (not heartbeats), over all workers."""
    loopback = url.replace("localhost", "127.0.0.1")
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{loopback}/metrics")).text
    wanted = 'thrust_live_deliveries_total{audience="occupancy",cause="change"}'
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(wanted))


def test_a_check_in_on_one_worker_reaches_clients_on_every_worker(redis_cluster: Server) -> None:
    url = redis_cluster.url
    assert redis_cluster.redis_url is not None
    target = members_who_may_enter(redis_cluster.db_url, 1)[0]

    async def scenario() -> None:
        address = ip()
        staff_cookie = sign_in(url, *TRAINER, ip=address)
        clients: list[ReflexClient] = []
        try:
            # Open screens until they sit on both workers (the OS spreads connections between them).
            for _ in range(24):
                clients.append(await connected(url, staff_cookie, "/live", ip()))
                owners = socket_owners(redis_cluster.redis_url or "", [c.token for c in clients])
                if len(clients) >= 6 and len(set(owners.values())) >= 2:
                    break
            owners = socket_owners(redis_cluster.redis_url or "", [c.token for c in clients])
            assert len(set(owners.values())) >= 2, f"all {len(clients)} sockets landed on one worker"

            headers = {"Cookie": staff_cookie, "Origin": url, "X-Forwarded-For": address}
            delivered_before = await deliveries(url)
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
                response = await api.post("/api/v1/check-ins", json={"memberId": target.id})
                assert response.status_code == 201, response.text
                visit = response.json()["data"]["id"]
                inside_now = response.json()["meta"]["capacity"]["current"]
                await asyncio.gather(
                    *(
                        c.wait_for(lambda c=c: c.get(LIVE, "current") == inside_now, what="the new number")
                        for c in clients
                    )
                )
                await asyncio.gather(
                    *(
                        c.wait_for(lambda c=c: target.name in names_in(c)[1], what="the name inside")
                        for c in clients
                    )
                )
                # Each worker sent the change to its own sockets only: every socket once, none twice
                # (the workers' counters, summed by whichever answers /metrics).
                await asyncio.sleep(0.5)
                assert await deliveries(url) - delivered_before == len(clients)
                response = await api.patch(f"/api/v1/check-ins/{visit}")
                assert response.status_code == 200, response.text
                await asyncio.gather(
                    *(
                        c.wait_for(lambda c=c: c.get(LIVE, "current") == inside_now - 1, what="one fewer")
                        for c in clients
                    )
                )
        finally:
            await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    run(scenario())
