"""The access cookie never reaches Redis: a signed-in tab's pickled state on a two-worker server.

Reflex pickles every touched state to Redis (here shared by two granian workers) with every event;
an access token there would be a session for anyone who can read the store. The on-disk twin of this
test (one worker, SQLite) is in tests/security/test_credentials_in_state.py.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import random
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from tests.realtime.servers import Server
from tests.support.socket_client import ReflexClient, handler_name, sign_in, state_name
from thrust.auth.cookies import ACCESS_COOKIE
from thrust.auth.state import AuthState
from thrust.members.import_state import ImportState

pytestmark = pytest.mark.slow

ADMIN = ("admin@thrust.com", "Admin123!")


def run(coro: Coroutine[Any, Any, None]) -> None:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop in this one."""
    context = contextvars.copy_context()  # with Reflex's registry, kept in a context variable
    with ThreadPoolExecutor(1) as pool:
        pool.submit(context.run, asyncio.run, coro).result()


def ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def stored_values(url: str) -> list[tuple[str, bytes]]:
    """Every value in the Redis database, by key (strings, hashes and lists)."""
    client = redis.Redis.from_url(url)
    try:
        found: list[tuple[str, bytes]] = []
        for key in client.scan_iter(count=500):
            kind = client.type(key)
            if kind == b"string":
                values = [client.get(key) or b""]
            elif kind == b"hash":
                values = list(client.hvals(key))
            elif kind == b"list":
                values = list(client.lrange(key, 0, -1))
            else:
                continue
            found += [(key.decode(errors="replace"), value) for value in values]
        return found
    finally:
        client.close()


def test_the_state_saved_in_redis_holds_no_access_token(redis_cluster: Server) -> None:
    address = ip()
    cookie = sign_in(redis_cluster.url, *ADMIN, ip=address)
    token = next(v for n, _, v in (p.strip().partition("=") for p in cookie.split(";")) if n == ACCESS_COOKIE)

    async def scenario() -> None:
        client = ReflexClient(redis_cluster.url, cookie=cookie, ip=address)
        await client.connect("/members")
        try:
            auth, dialog = state_name(AuthState), state_name(ImportState)
            await client.wait_for(lambda: client.get(auth, "is_authenticated") is True, what="signed in")
            await client.emit(handler_name(ImportState.open_import))
            await client.wait_for(lambda: client.get(dialog, "open") is True, what="the import dialog")
            stored = stored_values(redis_cluster.redis_url or "")
            assert [k for k, v in stored if client.token in k], "control: the tab's state is in Redis"
            leaked = [k for k, v in stored if token.encode() in v or json.dumps(token)[1:-1].encode() in v]
            assert not leaked, f"the access token is stored in Redis under {leaked}"
        finally:
            await client.close()

    run(scenario())
