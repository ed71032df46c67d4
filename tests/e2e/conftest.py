"""Browser fixtures: Chromium (Debian's) driving the session's production server."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}

ADMIN = ("admin@thrust.com", "Admin123!")
TRAINER = ("marcus.reid@thrust.com", "Trainer123!")


# Module scope, not session: Playwright's sync API runs an event loop in the main thread while it is
# open, and every later test that calls asyncio.run() (socket clients, Reflex state tests) would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def unique_ip() -> str:
    """A client address of our own (the server trusts one proxy hop): rate limits never leak between tests."""
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _context(browser: Browser, app_url: str, *, ip: str | None = None, dark: bool = False) -> BrowserContext:
    context = browser.new_context(
        base_url=app_url,
        viewport=VIEWPORT,
        color_scheme="dark" if dark else "light",
        extra_http_headers={"X-Forwarded-For": ip or unique_ip()},
    )
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def page(browser: Browser, app_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = _context(browser, app_url)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def new_page(browser: Browser, app_url: str) -> Iterator[Callable[..., Page]]:
    """Open another browser (own cookies, own client address): `new_page(dark=True, ip="10.1.2.3")`."""
    contexts: list[BrowserContext] = []

    def make(*, ip: str | None = None, dark: bool = False) -> Page:
        context = _context(browser, app_url, ip=ip, dark=dark)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, app_url: str, email: str, password: str, *, then: str = "/") -> None:
    """Sign in through the API (sets the HttpOnly cookies in this browser), then open `then`."""
    response = page.request.post(
        "/api/v1/auth/login",
        data={"email": email, "password": password, "useCookies": True},
        headers={"Origin": app_url},
    )
    assert response.ok, response.text()
    page.goto(then)
    wait_until_signed_in(page)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def wait_until_signed_in(page: Page) -> None:
    """Until the shell says it has hydrated with the user known (`data-hydrated`, set once the page's
    load chain ran): from then on nothing re-renders the header, so a menu opened now stays open."""
    expect(page.locator("[data-hydrated='true']")).to_be_attached()
    expect(page.locator("#account-menu")).to_have_text(re.compile(r"\w"))


def sign_in_with_form(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_account_menu(page: Page) -> None:
    """Open the header's account menu once the page has hydrated."""
    wait_until_signed_in(page)
    page.locator("#account-menu").click()
    expect(page.get_by_role("menu")).to_be_visible()


def path_of(page: Page) -> str:
    """The current path without the static server's trailing slash."""
    return re.sub(r"^https?://[^/]+", "", page.url).replace("/?", "?").rstrip("/") or "/"


@pytest.fixture
def admin_page(new_page: Callable[..., Page], app_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A browser signed in as the demo admin, on the dashboard."""
    page = new_page()
    sign_in(page, app_url, *ADMIN)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
