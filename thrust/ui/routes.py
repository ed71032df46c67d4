"""Route constants and URL builders, so no page hard-codes another page's path."""

from __future__ import annotations

import uuid
from urllib.parse import quote

DASHBOARD = "/"
MEMBERS = "/members"
MEMBER = MEMBERS + "/[member_id]"  # a member's profile
FRONT_DESK = "/front-desk"
LIVE = "/live"
PLANNER = "/planner"  # the trainer's plan editor
PLAN_PRINT = PLANNER + "/print/[plan_id]"  # a plan on paper, one page per week
MY_PLAN = "/my-plan"  # the member's own active plan
SETTINGS = "/settings"
LOGIN = "/login"
SIGNUP = "/signup"
BUSY = "/busy"  # how busy the gym is, for anyone (when the gym publishes it), also inside other sites

PUBLIC_PAGES = frozenset({LOGIN, SIGNUP})
MAX_NEXT_LENGTH = 512


def safe_next_path(value: object, default: str = DASHBOARD) -> str:
    """`value` if it is a path on this site, else `default`: never another origin.

    "//evil.example" and "/\\evil.example" are read by browsers as other hosts, so they are refused,
    as are control characters and the public auth pages themselves (no loop back to sign-in).
    """
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_NEXT_LENGTH:
        return default
    if value.startswith("//") or "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return default
    if value.split("?", 1)[0].rstrip("/") in PUBLIC_PAGES:
        return default
    return value


def login_url(next_path: str | None = None) -> str:
    """The login page, remembering where to return afterwards (only local paths)."""
    target = safe_next_path(next_path, default="")
    if target and target != DASHBOARD:
        return f"{LOGIN}?next={quote(target, safe='/')}"
    return LOGIN


def member_id_in(path: str) -> uuid.UUID | None:
    """The member a profile address names (`/members/<id>`), or None when its last part is no id."""
    return _last_id(path)


def plan_id_in(path: str) -> uuid.UUID | None:
    """The plan a print view's address names (`/planner/print/<id>`), or None when its last part is no id."""
    return _last_id(path)


def _last_id(path: str) -> uuid.UUID | None:
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    try:
        return uuid.UUID(segment)
    except ValueError:
        return None


def plan_print_url(plan_id: uuid.UUID | str) -> str:
    """The print view of a plan."""
    return f"{PLANNER}/print/{plan_id}"
