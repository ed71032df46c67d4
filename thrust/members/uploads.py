"""Request body limits of the members import: its two API routes and Reflex's /_upload (the import
dialog's file drop) take a CSV of up to 5 MB; every other route keeps the 64 KB default.

Read by the body-limit layer (`thrust.core.body_limit`) that wraps the whole app in thrust/thrust.py.
"""

from __future__ import annotations

from thrust.core.http import API_PREFIX
from thrust.members.csv_import import MAX_IMPORT_BODY

IMPORT_ROUTES = (f"{API_PREFIX}/members/import", f"{API_PREFIX}/members/import/preview")
UPLOAD_PATH = "/_upload"

BODY_LIMITS: dict[str, int] = {path: MAX_IMPORT_BODY for path in (*IMPORT_ROUTES, UPLOAD_PATH)}
