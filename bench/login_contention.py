"""Benchmark writes under a password-guessing burst: a profile save's p95, idle and while 4 failed sign-ins
run in parallel, on SQLite.

    PYTHONPATH=. .venv/bin/python bench/login_contention.py [--saves 200] [--guessers 4] [--rounds 5]

Starts the API (granian, ASGI, `thrust.api:build_api`, as bench/login.py) over a fresh SQLite file with a
few accounts (bcrypt, 12 rounds). One signed-in user saves their profile (PATCH /api/v1/settings/profile)
`--saves` times in a row with the server idle, and as many times while `--guessers` clients fail to sign
in without pause, each attempt a wrong password for one of the accounts from an address of its own (as a
botnet would; one address is locked after 5 failures). Idle and contended phases alternate `--rounds`
times, so that other load on the machine weighs on both alike.

A failed sign-in checks one bcrypt hash (~0.25 s of CPU). If that check ran inside a transaction, on
SQLite every guess would hold the database's single write lock for its whole length, and each save would
queue behind up to four of them. Target (the issue's): contended p95 within 2x of the idle p95. The
guessers still take the CPUs, so the figures also show what that costs a save on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api_server import PASSWORD, free_port, line, pct, prepare, start_server, wait_healthy  # noqa: E402
from thrust.core.security import BCRYPT_ROUNDS  # noqa: E402

TARGET_RATIO = 2.0
ACCOUNTS = 30  # guesses rotate over them: the per-account limit (100 per hour) is never the bottleneck


_addresses = itertools.count(1)


def _address() -> str:
    n = next(_addresses)
    return f"10.{40 + n // 62500 % 200}.{n // 250 % 250}.{n % 250 + 1}"


async def _saves(
    client: httpx.AsyncClient, headers: dict[str, str], count: int, failed: list[int]
) -> list[float]:
    """Save `count` times in a row; every save's time (a failed one's too: its user waited as long)."""
    latencies = []
    for n in range(count):
        started = time.perf_counter()
        response = await client.patch(
            "/api/v1/settings/profile", json={"fullName": f"Saver Round {n}"}, headers=headers
        )
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            failed.append(response.status_code)
    return latencies


async def _guesser(
    client: httpx.AsyncClient, targets: list[str], stop: asyncio.Event, out: list[float], statuses: list[int]
) -> None:
    for email in itertools.cycle(targets):
        if stop.is_set():
            return
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": "Wrong-Guess-2026!"},
            headers={"X-Forwarded-For": _address()},
        )
        out.append(time.perf_counter() - started)
        statuses.append(response.status_code)


async def _run(base: str, emails: list[str], saves: int, guessers: int, rounds: int) -> float:
    saver, targets = emails[0], emails[1:]
    limits = httpx.Limits(max_connections=guessers + 5)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        signed_in = await client.post(
            "/api/v1/auth/login",
            json={"email": saver, "password": PASSWORD},
            headers={"X-Forwarded-For": _address()},
        )
        signed_in.raise_for_status()
        headers = {"Authorization": f"Bearer {signed_in.json()['data']['accessToken']}"}
        failed: list[int] = []
        await _saves(client, headers, 10, failed)  # warm-up: imports, connections, the session check's cache

        # Idle and contended phases alternate, so that other load on the machine (which comes and goes)
        # weighs on both alike.
        idle: list[float] = []
        contended: list[float] = []
        login_times: list[float] = []
        statuses: list[int] = []
        for _ in range(rounds):
            idle += await _saves(client, headers, saves // rounds, failed)
            stop = asyncio.Event()
            tasks = [
                asyncio.create_task(_guesser(client, targets[n::guessers], stop, login_times, statuses))
                for n in range(guessers)
            ]
            await asyncio.sleep(0.5)  # the burst is under way before the first save
            contended += await _saves(client, headers, saves // rounds, failed)
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)  # idle again before the next round

    unexpected = sorted({s for s in statuses if s != 401})
    print(f"failed sign-ins {len(statuses)} by {guessers} guessers at once, other statuses: {unexpected}")
    print(line("failed sign-in latency", login_times))
    print(line("profile save, idle", idle))
    print(line("profile save, contended", contended))
    if failed:
        print(f"FAILED saves  {len(failed)} answered {sorted(set(failed))}")
    ratio = pct(contended, 0.95) / pct(idle, 0.95)
    verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"p95 ratio     contended / idle = {ratio:.2f} (target <= {TARGET_RATIO:.0f}x): {verdict}")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200, help="profile saves, idle and contended each")
    parser.add_argument("--rounds", type=int, default=5, help="idle and contended phases alternate")
    parser.add_argument("--guessers", type=int, default=4, help="failed sign-ins in parallel")
    parser.add_argument("--workers", type=int, default=1, help="granian worker processes")
    args = parser.parse_args()

    cpus = len(os.sched_getaffinity(0))
    print(f"machine       {cpus} CPU(s), load average {os.getloadavg()[0]:.2f}")
    print(f"bcrypt        {BCRYPT_ROUNDS} rounds")
    process: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="thrust_bench_contention_") as data_dir:
        url = f"sqlite:///{Path(data_dir) / 'thrust.db'}"
        emails = prepare(url, ACCOUNTS + 1)
        port = free_port()
        try:
            process = start_server(url, port, args.workers, data_dir)
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, process)
            print(f"server        granian, {args.workers} worker(s), SQLite, {len(emails)} accounts")
            asyncio.run(_run(base, emails, args.saves, args.guessers, args.rounds))
            print(f"machine       load average {os.getloadavg()[0]:.2f} at the end")
        finally:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=15)
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
