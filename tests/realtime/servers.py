"""Extra THRUST production servers for realtime tests and benchmarks (e.g. two workers on Redis).

The session's ordinary server comes from tests/server.py; this starts others the same way
(`python -m thrust serve`), taking the same build lock so two servers never build `.web` at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import redis
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 900
SOCKET_RECORD_PREFIX = "token_manager_socket_record_"  # Reflex's RedisTokenManager keys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Server:
    url: str
    db_url: str
    data_dir: Path
    redis_url: str | None = None


@contextlib.contextmanager
def launch(
    data_dir: Path,
    *,
    db_url: str | None = None,
    redis_url: str | None = None,
    workers: int | None = None,
    members: int = 120,
) -> Iterator[Server]:
    """Run `python -m thrust serve` until the block ends; the log is data_dir/server.log."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://localhost:{port}"
    db_url = db_url or f"sqlite:///{data_dir / 'thrust.db'}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "GRANIAN_WORKERS"}},
        "THRUST_DATA_DIR": str(data_dir),
        "DATABASE_URL": db_url,
        "THRUST_PORT": str(port),
        "THRUST_PUBLIC_URL": url,
        "THRUST_TRUSTED_PROXY_HOPS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        env["GRANIAN_WORKERS"] = str(workers)
    log_path = data_dir / "server.log"
    build_lock = (ROOT / ".web-build.lock").open("w")
    fcntl.flock(build_lock, fcntl.LOCK_EX)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "thrust", "serve", "--members", str(members)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                raise RuntimeError(f"THRUST did not start:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
    finally:
        fcntl.flock(build_lock, fcntl.LOCK_UN)
        build_lock.close()
    try:
        yield Server(url=url, db_url=db_url, data_dir=data_dir, redis_url=redis_url)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    email: str


def members_who_may_enter(db_url: str, count: int) -> list[Candidate]:
    """Active, unexpired members who are not inside (in random order), from the server's database."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT m.id, m.full_name, u.email FROM members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.status = 'ACTIVE' AND m.membership_end > :today "
                    "AND NOT EXISTS (SELECT 1 FROM check_ins c WHERE c.member_id = m.id "
                    "AND c.check_out_time IS NULL) ORDER BY random() LIMIT :n"
                ),
                {"n": count, "today": date.today().isoformat()},
            ).all()
    finally:
        engine.dispose()
    return [Candidate(str(uuid.UUID(str(raw))), name, email) for raw, name, email in rows]


def socket_owners(redis_url: str, tokens: list[str]) -> dict[str, str]:
    """token -> id of the worker holding its socket (Reflex's own records in Redis)."""
    client = redis.Redis.from_url(redis_url)
    try:
        owners = {}
        for token in tokens:
            raw = client.get(SOCKET_RECORD_PREFIX + token)
            if raw is not None:
                owners[token] = pickle.loads(raw).instance_id  # Reflex's own record, in our Redis
        return owners
    finally:
        client.close()
