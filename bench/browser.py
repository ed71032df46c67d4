"""The browser benchmarks' Chromium: Debian's, headless, signed in as the demo admin through the API."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import BrowserContext, sync_playwright

from tests.server import launch

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


@contextmanager
def demo_server(name: str) -> Iterator[str]:
    """`python -m thrust serve` on SQLite with the demo data, its build in .web-bench-<name>; its URL."""
    with launch(Path(tempfile.mkdtemp(prefix=f"thrust_bench_{name}_")), name=f"bench-{name}") as app:
        print(f"server with the demo data up at {app.url}")
        yield app.url
