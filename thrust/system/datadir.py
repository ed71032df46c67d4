"""Start-up check of the folders THRUST writes to: a read-only or full one stops it with one clear line."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from thrust.core.settings import Settings, SettingsError

# Less than this free and SQLite cannot even grow its write-ahead log through one busy minute.
MIN_FREE_BYTES = 1024 * 1024
_PROBE = b"THRUST write test\n" * 256  # 4.5 KiB: more than a page, so a full disk shows on write


def require_writable(folder: Path, *, variable: str, what: str) -> None:
    """Raise SettingsError naming `variable` if `folder_problem` finds one."""
    if problem := folder_problem(folder, what):
        raise SettingsError(variable, problem)


def folder_problem(folder: Path, what: str) -> str | None:
    """Why THRUST cannot write in `folder` (created if missing), or None: a file must be created,
    written and synced there, and at least MIN_FREE_BYTES be free. `what` names it in the message."""
    folder = folder.expanduser().absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".thrust-write-test-")
        try:
            os.write(fd, _PROBE)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
        free = _free_bytes(folder)
    except OSError as exc:
        return _problem(folder, what, exc)
    if free < MIN_FREE_BYTES:
        return f"the {what} {folder} is full ({free // 1024} KiB free); free some space and start again"
    return None


def _free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def _problem(folder: Path, what: str, exc: OSError) -> str:
    if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        return f"the {what} {folder} is full ({exc.strerror}); free some space and start again"
    if exc.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
        return (
            f"cannot write to the {what} {folder} ({exc.strerror}); mount it read-write "
            "or give the user running THRUST write access"
        )
    if exc.errno in {errno.ENOTDIR, errno.EEXIST}:
        return f"the {what} {folder} is not a folder ({exc.strerror})"
    return f"cannot write to the {what} {folder} ({exc.strerror or exc})"


def require_writable_data(settings: Settings, *, serving: bool) -> None:
    """Check the folders this start will write to: the data folder (serving always writes there:
    metrics, generated keys), and the folder of a SQLite database wherever it is."""
    if serving:
        require_writable(settings.data_dir, variable="THRUST_DATA_DIR", what="data folder")
    if settings.is_sqlite:
        database = make_url(settings.db_url).database
        if database and database != ":memory:":
            folder = Path(database).parent
            if folder.absolute() != settings.data_dir.absolute() or not serving:
                variable = "DATABASE_URL" if settings.database_url else "THRUST_DATA_DIR"
                what = "database folder" if settings.database_url else "data folder"
                require_writable(folder, variable=variable, what=what)
