"""Signing up, in and out in a real browser: cookies, protected pages, messages, lockout, roles."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ADMIN,
    ARTIFACTS,
    TRAINER,
    open_account_menu,
    path_of,
    sign_in,
    sign_in_with_form,
    unique_ip,
    wait_until_signed_in,
)

pytestmark = pytest.mark.e2e

MEMBER_NAV = ("Dashboard", "My plan", "Live traffic", "Settings")
STAFF_ONLY_NAV = ("Members", "Front desk", "Planner")


def expect_signed_in_as(page: Page, name: str, role: str) -> None:
    wait_until_signed_in(page)
    open_account_menu(page)
    expect(page.locator("#account-name")).to_have_text(name)
    expect(page.locator("#account-role")).to_have_text(role)
    page.keyboard.press("Escape")
    expect(page.locator("#account-name")).to_be_hidden()


def sign_out(page: Page) -> None:
    open_account_menu(page)
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))


def test_sign_up_a_new_member_who_sees_only_member_pages(new_page: Callable[..., Page]) -> None:
    page = new_page()
    email = f"new.member.{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    expect(page.get_by_role("heading", name="Join THRUST")).to_be_visible()
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone").fill("+44 20 7946 0958")
    page.get_by_label("Password", exact=True).fill("Kettlebell#42")
    page.get_by_label("Repeat password").fill("Kettlebell#42")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"localhost:\d+/$"))
    expect_signed_in_as(page, "Noor Haddad", "Member")
    nav = page.get_by_role("navigation", name="Main")
    for label in MEMBER_NAV:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    for label in STAFF_ONLY_NAV:
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
    # Settings shows a member their own tabs only.
    nav.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("tab", name="Profile")).to_be_visible()
    expect(page.get_by_role("tab", name="Gym")).to_have_count(0)
    expect(page.get_by_role("tab", name="Staff")).to_have_count(0)
    expect(page.get_by_label("Email")).to_have_value(email)
    # Typing a staff page's address leads back to the dashboard (and nothing of that page loads).
    page.goto("/front-desk")
    expect(page.locator("[data-sonner-toast]").filter(has_text="not part of your account")).to_be_visible()
    expect(page).to_have_url(re.compile(r"localhost:\d+/$"))


def test_sign_up_problems_show_next_to_their_fields(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/signup")
    page.get_by_label("Full name").fill("Weak Password")
    page.get_by_label("Email").fill(f"weak.{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Repeat password").fill("passw0rd")
    page.get_by_role("button", name="Create account").click()
    # The browser catches the mismatch before asking the server.
    expect(page.locator("#confirmPassword-error")).to_have_text("The passwords do not match")
    page.get_by_label("Repeat password").fill("password")
    page.get_by_role("button", name="Create account").click()
    error = page.locator("#password-error")
    expect(error).to_contain_text("uppercase")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text="highlighted")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "signup-errors-light.png"), full_page=True)
    # An email that is taken is reported on the email field.
    page.get_by_label("Email").fill(ADMIN[0])
    page.get_by_label("Password", exact=True).fill("Kettlebell#42")
    page.get_by_label("Repeat password").fill("Kettlebell#42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#email-error")).to_contain_text("already exists")
    expect(page).to_have_url(re.compile(r"/signup/?$"))


def test_log_in_reload_stays_logged_in_then_log_out(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/login")
    sign_in_with_form(page, *ADMIN)
    expect(page).to_have_url(re.compile(r"localhost:\d+/$"))
    expect_signed_in_as(page, "Gym Admin", "Admin")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["thrust_access"]["httpOnly"] and cookies["thrust_access"]["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("thrust_access") == -1, "the cookie must be HttpOnly"

    page.reload()
    expect_signed_in_as(page, "Gym Admin", "Admin")

    sign_out(page)
    assert "thrust_access" not in {c["name"] for c in page.context.cookies()}
    page.goto("/settings")
    expect(page).to_have_url(re.compile(r"/login/?\?next=(/|%2F)settings"))
    expect(page.get_by_role("heading", name="Sign in to THRUST")).to_be_visible()


def test_protected_page_sends_you_to_sign_in_and_back(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/settings")
    expect(page).to_have_url(re.compile(r"/login/?\?next=(/|%2F)settings$"))
    sign_in_with_form(page, *TRAINER)
    expect(page).to_have_url(re.compile(r"localhost:\d+/settings/?$"))
    assert path_of(page) == "/settings"
    expect(page.get_by_role("tab", name="Profile")).to_be_visible()
    expect_signed_in_as(page, "Marcus Reid", "Trainer")


def test_next_never_leaves_the_site(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/login?next=//evil.example/phish")
    sign_in_with_form(page, *TRAINER)
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/$"))


def test_a_signed_in_user_opening_the_login_page_goes_on(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page()
    sign_in(page, app_url, *TRAINER)
    page.goto("/login?next=/settings")
    expect(page).to_have_url(re.compile(r"localhost:\d+/settings/?$"))


def test_an_expired_access_cookie_is_renewed_with_the_refresh_cookie(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page()
    sign_in(page, app_url, *TRAINER)
    page.context.clear_cookies(name="thrust_access")  # as the browser does when it expires (24 h)
    with page.expect_response("**/api/v1/auth/refresh") as refreshed:
        page.goto("/settings")
    assert refreshed.value.ok
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"localhost:\d+/settings/?$"))
    expect_signed_in_as(page, "Marcus Reid", "Trainer")
    assert "thrust_access" in {c["name"] for c in page.context.cookies()}


def test_wrong_password_says_so_and_stays(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/login")
    sign_in_with_form(page, ADMIN[0], "Not-the-password1!")
    alert = page.get_by_role("alert").filter(has_text="Invalid email or password")
    expect(alert).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    # Unknown accounts get exactly the same message.
    sign_in_with_form(page, f"nobody.{uuid.uuid4().hex[:6]}@example.com", "Not-the-password1!")
    expect(alert).to_be_visible()


def test_lockout_after_five_failures(new_page: Callable[..., Page]) -> None:
    page = new_page(ip=unique_ip())
    page.goto("/login")
    for attempt in range(5):
        sign_in_with_form(page, f"locked.{attempt}@example.com", "Not-the-password1!")
        expect(page.get_by_role("alert").filter(has_text="Invalid email or password")).to_be_visible()
    sign_in_with_form(page, *ADMIN)  # even the right password is refused now
    expect(page.get_by_role("alert").filter(has_text="Too many failed sign-in attempts")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    # Another address is not affected.
    other = new_page(ip=unique_ip())
    other.goto("/login")
    sign_in_with_form(other, *ADMIN)
    expect(other).to_have_url(re.compile(r"localhost:\d+/$"))


def test_signing_out_elsewhere_ends_this_tab_at_its_next_action(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page()
    sign_in(page, app_url, *TRAINER, then="/settings")
    expect(page.get_by_role("tab", name="Profile")).to_be_visible()
    # The same session ends from another tab of this browser (same cookies, its own socket).
    other = page.context.new_page()
    other.goto("/")
    sign_out(other)
    # This tab's socket still carries the old cookie: its next event is refused and it is sent to sign in.
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your session has ended; please sign in again")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/?\?next="))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshots_of_the_sign_in_pages(new_page: Callable[..., Page], dark: bool) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    mode = "dark" if dark else "light"
    page = new_page(dark=dark)
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to THRUST")).to_be_visible()
    sign_in_with_form(page, ADMIN[0], "Not-the-password1!")
    expect(page.get_by_role("alert").filter(has_text="Invalid email or password")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"login-{mode}.png"))
    page.goto("/signup")
    expect(page.get_by_role("heading", name="Join THRUST")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"signup-{mode}.png"), full_page=True)
