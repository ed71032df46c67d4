"""PostgreSQL restarted under a running THRUST API server (a private cluster on its own port).

While the database is down, requests that need it get a clear 503 in the seed's error JSON (code
SERVICE_UNAVAILABLE, Retry-After) instead of a 500; /health stays 200 and /ready names the database.
When it is back, the very next request succeeds: the pool checks a connection before using it, so no
request trips over one the restart killed, and nothing has to be restarted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from tests.conftest import ROOT, migrate, units_over
from tests.factories import make_member
from tests.server import free_port
from thrust.auth.service import create_staff_account
from thrust.core.db import build_engine
from thrust.models import Role

pytestmark = pytest.mark.slow

PG_BIN = Path(os.environ.get("THRUST_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
PASSWORD = "Quartz-Lantern-Orbit-7!"


class Cluster:
    """initdb + pg_ctl in a temporary folder, as the postgres user when we are root (initdb refuses root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="thrust-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/thrust"

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += f" -c unix_socket_directories={self.folder}"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, capture_output=True, timeout=60, check=False)  # may be stopped already
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    pg = Cluster()
    try:
        pg.init()
        pg.start()
        admin = create_engine(pg.url.replace("/thrust", "/postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE thrust"))
        admin.dispose()
        yield pg
    finally:
        pg.remove()


@pytest.fixture
def api_server(cluster: Cluster, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The /api/v1 app under granian (as `python -m thrust serve` runs it), on the private cluster."""
    engine = build_engine(cluster.url)
    migrate(engine)
    with Session(engine) as session:
        create_staff_account(
            units_over(session),
            email="restart.admin@thrust.com",
            password=PASSWORD,
            full_name="Restart",
            role=Role.ADMIN,
        )
        member = make_member(session, end=date.today() + timedelta(days=60))
        member_id = str(member.id)
        session.commit()
    engine.dispose()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("THRUST_", "REDIS_URL"))},
        "DATABASE_URL": cluster.url,
        "THRUST_DATA_DIR": str(tmp_path),
        "THRUST_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "thrust.api:build_api"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v1/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((tmp_path / "server.log").read_text()[-3000:])
            time.sleep(0.2)
        yield url, member_id
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_requests_during_a_database_restart_get_503_and_the_app_recovers_by_itself(
    cluster: Cluster, api_server: tuple[str, str]
) -> None:
    url, member_id = api_server
    login = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": "restart.admin@thrust.com", "password": PASSWORD},
        timeout=30,
    )
    assert login.status_code == 200, login.text
    bearer = {"Authorization": f"Bearer {login.json()['data']['accessToken']}"}
    assert httpx.get(f"{url}/api/v1/members", headers=bearer, timeout=30).status_code == 200

    cluster.stop()
    tag = uuid.uuid4().hex[:6]
    for method, path, body in [
        ("GET", "/api/v1/members", None),
        ("POST", "/api/v1/check-ins", {"memberId": member_id}),
        ("POST", "/api/v1/auth/login", {"email": "restart.admin@thrust.com", "password": PASSWORD}),
    ]:
        response = httpx.request(
            method,
            f"{url}{path}",
            json=body,
            headers={**bearer, "X-Request-ID": f"pg-down-{tag}"},
            timeout=30,
        )
        assert response.status_code == 503, (path, response.status_code, response.text)
        error = response.json()["error"]
        assert error["code"] == "SERVICE_UNAVAILABLE" and "database" in error["message"].lower()
        assert error["requestId"] == f"pg-down-{tag}" and response.headers["retry-after"] == "5"
    assert httpx.get(f"{url}/api/v1/health", timeout=10).status_code == 200
    ready = httpx.get(f"{url}/api/v1/ready", timeout=10)
    assert ready.status_code == 503 and ready.json()["data"]["failed"][0] == "database"

    cluster.start()  # returns once PostgreSQL accepts connections
    # The very first request after the restart succeeds: no stale pooled connection, no THRUST restart.
    visit = httpx.post(f"{url}/api/v1/check-ins", json={"memberId": member_id}, headers=bearer, timeout=30)
    assert visit.status_code == 201, visit.text
    assert httpx.get(f"{url}/api/v1/ready", timeout=10).status_code == 200
    engine = create_engine(cluster.url)
    with engine.connect() as connection:
        saved = connection.execute(
            text("SELECT count(*) FROM check_ins WHERE member_id = :m AND check_out_time IS NULL"),
            {"m": uuid.UUID(member_id)},
        ).scalar_one()
    engine.dispose()
    assert saved == 1
