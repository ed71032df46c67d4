"""Every page and every dialog passes axe-core's WCAG 2.2 AA rules, in light and dark mode, on a desk
screen and on a phone.

The pages come from the app's page registry and the dialogs from each page's compiled code, so a new
page or dialog without an entry in `ROUTES` fails `test_every_page_and_dialog_has_an_accessibility_check`.
Each view is checked as the demo admin (the sign-in and sign-up pages signed out, every page once more
as a member, in two of the modes): opened once, then checked in the four modes by switching the colour
scheme and the viewport in place (no reload); a dialog is checked on its own, and must take the focus
and give it back. The sweep takes about two minutes on a quiet box.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import reflex as rx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.axe import violations
from tests.e2e.conftest import ADMIN, unique_ip
from tests.e2e.test_csp import (
    NOT_FOUND_PATHS,
    a_member_id,
    a_plan_id,
    page_path,
    public_pages,
    registered_pages,
)
from tests.server import AppServer
from thrust.ui import registry, routes
from thrust.ui.shell import template

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MODES = (("light", DESKTOP), ("dark", DESKTOP), ("light", PHONE), ("dark", PHONE))
# A member's pages are built from the same pieces the admin's sweep checks in every mode: each colour
# scheme and each width once is enough for what differs (their content).
MEMBER_MODES = (("light", DESKTOP), ("dark", PHONE))
MEMBER_PASSWORD = "Member123!"
DIALOG = "[role=dialog], [role=alertdialog]"
FOCUS_IN_DIALOG = f"() => !!document.activeElement?.closest('{DIALOG}')"
FOCUS_ON_PAGE = "() => !!document.activeElement && document.activeElement !== document.body"

# Finite animations (a dialog fading in) are over; endless ones (the live dot) and ones still waiting
# out their delay (the live page's staleness watchdog) do not count.
ANIMATIONS_DONE = """() => document.getAnimations().every((a) => {
  const timing = a.effect && a.effect.getComputedTiming();
  return a.playState !== "running" || !timing || timing.iterations === Infinity
    || timing.activeDuration === Infinity || (a.currentTime ?? 0) < (timing.delay ?? 0);
})"""


# -- what is checked ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A state of a page worth its own check: `show` brings it up from the page as the previous view
    left it; a dialog is closed with Escape afterwards."""

    name: str
    show: Callable[[Page], None]
    dialog: bool = False


@dataclass(frozen=True)
class Route:
    ready: str | None = None  # a selector present once the page shows its data
    views: tuple[View, ...] = ()


def _open_dialog(page: Page, opener: str, role: str = "dialog") -> None:
    page.locator(opener).click()
    expect(page.get_by_role(role)).to_be_visible()


def _generate_form(page: Page) -> None:
    """The AI planner's form, sent without a goal: its fields and the message next to the goals."""
    _open_dialog(page, "#planner-generate")
    page.locator("#ai-generate").click()
    expect(page.locator("#ai-goals-error")).to_be_visible()


def _open_tab(name: str, ready: str) -> Callable[[Page], None]:
    def show(page: Page) -> None:
        page.get_by_role("tab", name=name).click()
        expect(page.locator(ready).first).to_be_visible()

    return show


IMPORT_CSV = (
    b"Name;E-mail;Mobile;Plan;Expiry\n"
    b"Lena Fischer;lena.a11y@example.com;+49 30 1234567;premium;31.12.2030\n"
    b"Broken Row;not-an-email;12;gold;someday\n"
)


