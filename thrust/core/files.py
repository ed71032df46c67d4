"""Files that survive a crash: a new name in a folder is durable only once the folder is synced too."""

from __future__ import annotations

import os
from pathlib import Path


def sync_folder(folder: Path) -> None:
    """Flush `folder`'s entries to disk (after linking or renaming a finished file into it)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
