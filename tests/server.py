"""Running THRUST for browser, realtime and security tests: `python -m thrust serve` in production mode.

Each kind of server builds its frontend in its own folder (REFLEX_WEB_WORKDIR=.web-<name>): a build
writes the socket's port into the bundle, so two servers sharing one `.web` would send each other's
pages to the wrong socket. A lock per folder lets parallel runs in one checkout take turns building.

The other kinds of server start from a copy of the browser tests' build instead (`build_from="e2e"`),
which saves a frontend build (about a minute on CI's 2 cores) per kind. The socket's address is the one
thing a build holds of its server: Vite keeps Reflex's env.json in a chunk of its own
(assets/reflex-env-*.js), and the copy gets that chunk rewritten with its own public URL, byte for byte
what a build of its own would hold there.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import redis

if TYPE_CHECKING:
    from tests.conftest import Databases

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 900  # the first start of a build folder installs the frontend's npm packages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The demo gym's clock for every test server: a zone where it is now mid-afternoon, so the gym is
# open (default hours 05:30-23:00, weekends 07:00-21:00) and people are inside at any hour the suite
# runs. The local date is always the UTC date (14:00 local = UTC + (14 - UTC hour)).
AFTERNOON = 14


def afternoon_timezone(now: datetime | None = None) -> str:
    """An IANA zone (Etc/GMT±N, whose sign is POSIX's, inverted) where `now` falls at 14:xx."""
    offset = AFTERNOON - (now or datetime.now(UTC)).hour  # -9 .. +14: every one is a zone
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def healthy(url: str) -> bool:
    """Whether the server is ready to serve (database reachable, migrations at head, Redis if set)."""
    try:
        with urllib.request.urlopen(f"{url}/api/v1/ready", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Server:
    """A THRUST production server started by a test session or a benchmark."""

    url: str
    db_url: str
    data_dir: Path
    redis_url: str | None = None
    pid: int = 0  # `python -m thrust serve`: its session holds reflex, granian and the workers
    env: dict[str, str] = field(default_factory=dict, compare=False)  # the environment it started with


def share_npm_packages(web: Path) -> None:
    """Start a new build folder from another one's installed npm packages: `npm install` then only
    checks them, instead of fetching some 150 MB again for each kind of server on a clean clone."""
    if (web / "node_modules").exists():
        return
    for other in sorted(ROOT.glob(".web-*/node_modules")):
        with (other.parent.parent / f"{other.parent.name}.lock").open("a") as lock:
            try:  # not from a folder whose server is being built right now (by another test run)
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            try:
                web.mkdir(exist_ok=True)
                shutil.copytree(other, web / "node_modules.partial", symlinks=True)
                (web / "node_modules.partial").rename(web / "node_modules")
                return
            except OSError:
                shutil.rmtree(web / "node_modules.partial", ignore_errors=True)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def relocate(web: Path, public_url: str) -> None:
    """Point a copied build's socket and endpoints at `public_url` (see the module docstring)."""
    endpoints = json.loads((web / "env.json").read_text())
    old = endpoints["PING"].removesuffix("/ping")  # http(s)://host:port, as Reflex derived it
    # Reflex's socket address is its API URL with http(s) turned into ws(s).
    pairs = {old: public_url, old.replace("http", "ws", 1): public_url.replace("http", "ws", 1)}
    chunks = list((web / "build" / "client" / "assets").glob("reflex-env-*.js"))
    for path in [web / "env.json", *chunks]:
        text = path.read_text()
        for before, after in pairs.items():
            text = text.replace(before, after)
        path.write_text(text)
        if path in chunks:  # the pre-compressed copy the server prefers
            (path.parent / f"{path.name}.gz").write_bytes(gzip.compress(text.encode(), mtime=0))


def lend_build(lender: str, web: Path, env: dict[str, str], root: Path) -> None:
    """Give the build folder `web` a copy of the `lender` kind's finished build, recorded as made for the
    server that `env` describes, so its launcher serves it instead of building. Nothing happens while the
    lender has no finished build (the server then builds its own: slower, same result)."""
    source = ROOT / f".web-{lender}"
    with (ROOT / f".web-{lender}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # not while the lender is building
        try:
            if not (source / "build" / "thrust-build.json").is_file():
                return
            web.mkdir(exist_ok=True)
            for item in source.iterdir():
                if item.name == "node_modules":
                    continue  # share_npm_packages copies those once
                target = web / item.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink(missing_ok=True)
                if item.is_dir() and not item.is_symlink():
                    shutil.copytree(item, target, symlinks=True)
                else:
                    shutil.copy2(item, target, follow_symlinks=False)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    relocate(web, env["THRUST_PUBLIC_URL"])
    frontend_record(env, root, write=True)


def frontend_record(env: dict[str, str], root: Path = ROOT, *, write: bool = False) -> str:
    """The fingerprint a server's launcher computes at start from its settings and environment `env`
    (in a process of the server's environment); with `write`, also recorded as its folder's build's."""
    script = (
        "import os; from thrust import frontend; from thrust.core.settings import get_settings; "
        "made = frontend.fingerprint(get_settings(), os.environ); "
        f"{'frontend.write_record(made); ' if write else ''}print(made)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@contextlib.contextmanager
def launch(
    data_dir: Path,
    *,
    name: str = "e2e",
    db_url: str | None = None,
    redis_url: str | None = None,
    workers: int | None = None,
    members: int = 120,
    https: bool = False,
    env: dict[str, str] | None = None,
    port: int | None = None,
    root: Path = ROOT,
    build_from: str | None = None,
) -> Iterator[Server]:
    """Run `python -m thrust serve` until the block ends; the log is data_dir/server.log.

    `root` is the checkout it runs from (a test may run a copy it edits); its build folder stays
    ROOT/.web-<name>. A fixed `port` keeps the public URL, so a restart can reuse the last build.
    `build_from` names the kind whose build it serves (see the module docstring): only for servers
    whose pages no browser opens.

    It trusts one proxy hop, so a test can stand for a client at another address with
    X-Forwarded-For (rate limits are per client address). With `https`, its public URL is
    https://localhost:<port>, as behind a TLS proxy (tests still talk plain HTTP to the port).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "tmp").mkdir(exist_ok=True)
    port = port or free_port()
    url = f"http://localhost:{port}"
    db_url = db_url or f"sqlite:///{data_dir / 'thrust.db'}"
    extra_env = env
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "GRANIAN_WORKERS", "TZ"}},
        # The server reads the clock as the machine does (tests/conftest.py keeps the tests on UTC).
        **({"TZ": machine_tz} if (machine_tz := os.environ.get("THRUST_TEST_MACHINE_TZ")) else {}),
        "THRUST_DATA_DIR": str(data_dir),
        "DATABASE_URL": db_url,
        "THRUST_PORT": str(port),
        "THRUST_PUBLIC_URL": url.replace("http://", "https://") if https else url,
        "THRUST_TRUSTED_PROXY_HOPS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_WEB_WORKDIR": str(ROOT / f".web-{name}"),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        # A temp folder of its own, so a test can see what the server writes there.
        "TMPDIR": str(data_dir / "tmp"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        env["GRANIAN_WORKERS"] = str(workers)
    env.update(extra_env or {})
    log_path = data_dir / "server.log"
    build_lock = (ROOT / f".web-{name}.lock").open("w")
    fcntl.flock(build_lock, fcntl.LOCK_EX)
    share_npm_packages(ROOT / f".web-{name}")
    if build_from:
        lend_build(build_from, ROOT / f".web-{name}", env, root)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "thrust",
                "serve",
                "--members",
                str(members),
                "--timezone",
                afternoon_timezone(),
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so the end of the block stops reflex and its workers together
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
        yield Server(url, db_url, data_dir, redis_url, pid=process.pid, env=env)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


AppServer = Server


class RedisServer:
    """A redis-server of the test's own, on a free port, that a fault test may stop and start again.

    It keeps its data across a restart (saved on shutdown into its folder), as a Redis with a volume does.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "3600 1",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.RedisError:
                    if time.monotonic() > deadline or self._process.poll() is not None:
                        raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                    time.sleep(0.1)
        finally:
            client.close()

    def stop(self) -> None:
        """SIGTERM: Redis saves its data and exits, dropping every connection."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)
        self._process = None


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The session's THRUST: SQLite, one worker, a small demo database (120 members), JSON logs."""
    try:
        with launch(
            tmp_path_factory.mktemp("e2e-data"), name="e2e", env={"THRUST_LOG_FORMAT": "json"}
        ) as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def app_url(app_server: Server) -> str:
    return app_server.url


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
    tmp_path_factory: pytest.TempPathFactory,
    databases: Databases,
    cluster_redis: RedisServer,
    app_server: Server,  # its frontend build is copied here (see the module docstring)
) -> Iterator[Server]:
    """THRUST with REDIS_URL set and two granian workers, on its own PostgreSQL database (the realtime
    tests' cluster, and the PostgreSQL side of the security suite's account tests)."""
    try:
        with launch(
            tmp_path_factory.mktemp("redis-cluster"),
            db_url=databases.new_url("postgresql"),
            name="realtime",
            redis_url=cluster_redis.url,
            workers=2,
            build_from="e2e",
        ) as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))
