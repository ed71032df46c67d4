"""The browser benchmarks' Chromium: Debian's, headless, signed in as the demo admin through the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import BrowserContext, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ADMIN = {"email": "admin@thrust.com", "password": "Admin123!"}


@contextmanager
def admin_browser(url: str, *, client_ip: str) -> Iterator[BrowserContext]:
    """A desk-sized browser context on `url`, its cookies the demo admin's. `client_ip` keeps each
    benchmark's sign-ins apart from the others' in the per-address limits."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                base_url=url,
                viewport={"width": 1280, "height": 900},
                extra_http_headers={"X-Forwarded-For": client_ip},
            )
            response = context.request.post(
                "/api/v1/auth/login", data={**ADMIN, "useCookies": True}, headers={"Origin": url}
            )
            assert response.ok, response.text()
            yield context
        finally:
            browser.close()
