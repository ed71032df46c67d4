"""The browser's auth cookies: names, attributes, and setting or clearing them on a response."""

from __future__ import annotations

from starlette.responses import Response

from thrust.auth.tokens import ACCESS_TTL, DEVICE_TTL, REFRESH_TTL
from thrust.core.settings import get_settings

ACCESS_COOKIE = "thrust_access"
REFRESH_COOKIE = "thrust_refresh"
# The refresh token is only ever sent to the auth routes (refresh, logout), never to pages or the socket.
REFRESH_COOKIE_PATH = "/api/v1/auth"
# "This browser has signed in to this account before" (see thrust/auth/service.py login): only the
# auth routes need it. Signing out keeps it: the browser stays one its owner has used.
DEVICE_COOKIE = "thrust_device"


def set_auth_cookies(response: Response, access: str, refresh: str, *, secure: bool) -> None:
    """Put both tokens in HttpOnly cookies: JavaScript in the page can never read them."""
    response.set_cookie(
        ACCESS_COOKIE,
        access,
        max_age=int(ACCESS_TTL.total_seconds()),
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        refresh,
        max_age=int(REFRESH_TTL.total_seconds()),
        path=REFRESH_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_auth_cookies(response: Response) -> None:
    """Tell the browser to drop both cookies (same name, path and attributes as when set)."""
    secure = get_settings().secure_cookies
    response.delete_cookie(ACCESS_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(
        REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, secure=secure, httponly=True, samesite="strict"
    )


def set_device_cookie(response: Response, device_token: str, *, secure: bool) -> None:
    """Remember this browser as one that signed in to the account (HttpOnly, a year, auth routes only)."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_token,
        max_age=int(DEVICE_TTL.total_seconds()),
        path=REFRESH_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )
