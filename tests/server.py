"""The running app for browser and security tests: one `python -m thrust serve` per test session."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 900  # the first start installs the frontend's npm packages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class AppServer:
    """A THRUST production server started for this test session."""

    url: str
    db_url: str
    data_dir: Path


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """Start THRUST in production mode on a free port with a small demo database.

    It trusts one proxy hop, so a test can stand for a client at another address with
    X-Forwarded-For (rate limits are per client address).
    """
    data_dir = tmp_path_factory.mktemp("e2e-data")
    port = _free_port()
    url = f"http://localhost:{port}"
    db_url = f"sqlite:///{data_dir / 'thrust.db'}"
    env = {
        **os.environ,
        "THRUST_DATA_DIR": str(data_dir),
        "DATABASE_URL": db_url,
        "THRUST_PORT": str(port),
        "THRUST_PUBLIC_URL": url,
        "THRUST_TRUSTED_PROXY_HOPS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    log_path = data_dir / "server.log"
    # Two servers building .web at once (parallel runs in one checkout) corrupt the build: take turns
    # until this one is up and serving.
    build_lock = (ROOT / ".web-build.lock").open("w")
    fcntl.flock(build_lock, fcntl.LOCK_EX)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "thrust", "serve", "--members", "120"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so teardown can stop reflex and its workers together
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                pytest.fail(f"THRUST did not start:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
    finally:
        fcntl.flock(build_lock, fcntl.LOCK_UN)
        build_lock.close()
    yield AppServer(url=url, db_url=db_url, data_dir=data_dir)
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    return app_server.url
