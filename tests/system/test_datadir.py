"""A read-only or full data folder at start: one `error:` line naming the folder, no traceback, exit 1.

For real: as root (chmod stops nobody there) the folder is a read-only bind mount or a tiny tmpfs filled
to the last byte; as another user, a folder without write permission (a full disk then needs root).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tests.conftest import ROOT, migrate
from tests.gym_rows import add_gym
from thrust.core.db import build_engine

COMMANDS = [
    ["check"],
    ["seed", "--members", "5", "--no-progress"],
    ["backup"],
    ["serve", "--no-demo"],
]
IS_ROOT = os.geteuid() == 0


def _thrust(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THRUST_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "thrust", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", str(path)], check=True)


def _gym_database(folder: Path, members: int = 3) -> None:
    engine = build_engine(f"sqlite:///{folder / 'thrust.db'}")
    try:
        migrate(engine)
        add_gym(engine, members=members)
    finally:
        engine.dispose()


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder holding a THRUST database, that nothing may write to."""
    source = tmp_path / "data"
    source.mkdir()
    _gym_database(source)
    if not IS_ROOT:
        source.chmod(0o555)
        yield source
        source.chmod(0o755)
        return
    target = tmp_path / "read-only"
    target.mkdir()
    _mount("-o", "bind,ro", str(source), str(target))
    try:
        yield target
    finally:
        _umount(target)


@pytest.fixture
def full_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder holding a THRUST database on a 2 MiB disk with no byte left."""
    if not IS_ROOT:
        pytest.skip("a full disk needs root to mount a tiny tmpfs")
    target = tmp_path / "full"
    target.mkdir()
    _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(target))
    try:
        _gym_database(target)
        _fill(target)
        yield target
    finally:
        _umount(target)


def _fill(folder: Path) -> None:
    with suppress(OSError), (folder / "ballast").open("wb", buffering=0) as ballast:
        while True:
            ballast.write(b"\0" * 4096)


def _assert_one_line_naming(done: subprocess.CompletedProcess[str], folder: Path, words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: THRUST_DATA_DIR: ")
    assert str(folder) in lines[0] and words in lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_read_only_data_folder_stops_each_command_with_one_line(
    read_only_data: Path, args: list[str]
) -> None:
    done = _thrust(args, read_only_data)
    _assert_one_line_naming(done, read_only_data, "cannot write to the data folder")


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_full_data_folder_stops_each_command_with_one_line(full_data: Path, args: list[str]) -> None:
    done = _thrust(args, full_data)
    _assert_one_line_naming(done, full_data, "is full")


def test_a_backup_that_runs_out_of_room_says_so_and_leaves_no_partial_file(tmp_path: Path) -> None:
    if not IS_ROOT:
        pytest.skip("a full disk needs root to mount a tiny tmpfs")
    data = tmp_path / "data"
    data.mkdir()
    _gym_database(data, members=3000)
    assert (data / "thrust.db").stat().st_size > 3 * 1024 * 1024
    room = tmp_path / "backups"
    room.mkdir()
    _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(room))
    try:
        done = _thrust(["backup", str(room / "gym.sqlite3")], data)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(f"error: cannot write the backup in {room}")
        assert "full" in lines[0]
        assert list(room.iterdir()) == []
    finally:
        _umount(room)
