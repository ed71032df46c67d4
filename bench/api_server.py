"""The pieces the sign-in benchmarks share: a fresh database with bench accounts, the /api/v1 app under
granian on a free port, and latency lines (p50, p95, max)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import migrate  # noqa: E402
from thrust.core.db import build_engine  # noqa: E402
from thrust.core.security import hash_password  # noqa: E402
from thrust.models import Role, User  # noqa: E402

PASSWORD = "Bench-Press-2026!"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(url: str, users: int) -> list[str]:
    migrate(url)
    engine = build_engine(url)
    # One real 12-round hash, shared: checking it costs exactly what checking 20 different ones would.
    password_hash = hash_password(PASSWORD)
    emails = [f"bench{n:02d}@example.com" for n in range(users)]
    with Session(engine) as session:
        for n, email in enumerate(emails):
            session.add(
                User(email=email, password_hash=password_hash, role=Role.MEMBER, full_name=f"Bench {n}")
            )
        session.commit()
    engine.dispose()
    return emails


def start_server(url: str, port: int, workers: int, data_dir: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "THRUST_DATA_DIR": data_dir,
        "THRUST_TRUSTED_PROXY_HOPS": "1",
        "JWT_SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
        "PYTHONPATH": str(ROOT),
    }
    for name in ("REDIS_URL", "THRUST_REDIS_URL"):
        env.pop(name, None)
    granian = Path(sys.executable).parent / "granian"
    return subprocess.Popen(
        [
            str(granian),
            "--interface",
            "asgi",
            "--factory",
            "thrust.api:build_api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the API server exited during start-up")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the API server did not become healthy within 60 s")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values: list[float], width: int = 26) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{label:<{width}} n={len(ms):<4} p50 {pct(ms, 0.5):7.1f} ms   p95 {pct(ms, 0.95):7.1f} ms   "
        f"max {max(ms):7.1f} ms"
    )
