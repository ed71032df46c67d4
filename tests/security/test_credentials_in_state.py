"""Access cookies stay out of Reflex state, and /_upload acts only with the cookie it carries itself.

Reflex state is pickled to disk (one worker) or Redis (several) with every event: an access token
there is a session anyone who can read the store may use. And the Reflex client token is a bearer
credential of its own: with it, an upload must still prove its user with its own HttpOnly cookie.
Everything over the real transport: HTTP with httpx, the socket with the Reflex protocol client.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.security.conftest import ADMIN_LOGIN, Cast
from tests.security.support import refusals
from tests.server import AppServer
from tests.support.socket_client import ProbingClient, ReflexClient, fresh_ip, handler_name, sign_in
from thrust.auth.cookies import ACCESS_COOKIE
from thrust.members.import_state import ImportState

UPLOAD = handler_name(ImportState.upload)
OPEN_IMPORT = handler_name(ImportState.open_import)
CLOSE_IMPORT = handler_name(ImportState.close_import)
CSV = b"Name,Email,Expiry\nUpload Probe,upload.probe@example.com,2031-01-01\n"


def run(coro: Coroutine[Any, Any, None]) -> None:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop in this one."""
    context = contextvars.copy_context()  # with Reflex's registry, kept in a context variable
    with ThreadPoolExecutor(1) as pool:
        pool.submit(context.run, asyncio.run, coro).result()


def access_token(cookie_header: str) -> str:
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == ACCESS_COOKIE:
            return value
    raise AssertionError(f"no access cookie in {cookie_header!r}")


def stored_imports(server: AppServer) -> list[str]:
    folder = server.data_dir / "imports"
    return sorted(p.name for p in folder.glob("*.csv")) if folder.exists() else []


async def post_upload(server: AppServer, token: str, cookie: str | None) -> httpx.Response:
    headers = {"reflex-client-token": token, "reflex-event-handler": UPLOAD, "X-Forwarded-For": fresh_ip()}
    if cookie is not None:
        headers["Cookie"] = cookie
    async with httpx.AsyncClient(timeout=60) as client:
        return await client.post(
            f"{server.url}/_upload", files={"files": ("members.csv", CSV, "text/csv")}, headers=headers
        )


@pytest.mark.parametrize("presented", ["no cookie", "a member's cookie", "a signed-out cookie"])
def test_an_upload_with_a_signed_in_tabs_client_token_needs_that_users_own_cookie(
    app_server: AppServer, cast: Cast, presented: str
) -> None:
    if presented == "no cookie":
        cookie = None
    elif presented == "a member's cookie":
        cookie = cast.member.cookie
    else:
        cookie = sign_in(app_server.url, *ADMIN_LOGIN, ip=fresh_ip())
        logout = httpx.post(
            f"{app_server.url}/api/v1/auth/logout",
            headers={"Cookie": cookie, "Origin": app_server.url, "X-Forwarded-For": fresh_ip()},
            timeout=30,
        )
        assert logout.status_code == 200, logout.text

    async def scenario() -> None:
        admin = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        try:
            await admin.connect("/members")
            await admin.call(OPEN_IMPORT)
            before = stored_imports(app_server)

            refused = await post_upload(app_server, admin.token, cookie)
            assert '"map"' not in refused.text and "members.csv" not in refused.text, refused.text
            if cookie is None or presented == "a signed-out cookie":
                assert refused.status_code == 401, refused.text
                assert refused.json()["error"]["code"] == "UNAUTHORIZED"
            assert stored_imports(app_server) == before, "the upload was kept"

            # The admin's tab is untouched: still signed in, and its own import still at step one.
            messages = await admin.call(OPEN_IMPORT)
            assert not refusals(messages), refusals(messages)
            state = admin.mirror.get(ImportState.get_full_name(), {})
            assert state.get("step", "upload") == "upload" and not state.get("file_name")

            # Positive control: the same tab's upload with the admin's own cookie goes through.
            accepted = await post_upload(app_server, admin.token, cast.admin.cookie)
            assert accepted.status_code == 200 and '"map"' in accepted.text, accepted.text
            assert len(stored_imports(app_server)) == len(before) + 1
            await admin.call(CLOSE_IMPORT)  # drops the stored file again
        finally:
            await admin.close()

    run(scenario())


def _pickles_on_disk(folder: Path) -> list[tuple[str, bytes]]:
    return [(str(path), path.read_bytes()) for path in folder.rglob("*") if path.is_file()]


async def _signed_in_tab(url: str, cookie: str) -> ReflexClient:
    """A signed-in tab on the members page that has sent a few events (so its state was saved)."""
    client = ReflexClient(url, cookie=cookie, ip=fresh_ip())
    await client.connect("/members")
    auth = "reflex___state____state.thrust___auth___state____auth_state"
    await client.wait_for(lambda: client.get(auth, "is_authenticated") is True, what="signed in")
    await client.emit(OPEN_IMPORT)
    await client.wait_for(lambda: client.get(ImportState.get_full_name(), "open") is True, what="dialog")
    return client


def test_the_state_saved_on_disk_holds_no_access_token(app_server: AppServer) -> None:
    cookie = sign_in(app_server.url, *ADMIN_LOGIN, ip=fresh_ip())
    token = access_token(cookie)
    folder = app_server.data_dir / "states"

    async def scenario() -> None:
        client = await _signed_in_tab(app_server.url, cookie)
        try:
            # The disk manager writes a couple of seconds behind: wait for the tab's own state.
            deadline = time.monotonic() + 20
            stored = _pickles_on_disk(folder)
            while not any(client.token.encode() in value for _, value in stored):
                assert time.monotonic() < deadline, "control: the tab's state was never saved to disk"
                await asyncio.sleep(0.5)
                stored = _pickles_on_disk(folder)
            leaked = [name for name, value in stored if token.encode() in value]
            assert not leaked, f"the access token is stored in {leaked}"
        finally:
            await client.close()

    run(scenario())
