"""The members import's uploads: request body limits of its two API routes and Reflex's /_upload (a CSV
of up to 5 MB; every other route keeps the 64 KB default), keeping an upload on disk while its import
dialog works with it, and sweeping the ones nobody finished importing.

The limits are read by the body-limit layer (`thrust.core.body_limit`) that wraps the whole app in
thrust/thrust.py.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from thrust.core.errors import ValidationFailed
from thrust.core.http import API_PREFIX
from thrust.core.settings import get_settings
from thrust.members import csv_import
from thrust.members.csv_import import MAX_IMPORT_BODY

IMPORT_ROUTES = (f"{API_PREFIX}/members/import", f"{API_PREFIX}/members/import/preview")
UPLOAD_PATH = "/_upload"

BODY_LIMITS: dict[str, int] = {path: MAX_IMPORT_BODY for path in (*IMPORT_ROUTES, UPLOAD_PATH)}

# An import's upload stays on disk while its dialog works with it; older ones were abandoned.
STALE_UPLOAD_SECONDS = 6 * 3600


def sweep_stale_uploads(folder: Path, *, older_than: float | None = None) -> int:
    """Delete stored import uploads last touched before `older_than` (epoch seconds); how many went."""
    cutoff = older_than if older_than is not None else time.time() - STALE_UPLOAD_SECONDS
    removed = 0
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            pass  # gone already (another worker's sweep), or not ours to remove
    return removed


def uploads_dir() -> Path:
    """Where import uploads wait while their dialog works with them (in the data folder)."""
    folder = get_settings().data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sweep_uploads(folder: Path) -> None:
    """Forget uploads nobody finished importing (a closed tab never says goodbye; the weekly cleanup too)."""
    sweep_stale_uploads(folder)


def store_upload(data: bytes) -> tuple[str, csv_import.CsvFile]:
    """Check and keep the upload on disk (not in state: it would be pickled with every event)."""
    parsed = csv_import.read_csv(data)
    folder = uploads_dir()
    sweep_uploads(folder)
    name = f"{uuid.uuid4().hex}.csv"
    path = folder / name
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return name, parsed


def read_upload(name: str) -> bytes:
    """The stored upload's bytes; a clear message when it is gone (swept, or another worker's disk)."""
    if not name or "/" in name or not name.endswith(".csv"):
        raise ValidationFailed.on("file", "Upload the file again")
    try:
        return (uploads_dir() / name).read_bytes()
    except FileNotFoundError:
        raise ValidationFailed.on("file", "The uploaded file has expired; upload it again") from None


def drop_upload(name: str) -> None:
    """Remove a stored upload (the import finished, or the dialog started over)."""
    if name and "/" not in name:
        (uploads_dir() / name).unlink(missing_ok=True)
