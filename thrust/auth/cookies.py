"""The browser's auth cookies: names, attributes, and setting or clearing them on a response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

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


@dataclass(frozen=True)
class AuthCookie:
    """An HttpOnly cookie (JavaScript in the page can never read it): where the browser sends it and
    for how long, written once so that clearing it names the same path and attributes as setting it."""

    name: str
    path: str
    samesite: Literal["lax", "strict"]
    ttl: timedelta

    def set(self, response: Response, value: str, *, secure: bool) -> None:
        max_age = int(self.ttl.total_seconds())
        response.set_cookie(
            self.name, value, max_age, path=self.path, secure=secure, httponly=True, samesite=self.samesite
        )

    def clear(self, response: Response, *, secure: bool) -> None:
        response.delete_cookie(
            self.name, path=self.path, secure=secure, httponly=True, samesite=self.samesite
        )


ACCESS = AuthCookie(ACCESS_COOKIE, "/", "lax", ACCESS_TTL)
REFRESH = AuthCookie(REFRESH_COOKIE, REFRESH_COOKIE_PATH, "strict", REFRESH_TTL)
DEVICE = AuthCookie(DEVICE_COOKIE, REFRESH_COOKIE_PATH, "strict", DEVICE_TTL)


def set_auth_cookies(response: Response, access: str, refresh: str, *, secure: bool) -> None:
    """Put both tokens in their cookies."""
    ACCESS.set(response, access, secure=secure)
    REFRESH.set(response, refresh, secure=secure)


def clear_auth_cookies(response: Response) -> None:
    """Tell the browser to drop both token cookies."""
    secure = get_settings().secure_cookies
    ACCESS.clear(response, secure=secure)
    REFRESH.clear(response, secure=secure)


def set_device_cookie(response: Response, device_token: str, *, secure: bool) -> None:
    """Remember this browser as one that signed in to the account (a year, auth routes only)."""
    DEVICE.set(response, device_token, secure=secure)
