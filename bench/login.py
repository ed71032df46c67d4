"""Benchmark sign-in under load: 20 concurrent users logging in against the real /api/v1 app.

    PYTHONPATH=. .venv/bin/python bench/login.py [--users 20] [--rounds 5] [--workers 1]

Starts the API (granian, ASGI, the same `thrust.api:build_api` routers the app serves) on a free port
over a fresh PostgreSQL database holding 20 accounts (bcrypt, 12 rounds), then has every user sign in
`--rounds` times with the right password, all users at once. Meanwhile a probe calls /api/v1/health
every 50 ms: if bcrypt ran on the event loop, the probe would wait behind every hash (~0.25 s each).

Each virtual user comes from its own address (X-Forwarded-For behind one trusted proxy hop), as 20
people on 20 phones would; from a single address, more than 5 sign-ins at the same instant are asked
to retry in a moment (the brute-force limit counts attempts still in flight, see thrust/core/ratelimit.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import bcrypt
import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api_server import PASSWORD, free_port, line, prepare, start_server, wait_healthy  # noqa: E402
from thrust.core.security import BCRYPT_ROUNDS  # noqa: E402

PG_ADMIN_URL = os.environ.get("THRUST_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PROBE_EVERY = 0.05


async def _probe(client: httpx.AsyncClient, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        response = await client.get("/api/v1/health")
        out.append(time.perf_counter() - started)
        assert response.status_code == 200
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PROBE_EVERY)


async def _user(client: httpx.AsyncClient, n: int, email: str, rounds: int, out: list[float]) -> list[int]:
    statuses = []
    headers = {"X-Forwarded-For": f"10.20.{n // 250}.{n % 250 + 1}"}
    for _ in range(rounds):
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}, headers=headers
        )
        out.append(time.perf_counter() - started)
        statuses.append(response.status_code)
    return statuses


async def _run(base: str, emails: list[str], rounds: int) -> None:
    limits = httpx.Limits(max_connections=len(emails) + 5)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        # Idle baseline and a warm-up sign-in (first imports, first connections).
        idle: list[float] = []
        for _ in range(20):
            started = time.perf_counter()
            await client.get("/api/v1/health")
            idle.append(time.perf_counter() - started)
        await client.post("/api/v1/auth/login", json={"email": emails[0], "password": PASSWORD},
                          headers={"X-Forwarded-For": "10.99.0.1"})  # fmt: skip

        latencies: list[float] = []
        probes: list[float] = []
        stop = asyncio.Event()
        probe = asyncio.create_task(_probe(client, stop, probes))
        started = time.perf_counter()
        results = await asyncio.gather(
            *(_user(client, n, email, rounds, latencies) for n, email in enumerate(emails))
        )
        elapsed = time.perf_counter() - started
        stop.set()
        await probe

    statuses = [s for per_user in results for s in per_user]
    bad = [s for s in statuses if s != 200]
    print(f"sign-ins      {len(statuses)} ({len(emails)} users x {rounds}, all at once), {len(bad)} not 200")
    print(line("login latency", latencies, width=22))
    print(f"throughput    {len(statuses) / elapsed:.1f} sign-ins/s over {elapsed:.1f} s")
    print(line("health, idle", idle, width=22))
    print(line("health, under load", probes, width=22))
    if bad:
        raise SystemExit(f"FAILED: statuses {sorted(set(bad))}")


def _bcrypt_cost() -> float:
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(BCRYPT_ROUNDS))
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        bcrypt.checkpw(PASSWORD.encode(), hashed)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="sign-ins per user")
    parser.add_argument("--workers", type=int, default=1, help="granian worker processes")
    args = parser.parse_args()

    cost = _bcrypt_cost()
    cpus = len(os.sched_getaffinity(0))
    print(f"machine       {cpus} CPU(s), load average {os.getloadavg()[0]:.2f}")
    print(f"bcrypt        {BCRYPT_ROUNDS} rounds, one check {cost * 1000:.0f} ms here")
    floor = args.users * cost / cpus
    print(f"floor         {args.users} users at once need >= {floor:.2f} s of bcrypt per wave")

    name = f"thrust_bench_login_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    process: subprocess.Popen[bytes] | None = None
    try:
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        emails = prepare(url, args.users)
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="thrust_bench_login_") as data_dir:
            process = start_server(url, port, args.workers, data_dir)
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, process)
            print(f"server        granian, {args.workers} worker(s), PostgreSQL, {args.users} accounts")
            asyncio.run(_run(base, emails, args.rounds))
            # Other work on the machine competes for the same CPUs as bcrypt: say how busy it was.
            print(f"machine       load average {os.getloadavg()[0]:.2f} at the end")
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
