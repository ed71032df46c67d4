"""Realtime fixtures: the session's server (one worker) and a second one with two workers on Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import Databases
from tests.realtime.servers import Server, launch

# Not the suite's database (15 by default), which tests flush; parallel runs on one box set their own.
CLUSTER_REDIS_URL = os.environ.get("THRUST_TEST_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(scope="session")
def redis_cluster(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases, redis_url: str
) -> Iterator[Server]:
    """THRUST with REDIS_URL set and two granian workers, on its own PostgreSQL database."""
    client = redis.Redis.from_url(CLUSTER_REDIS_URL)
    client.flushdb()
    try:
        with launch(
            tmp_path_factory.mktemp("redis-cluster"),
            db_url=databases.new_url("postgresql"),
            name="realtime",
            redis_url=CLUSTER_REDIS_URL,
            workers=2,
        ) as server:
            yield server
    finally:
        client.flushdb()
        client.close()