def _import_mapping(page: Page) -> None:
    _open_dialog(page, "#import-members")
    page.locator("#import-dialog input[type=file]").set_input_files(
        files=[{"name": "old-system.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV}]
    )
    expect(page.locator("#import-mapping")).to_contain_text("E-mail")


def _import_report(page: Page) -> None:
    _import_mapping(page)
    page.locator("#import-check").click()
    expect(page.locator("#import-problems")).to_be_visible()


def _select_a_row(page: Page) -> None:
    page.locator("#members-table tbody tr").first.get_by_role("checkbox").click()
    expect(page.get_by_role("region", name="Bulk actions")).to_be_visible()


def _bulk_confirmation(page: Page) -> None:
    page.get_by_role("region", name="Bulk actions").get_by_role("button", name="Freeze").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()


def _staff_confirmation(page: Page) -> None:
    page.locator("#staff-table").get_by_role("button", name=re.compile(r"^Deactivate ")).first.click()
    expect(page.get_by_role("alertdialog")).to_be_visible()


def _desk_results(page: Page) -> None:
    page.locator("#desk-search").fill("a")
    expect(page.locator("#desk-results [role=option]").first).to_be_visible()


def _sign_in_refused(page: Page) -> None:
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password", exact=True).fill("Wrong-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-thrust-auth-message]")).to_be_visible()


def _sign_up_incomplete(page: Page) -> None:
    page.get_by_label("Full name").fill("A")
    page.get_by_label("Email").fill("someone@example.com")
    page.get_by_label("Password", exact=True).fill("Short-1")
    page.get_by_label("Repeat password").fill("Other-2")  # refused before anything is sent
    page.get_by_role("button", name="Create account").click()
    expect(page.locator('[aria-invalid="true"]').first).to_be_visible()


# Every page the app registers, with the views and dialogs it can show. A page or dialog missing here
# fails test_every_page_and_dialog_has_an_accessibility_check.
ROUTES: dict[str, Route] = {
    # The staff dashboard, once its charts are drawn (plotly's bundle arrives after the cards).
    "index": Route('#dashboard-charts[data-loaded="true"] #heatmap-chart .js-plotly-plot'),
    "members": Route(
        "#members-table[aria-busy=false] tbody tr a",
        (
            View("add member", lambda page: _open_dialog(page, "#add-member"), dialog=True),
            View("import: upload", lambda page: _open_dialog(page, "#import-members"), dialog=True),
            View("import: match columns", _import_mapping, dialog=True),
            View("import: check", _import_report, dialog=True),
            View("selection", _select_a_row),
            View("bulk confirmation", _bulk_confirmation, dialog=True),
        ),
    ),
    "members/[member_id]": Route(
        "#member-name-heading",
        (
            View("edit member", lambda page: _open_dialog(page, "#edit-member"), dialog=True),
            View(
                "delete confirmation",
                lambda page: _open_dialog(page, "#delete-member", "alertdialog"),
                dialog=True,
            ),
        ),
    ),
    "front-desk": Route('#capacity-summary[data-loaded="true"]', (View("search results", _desk_results),)),
    "live": Route('#occupancy-panel[data-loaded="true"]'),
    "planner": Route(
        "#plan-days .plan-exercise",
        (
            View(
                "catalog picker",
                lambda page: _open_dialog(page, "#plan-days button:has-text('Add exercise') >> nth=0"),
                dialog=True,
            ),
            View("delete plan", lambda page: _open_dialog(page, "#plan-delete", "alertdialog"), dialog=True),
            View("generate with AI", _generate_form, dialog=True),
        ),
    ),
    "planner/print/[plan_id]": Route("#print-title, #plan-missing"),
    # Staff are pointed to the planner; a member's plan, its disclosures and messages are checked in
    # tests/e2e/test_my_plan.py (on the phone, in both schemes).
    "my-plan": Route("#my-plan-staff"),
    "settings": Route(
        "#profile-form",
        (
            View("password tab", _open_tab("Password", "#password-form")),
            View("gym tab", _open_tab("Gym", "#gym-form")),
            View("staff tab", _open_tab("Staff", "#staff-table tbody tr")),
            View("deactivate staff", _staff_confirmation, dialog=True),
            View("jobs tab", _open_tab("Jobs", "#jobs-table")),
            View("ai planner tab", _open_tab("AI planner", "#ai-budget-form")),
        ),
    ),
    "404": Route("#not-found-home"),
    # Switched off here (the default); switched on, it is checked in tests/e2e/test_busy.py.
    "busy": Route("#busy-off"),
    "login": Route("form[data-thrust-auth]", (View("refused", _sign_in_refused),)),
    "signup": Route("form[data-thrust-auth]", (View("incomplete", _sign_up_incomplete),)),
}
PUBLIC = public_pages()
# What a member's own pages show once loaded (their plan, or the word that there is none yet).
MEMBER_READY = {"my-plan": "#my-plan-overview, #my-plan-empty"}
# The shell's own dialogs (on every signed-in page), checked once on the dashboard.
SHELL = Route(
    '#capacity-summary[data-loaded="true"]',
    (
        View(
            "remove demo data confirmation",
            lambda page: _open_dialog(page, "#remove-demo-data", "alertdialog"),
            dialog=True,
        ),
    ),
)


def _dialogs(component: object) -> int:
    return len(re.findall(r"RadixThemes(?:Alert)?Dialog\.Root", str(component)))


def shell_dialogs() -> int:
    """The dialogs of the shell around every signed-in page (the demo banner's confirmation)."""
    return _dialogs(template("")(rx.fragment)())


def dialogs_in_code(route: str) -> int:
    """How many dialogs (Radix Dialog or AlertDialog roots) the page's compiled code declares, not
    counting the shell's (those are checked once, on the dashboard)."""
    registered_pages()
    spec = registry.PAGES[route]
    return _dialogs(spec.component()) - (0 if spec.public else shell_dialogs())


# -- the sweep ---------------------------------------------------------------------------------------


class Checker:
    """One browser tab that opens views and runs axe on each in every mode."""

    def __init__(self, page: Page, modes: tuple[tuple[str, dict[str, int]], ...] = MODES) -> None:
        self.page = page
        self.modes = modes
        self.found: list[str] = []

    def open(self, path: str, route: Route, *, signed_in: bool) -> None:
        page = self.page
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(DESKTOP)
        response = page.goto(path)
        expected = 404 if path in NOT_FOUND_PATHS else 200
        assert response is not None and response.status == expected, (path, response and response.status)
        if signed_in:
            expect(page.locator("#account-menu")).to_have_text(re.compile(r"\w"), timeout=30_000)
        if route.ready:
            expect(page.locator(route.ready).first).to_be_visible(timeout=30_000)
        page.wait_for_load_state("networkidle")

    def check(self, where: str, *, within: str | None = None) -> None:
        page = self.page
        for scheme, viewport in self.modes:
            page.emulate_media(color_scheme=scheme)
            page.set_viewport_size(viewport)
            expect(page.locator("html")).to_have_class(re.compile(rf"\b{scheme}\b"))
            page.wait_for_timeout(100)  # layout for the new width
            page.wait_for_function(ANIMATIONS_DONE)
            self.found += violations(page, f"{where} [{scheme}, {viewport['width']}px]", within=within)
        page.set_viewport_size(DESKTOP)

    def sweep(self, path: str, route: Route, who: str, *, signed_in: bool = True, views: bool = True) -> None:
        self.open(path, route, signed_in=signed_in)
        self.check(f"{path} as {who}")
        for view in route.views if views else ():
            view.show(self.page)
            if view.dialog:  # it takes the focus (Radix then keeps it inside)
                self.page.wait_for_function(FOCUS_IN_DIALOG)
            # A dialog on its own: the page behind it had its check (and is hidden from readers).
            self.check(f"{path} as {who}: {view.name}", within=DIALOG if view.dialog else None)
            if view.dialog:  # and gives it back when it closes
                self.page.keyboard.press("Escape")
                expect(self.page.locator(DIALOG)).to_have_count(0)
                self.page.wait_for_function(FOCUS_ON_PAGE)


@pytest.fixture
def axe_context(browser: Browser, app_url: str) -> Iterator[BrowserContext]:
    # axe is injected as an inline script, which the app's Content-Security-Policy would refuse.
    context = browser.new_context(
        base_url=app_url,
        viewport=DESKTOP,
        bypass_csp=True,
        extra_http_headers={"X-Forwarded-For": unique_ip()},
    )
    context.set_default_timeout(20_000)
    yield context
    context.close()


def _sign_in(page: Page, app_url: str, email: str, password: str) -> None:
    response = page.request.post(
        "/api/v1/auth/login",
        data={"email": email, "password": password, "useCookies": True},
        headers={"Origin": app_url},
    )
    assert response.ok, response.text()


def test_every_page_and_dialog_has_an_accessibility_check() -> None:
    pages = registered_pages()
    assert sorted(ROUTES) == pages, "add the new page (and its dialogs) to ROUTES in this module"
    assert shell_dialogs() == len(SHELL.views), "a dialog of the shell without an axe check"
    for route in pages:
        declared = sum(view.dialog for view in ROUTES[route].views)
        # Several views may show one dialog (the import's steps); each dialog needs at least one.
        assert declared >= dialogs_in_code(route), f"{route}: a dialog without an axe check"


def test_pages_and_dialogs_pass_axe_as_the_admin_and_signed_out(
    axe_context: BrowserContext, app_server: AppServer, app_url: str
) -> None:
    checker = Checker(axe_context.new_page())
    for route in sorted(PUBLIC):
        checker.sweep(page_path(route, ""), ROUTES[route], "a visitor", signed_in=False)

    _sign_in(checker.page, app_url, *ADMIN)
    member_id = a_member_id(app_server)
    # The member's profile then shows a plan's card, and the print view that plan.
    plan_id = a_plan_id(checker.page, app_url, member_id)
    for route in registered_pages():
        if route not in PUBLIC:
            checker.sweep(page_path(route, member_id, plan_id), ROUTES[route], "the admin")
    assert not checker.found, "\n".join(checker.found)


def test_pages_pass_axe_as_a_member(axe_context: BrowserContext, app_url: str) -> None:
    page = axe_context.new_page()
    _sign_in(page, app_url, *ADMIN)
    member = page.request.get("/api/v1/members?limit=1&status=ACTIVE").json()["data"][0]
    page.context.clear_cookies()
    _sign_in(page, app_url, member["email"], MEMBER_PASSWORD)

    checker = Checker(page, MEMBER_MODES)
    for route in registered_pages():
        if route in PUBLIC:
            continue
        # Staff pages send a member elsewhere or say they are for staff: that is what gets checked.
        checker.sweep(page_path(route, member["id"]), Route(MEMBER_READY.get(route)), "a member", views=False)
    assert not checker.found, "\n".join(checker.found)


def test_the_shells_dialogs_pass_axe_as_the_admin(axe_context: BrowserContext, app_url: str) -> None:
    checker = Checker(axe_context.new_page())
    _sign_in(checker.page, app_url, *ADMIN)
    checker.sweep(routes.DASHBOARD, SHELL, "the admin")
    assert not checker.found, "\n".join(checker.found)
