"""The members import's uploads: request body limits of its two API routes and Reflex's /_upload (a CSV
of up to 5 MB; every other route keeps the 64 KB default), and sweeping uploads nobody finished importing.

The limits are read by the body-limit layer (`thrust.core.body_limit`) that wraps the whole app in
thrust/thrust.py.
"""

from __future__ import annotations

import time
from pathlib import Path

from thrust.core.http import API_PREFIX
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
