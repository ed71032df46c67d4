"""Reads never wait for SQLite's write lock: while another connection holds it (a long write, a burst of
writes), every GET route, every page load and a failed sign-in still answer at once, over the real
transport against the session's SQLite server. Only units of work that write queue behind the lock.
On PostgreSQL the same reading units are READ ONLY transactions, and every GET route still answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.security.conftest import ADMIN_LOGIN, Cast
from tests.security.support import GENERIC_ERROR, api_login
from tests.security.test_api_matrix import SMALL_PLAN, schema_routes
from tests.server import AppServer, Server
from tests.support.socket_client import ProbingClient, fresh_ip
from thrust.core.settings import Settings
from thrust.planner.catalog_file import catalog_id
from thrust.reminders.service import UNSUBSCRIBE_PATH, unsubscribe_token
from thrust.ui import routes

# Off by default: its answer (404) still comes at once, read-only, without waiting for the lock.
# GET routes that rightly answer something else here: the public page while switched off, and the
# admin's own visits (an admin holds no membership).
NOT_OK = {"/api/v1/public/occupancy": 404, "/api/v1/check-ins/mine": 404}
EXERCISE = str(catalog_id("Barbell_Full_Squat"))  # the catalog's rows are the same in every database
PROMPT = 8.0  # seconds; the server's busy timeout is 30 s, so a unit waiting for the lock takes longer
HOLD_AT_MOST = 25.0  # the lock is released before the server's own writers (jobs) would give up


@contextlib.contextmanager
def write_lock_held(app_server: AppServer) -> Iterator[None]:
    """Hold the server database's write lock (`BEGIN IMMEDIATE`) from another connection."""
    path = app_server.db_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()
        assert time.monotonic() - started < HOLD_AT_MOST + PROMPT, "the scenario held the lock too long"


def _plan_ids(client: httpx.Client, headers: dict[str, str], member_id: str) -> dict[str, str]:
    """A plan of the member and a template, written before the lock is taken: their GET routes read them."""
    plan = {"title": "Write lock", "planData": SMALL_PLAN}
    for_member = {**plan, "memberId": member_id}
    made = {
        "plan_id": client.post("/api/v1/workout-plans", json=for_member, headers=headers),
        "template_id": client.post("/api/v1/workout-plan-templates", json=plan, headers=headers),
    }
    for response in made.values():
        assert response.status_code == 201, response.text
    return {name: response.json()["data"]["id"] for name, response in made.items()}


def _concrete(path: str, member_id: str, server: Server, ids: dict[str, str]) -> str:
    """A route's path with its parameters filled in (a catalog exercise, the plan and template of
    `ids`, the member otherwise), and the unsubscribe page with a token the server signed (its page
    reads the member it names)."""
    path = re.sub(r"\{exercise_id\}", EXERCISE, path)
    for name, value in ids.items():
        path = path.replace(f"{{{name}}}", value)
    path = re.sub(r"\{[^}]+\}", member_id, path)
    if path == UNSUBSCRIBE_PATH:
        server_settings = Settings(data_dir=server.data_dir)  # its key file
        path += f"?token={unsubscribe_token(uuid.UUID(member_id), server_settings)}"
    return path


def _protected_pages(cast: Cast) -> list[str]:
    import thrust.thrust  # noqa: F401  (declares every page, as the running app does)
    from thrust.ui.registry import PAGES

    return [
        "/" + re.sub(r"\[[^]]+\]", cast.victim.member_id, key) if key != "index" else "/"
        for key, spec in PAGES.items()
        if not spec.public
    ]


