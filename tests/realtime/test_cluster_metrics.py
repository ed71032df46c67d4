"""Metrics of a two-worker server: whichever worker answers /metrics reports both workers' counts."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.realtime.servers import Server

pytestmark = pytest.mark.slow


def test_two_workers_report_one_total(redis_cluster: Server) -> None:
    """Whichever worker answers /metrics counts the requests both workers served."""
    loopback = redis_cluster.url.replace("localhost", "127.0.0.1")

    def health_count() -> float:
        text = httpx.get(f"{loopback}/metrics", timeout=10).text
        lines = [line for line in text.splitlines() if line.startswith("thrust_http_requests_total{")]
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines if 'route="/api/v1/health"' in line)

    async def many() -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            await asyncio.gather(*(client.get(f"{loopback}/api/v1/health") for _ in range(40)))

    before = health_count()
    asyncio.run(many())
    after = [health_count() for _ in range(4)]
    assert all(value >= before + 40 for value in after), (before, after)
