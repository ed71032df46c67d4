"""Every page renders in Chromium under its Content-Security-Policy without a single violation.

The pages come from the app's own page registry, so a new page is checked without editing this test.
Each is opened as the demo admin (the sign-in and sign-up pages anonymously, since they send a
signed-in visitor on), with a listener for `securitypolicyviolation` installed before any page
script runs, and the console watched for the browser's own CSP reports. A screenshot of each page
lands in test-artifacts/csp-*.png. Signing out at the end runs a script the server sends (Reflex
evaluates it), which the policy must allow.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy.engine import make_url

from tests.e2e.conftest import ADMIN, ARTIFACTS, VIEWPORT, sign_in, unique_ip
from tests.e2e.plans import create_plan, gym_today
from tests.server import AppServer
from thrust.ui import registry, routes

pytestmark = pytest.mark.e2e

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} `
    + `(${e.sourceFile || "?"}:${e.lineNumber})`);
});
"""
NO_SUCH_PAGE = "/no-such-page"  # an address no page has: the "Page not found" page, with status 404
# The public occupancy page answers 404 too while the gym keeps it to itself (the default).
NOT_FOUND_PATHS = {NO_SUCH_PAGE, routes.BUSY}
CSP_CONSOLE = re.compile(r"Content Security Policy|Refused to (load|execute|apply|connect|frame|evaluate)")


def registered_pages() -> list[str]:
    """Every page the app declares (thrust/ui/registry.py), by Reflex's name of its route."""
    import thrust.thrust  # noqa: F401  (declares every page, as the running app does)

    return sorted(registry.PAGES)


def public_pages() -> set[str]:
    """The pages a visitor opens without signing in (sign-in, sign-up, page not found)."""
    registered_pages()
    return {key for key, spec in registry.PAGES.items() if spec.public}


def a_member_id(server: AppServer) -> str:
    path = make_url(server.db_url).database
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT id FROM members ORDER BY full_name LIMIT 1").fetchone()
    return str(uuid.UUID(row[0]))


def a_plan_id(page: Page, app_url: str, member_id: str) -> str:
    """A plan of the member (made now, through the API, by the signed-in staff browser `page`)."""
    return create_plan(page, app_url, member_id, title="Checked plan", starts_on=gym_today())


def page_path(route: str, member_id: str, plan_id: str | None = None) -> str:
    if route == "index":
        return routes.DASHBOARD
    if route == registry.NOT_FOUND:
        return NO_SUCH_PAGE
    if route == "planner":  # with the member's plans, the active one open in the editor
        return f"{routes.PLANNER}?member={member_id}"
    path = "/" + route
    # Dynamic segments get a real id: a plan's print view a plan's ("planner/print/[plan_id]"; without
    # one, the member's id: no plan has it, the page says so), any other a member's ("members/[member_id]").
    path = path.replace("[plan_id]", plan_id or member_id)
    return re.sub(r"\[[^\]]+\]", member_id, path)


class Watched:
    """A browser tab that records CSP violations (DOM events and console reports)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if CSP_CONSOLE.search(message.text):
            self.console.append(message.text)

    def open(self, path: str, name: str, *, signed_in: bool) -> list[str]:
        response = self.page.goto(path)
        expected = 404 if path in NOT_FOUND_PATHS else 200
        assert response is not None and response.status == expected, (path, response and response.status)
        csp = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, f"{path}: CSP {csp!r}"
        if signed_in:
            # Hydrated: the header shows the user's initials (slow pages on a busy box get longer).
            expect(self.page.locator("#account-menu")).to_have_text(re.compile(r"\w"), timeout=30_000)
            expect(self.page.get_by_role("navigation", name="Main")).to_be_visible()
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(500)  # late styles and icons
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"csp-{name}.png"), full_page=True)
        return self.violations(path)

    def violations(self, where: str) -> list[str]:
        found = [f"{where}: {v}" for v in self.page.evaluate("window.__cspViolations || []")]
        found += [f"{where}: console: {text}" for text in self.console]
        self.console.clear()
        return found


@pytest.fixture
def watched(browser: Browser, app_url: str) -> Iterator[Watched]:
    context = browser.new_context(
        base_url=app_url, viewport=VIEWPORT, extra_http_headers={"X-Forwarded-For": unique_ip()}
    )
    context.set_default_timeout(20_000)
    yield Watched(context.new_page())
    context.close()


def test_every_page_renders_under_its_csp_without_a_violation(
    watched: Watched, app_server: AppServer, app_url: str
) -> None:
    pages = registered_pages()
    assert {"index", "login", "signup", "members", "settings"} <= set(pages), pages
    public = public_pages()
    assert {"login", "signup", registry.NOT_FOUND} <= public, public
    member_id = a_member_id(app_server)
    violations: list[str] = []

    for route in sorted(public):
        violations += watched.open(page_path(route, member_id), f"anonymous-{route}", signed_in=False)
    expect(watched.page.get_by_role("button")).not_to_have_count(0)

    sign_in(watched.page, app_url, *ADMIN)
    plan_id = a_plan_id(watched.page, app_url, member_id)
    for route in pages:
        if route in public:
            continue
        name = re.sub(r"\W+", "-", route).strip("-")
        violations += watched.open(page_path(route, member_id, plan_id), name, signed_in=True)

    # The server's own scripts (sign-out runs through Reflex's eval) are allowed too.
    page = watched.page
    page.locator("#account-menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    violations += watched.violations("sign-out")

    assert not violations, "\n".join(violations)