def test_every_get_route_answers_while_a_writer_holds_the_lock(app_server: AppServer, cast: Cast) -> None:
    gets = [path for method, path in schema_routes(app_server.url) if method == "GET"]
    assert len(gets) >= 8, gets
    headers = {**cast.admin.bearer, "X-Forwarded-For": fresh_ip()}
    slow: list[str] = []
    with httpx.Client(base_url=app_server.url, timeout=60) as client:
        ids = _plan_ids(client, headers, cast.victim.member_id)
    with write_lock_held(app_server), httpx.Client(base_url=app_server.url, timeout=60) as client:
        for path in gets:
            url = _concrete(path, cast.victim.member_id, app_server, ids)
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            took = time.perf_counter() - started
            if response.status_code != NOT_OK.get(path, 200) or took > PROMPT:
                slow.append(f"GET {url}: {response.status_code} in {took:.1f} s {response.text[:200]}")
    assert not slow, "\n".join(slow)


def test_every_get_route_answers_in_a_read_only_transaction_on_postgresql(redis_cluster: Server) -> None:
    """The cluster's reading units are READ ONLY transactions: no GET route may write anything."""
    signed_in = api_login(redis_cluster.url, *ADMIN_LOGIN, ip=fresh_ip())
    assert signed_in.status_code == 200, signed_in.text
    headers = {
        "Authorization": f"Bearer {signed_in.json()['data']['accessToken']}",
        "X-Forwarded-For": fresh_ip(),
    }
    with httpx.Client(base_url=redis_cluster.url, timeout=60) as client:
        listed = client.get("/api/v1/members", headers=headers)
        assert listed.status_code == 200, listed.text
        member_id = listed.json()["data"][0]["id"]
        ids = _plan_ids(client, headers, member_id)
        answers = {
            path: client.get(_concrete(path, member_id, redis_cluster, ids), headers=headers)
            for method, path in schema_routes(redis_cluster.url)
            if method == "GET"
        }
    failed = {
        path: f"{r.status_code} {r.text[:200]}"
        for path, r in answers.items()
        if r.status_code != NOT_OK.get(path, 200)
    }
    assert len(answers) >= 8 and not failed, failed


async def _load(app_server: AppServer, path: str, cookie: str) -> tuple[float, list[str], dict]:
    client = ProbingClient(app_server.url, cookie=cookie)
    started = time.perf_counter()
    try:
        await client.connect(path)
        took = time.perf_counter() - started
        errors = [m.text for m in client.messages if GENERIC_ERROR in m.text or "locked" in m.text]
        return took, errors, client.mirror
    finally:
        await client.close()


def test_every_page_loads_while_a_writer_holds_the_lock(app_server: AppServer, cast: Cast) -> None:
    pages = _protected_pages(cast)
    assert len(pages) >= 6, pages
    problems: list[str] = []

    async def scenario() -> None:
        for path in pages:
            took, errors, mirror = await _load(app_server, path, cast.admin.cookie)
            shell = next((v for k, v in mirror.items() if k.endswith("shell_state")), {})
            auth = next((v for k, v in mirror.items() if k.endswith("auth_state")), {})
            if (
                took > PROMPT
                or errors
                or not shell.get("gym_name")
                or auth.get("is_authenticated") is not True
            ):
                problems.append(f"{path}: {took:.1f} s, errors {errors[:1]}, shell {shell}, auth {auth}")
        for path in (routes.LOGIN, routes.SIGNUP):  # public pages, anonymous
            took, errors, mirror = await _load(app_server, path, "")
            if took > PROMPT or errors:
                problems.append(f"{path}: {took:.1f} s, errors {errors[:1]}")

    with write_lock_held(app_server):
        asyncio.run(scenario())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["wrong password", "unknown email"])
def test_a_failed_sign_in_does_not_wait_for_the_lock(app_server: AppServer, cast: Cast, who: str) -> None:
    email = cast.member.email if who == "wrong password" else "nobody-at-all@example.com"
    with write_lock_held(app_server):
        started = time.perf_counter()
        response = api_login(app_server.url, email, "Wrong-Password-1!", ip=fresh_ip())
        took = time.perf_counter() - started
    assert response.status_code == 401, response.text
    assert took < PROMPT, f"a failed sign-in waited {took:.1f} s for the write lock"
    # A successful one writes (its session): it queues for the lock, and gets in once it is free.
    assert api_login(app_server.url, *ADMIN_LOGIN, ip=fresh_ip()).status_code == 200
