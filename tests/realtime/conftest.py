"""Realtime fixtures: the session's server (one worker) and a second one with two workers on Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Databases
from tests.realtime.servers import RedisServer, Server, launch


@pytest.fixture(scope="session")
def cluster_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """The cluster's own redis-server on a free port (a fault test stops and restarts it)."""
    server = RedisServer(tmp_path_factory.mktemp("cluster-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_cluster(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases, cluster_redis: RedisServer
) -> Iterator[Server]:
    """THRUST with REDIS_URL set and two granian workers, on its own PostgreSQL database."""
    with launch(
        tmp_path_factory.mktemp("redis-cluster"),
        db_url=databases.new_url("postgresql"),
        name="realtime",
        redis_url=cluster_redis.url,
        workers=2,
    ) as server:
        yield server
