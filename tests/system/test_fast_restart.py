"""A restart of `python -m thrust serve` reuses the last frontend build while the code is unchanged (run
from a copy of the app), and the build the launcher made for the session's e2e server is one a restart
would reuse. That a changed source, asset or setting makes the next start build again is the
fingerprint's and the build record's to decide: tests/core/test_frontend_fingerprint.py.

The copy's first start takes the e2e server's build (tests/server.py `build_from`) rather than making
one more: the session's e2e server is the launcher's own build, checked below."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from tests.server import ROOT, Server, free_port, frontend_record, launch

pytestmark = pytest.mark.slow

APP_FILES = ("thrust", "assets", "alembic", "alembic.ini", "rxconfig.py", "reflex.lock")
BUILD = ROOT / ".web-restart" / "build"  # launch(name="restart") builds here, whatever checkout runs
REUSED = "Reusing the web frontend"
BUILDING = "Building the web frontend"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The app's files in a folder of the test's own."""
    root = tmp_path / "checkout"
    root.mkdir()
    for name in APP_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    shutil.rmtree(root / "assets" / "external", ignore_errors=True)  # Reflex's own links, made per build
    return root


def build_files() -> dict[str, tuple[int, int]]:
    """Every file of the build with its modification time and size: a rebuild rewrites them all."""
    return {
        path.relative_to(BUILD).as_posix(): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in BUILD.rglob("*")
        if path.is_file()
    }


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode(errors="replace")


def test_the_launchers_build_is_the_one_a_restart_would_reuse(app_server: Server) -> None:
    """The record the launcher wrote next to the e2e server's build (made by `thrust serve` on a clean
    checkout) matches the fingerprint that server's next start computes: a build never invalidates
    itself (by writing into the sources it hashes, say)."""
    record = json.loads((ROOT / ".web-e2e" / "build" / "thrust-build.json").read_text())
    assert record["fingerprint"] == frontend_record(app_server.env)


def test_a_restart_reuses_the_build(tmp_path: Path, checkout: Path, app_server: Server) -> None:
    data, port = tmp_path / "data", free_port()

    def start(build_from: str | None = None):  # the same checkout, database and address each time
        return launch(data, name="restart", port=port, root=checkout, members=0, build_from=build_from)

    with start(build_from="e2e"):
        pass
    built = build_files()
    assert built, "the first start left no build"

    started = time.monotonic()
    with start() as server:
        second_start = time.monotonic() - started
        status, page = fetch(f"{server.url}/")
        log = (data / "server.log").read_text()
    assert status == 200 and "<html" in page
    assert REUSED in log and BUILDING not in log, log[-3000:]
    assert build_files() == built, "the restart rewrote the build"
    # A build takes a minute or more here; a reused one leaves start-up to Python and the database.
    assert second_start < 45, f"the restart took {second_start:.1f} s"
