"""Route constants and URL builders, so no page hard-codes another page's path."""

from __future__ import annotations

from urllib.parse import quote

DASHBOARD = "/"
MEMBERS = "/members"
FRONT_DESK = "/front-desk"
LIVE = "/live"
PLANNER = "/planner"
SETTINGS = "/settings"
LOGIN = "/login"
SIGNUP = "/signup"


def login_url(next_path: str | None = None) -> str:
    """The login page, remembering where to return afterwards (only local paths)."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//"):
        return f"{LOGIN}?next={quote(next_path, safe='/')}"
    return LOGIN
