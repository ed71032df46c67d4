"""Settings in a real browser: profile, password, gym (admin) and staff (admin), plus screenshots."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, ARTIFACTS, sign_in

pytestmark = pytest.mark.e2e


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def toast(page: Page, text: str) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible()


def sign_up_member(page: Page, app_url: str, password: str = "Kettlebell#42") -> str:
    email = f"settings.{uuid.uuid4().hex[:8]}@example.com"
    response = page.request.post(
        "/api/v1/auth/signup",
        data={"email": email, "password": password, "fullName": "Ada Settings", "useCookies": True},
        headers={"Origin": app_url},
    )
    assert response.status == 201, response.text()
    return email


def test_admin_renames_the_gym_and_the_header_shows_it(admin_page: Page) -> None:
    page = admin_page
    page.goto("/settings")
    open_tab(page, "Gym")
    name_input = page.get_by_label("Gym name")
    expect(name_input).to_have_value(re.compile(r".+"))
    original = name_input.input_value()
    try:
        name_input.fill("Iron Temple Fitness")
        page.get_by_role("button", name="Save gym settings").click()
        toast(page, "Saved")
        expect(page.locator("#gym-name")).to_have_text("Iron Temple Fitness")
        page.reload()
        expect(page.locator("#gym-name")).to_have_text("Iron Temple Fitness")
    finally:
        open_tab(page, "Gym")
        page.get_by_label("Gym name").fill(original)
        page.get_by_role("button", name="Save gym settings").click()
        expect(page.locator("#gym-name")).to_have_text(original)


def test_gym_validation_keeps_everything_unchanged(admin_page: Page) -> None:
    page = admin_page
    page.goto("/settings")
    open_tab(page, "Gym")
    before = page.locator("#gym-name").inner_text()
    page.get_by_label("Gym name").fill("Should Not Be Saved")
    page.get_by_label("Maximum capacity").fill("0")
    page.get_by_role("button", name="Save gym settings").click()
    expect(page.locator("#gym-capacity-error")).to_contain_text("whole number from 1")
    expect(page.get_by_label("Maximum capacity")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#gym-name")).to_have_text(before)
    page.screenshot(path=str(ARTIFACTS / "settings-gym-error-light.png"))
    # A closed day needs no hours; reopening offers some.
    page.get_by_label("Open on Sunday").click()
    expect(page.get_by_text("Closed all day")).to_be_visible()
    page.get_by_label("Open on Sunday").click()
    expect(page.get_by_label("Sunday opens")).to_be_visible()


def test_profile_problem_shows_next_to_the_field(admin_page: Page) -> None:
    page = admin_page
    page.goto("/settings")
    email = page.get_by_label("Email")
    expect(email).to_have_value(ADMIN[0])
    email.fill("not-an-email")
    page.get_by_role("button", name="Save profile").click()
    error = page.locator("#profile-email-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("email", re.IGNORECASE))
    expect(email).to_have_attribute("aria-invalid", "true")
    # The message first, then the field's hint.
    expect(email).to_have_attribute("aria-describedby", "profile-email-error profile-email-hint")
    page.screenshot(path=str(ARTIFACTS / "settings-profile-error-light.png"))
    page.reload()
    expect(page.get_by_label("Email")).to_have_value(ADMIN[0])  # nothing was saved


def test_member_edits_profile_and_changes_password(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page()
    email = sign_up_member(page, app_url)
    # A second device of the same member, to see it signed out by the password change.
    other = new_page()
    sign_in(other, app_url, email, "Kettlebell#42", then="/settings")

    page.goto("/settings")
    expect(page.get_by_label("Email")).to_have_value(email)
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Phone").fill("+1 415 555 0134")
    page.get_by_role("button", name="Save profile").click()
    toast(page, "Saved")
    page.locator("#account-menu").click()
    expect(page.locator("#account-name")).to_have_text("Ada Lovelace")
    page.keyboard.press("Escape")
    expect(page.locator("#account-name")).to_be_hidden()

    open_tab(page, "Password")
    page.get_by_label("Current password").fill("Wrong#Password1")
    page.get_by_label("New password", exact=True).fill("Deadlift#2025")
    page.get_by_label("Repeat new password").fill("Deadlift#2025")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-current-error")).to_contain_text("incorrect")

    page.get_by_label("Current password").fill("Kettlebell#42")
    page.get_by_label("New password", exact=True).fill("Deadlift#2025")
    page.get_by_label("Repeat new password").fill("Deadlift#2026")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-repeat-error")).to_have_text("The passwords do not match")

    page.get_by_label("Repeat new password").fill("Deadlift#2025")
    page.get_by_role("button", name="Change password").click()
    toast(page, "signed out on your other devices")
    expect(page.get_by_label("Current password")).to_have_value("")
    # This device stays signed in; the other one is ended at its next action.
    page.reload()
    expect(page.locator("#account-menu")).to_be_visible()
    other.get_by_role("button", name="Save profile").click()
    expect(other).to_have_url(re.compile(r"/login/?\?next="))


def test_staff_add_deactivate_and_last_admin_refusal(admin_page: Page) -> None:
    page = admin_page
    page.goto("/settings")
    open_tab(page, "Staff")
    table = page.locator("#staff-table")
    expect(table.get_by_text(ADMIN[0])).to_be_visible()

    email = f"coach.{uuid.uuid4().hex[:6]}@thrust.com"
    page.get_by_label("Full name").fill("Coach Carter")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Temporary password").fill("short")
    page.get_by_role("button", name="Add staff account").click()
    expect(page.locator("#staff-password-error")).to_contain_text("at least 8")
    page.get_by_label("Temporary password").fill("Whistle#Blow9")
    page.get_by_role("button", name="Add staff account").click()
    toast(page, "Coach Carter can now sign in")
    row = table.get_by_role("row").filter(has_text=email)
    expect(row.get_by_text("Trainer", exact=True).first).to_be_visible()
    expect(row.get_by_text("Active", exact=True)).to_be_visible()

    row.get_by_role("button", name="Deactivate Coach Carter").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("signed out everywhere")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(row.get_by_text("Deactivated", exact=True)).to_be_visible()
    row.get_by_role("button", name="Reactivate Coach Carter").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Reactivate").click()
    expect(row.get_by_text("Active", exact=True)).to_be_visible()

    # The only admin cannot demote themselves: the refusal is shown, nothing changes.
    me = table.get_by_role("row").filter(has_text=ADMIN[0])
    me.get_by_role("combobox").click()
    page.get_by_role("option", name="Trainer").click()
    expect(page.locator("#staff-notice")).to_contain_text("last active admin")
    expect(me.get_by_text("Admin", exact=True).first).to_be_visible()


def test_ai_planner_offline_budget_and_approval(admin_page: Page) -> None:
    page = admin_page
    page.goto("/settings")
    open_tab(page, "AI planner")
    expect(page.locator("#ai-provider")).to_have_text("Built-in planner (no AI endpoint configured)")
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#ai-test-result")).to_contain_text("There is nothing to test")
    expect(page.locator("#ai-usage-empty, #ai-usage-table").first).to_be_visible()

    budget = page.get_by_label("Monthly AI budget (USD)")
    try:
        budget.fill("a lot")
        page.get_by_role("button", name="Save budget").click()
        expect(page.locator("#ai-budget-error")).to_contain_text("amount in US dollars")
        expect(budget).to_have_attribute("aria-invalid", "true")
        budget.fill("125000")
        page.get_by_role("button", name="Save budget").click()
        expect(page.locator("#ai-budget-error")).to_contain_text("0 to 100,000")
        budget.fill("42.5")
        page.get_by_role("button", name="Save budget").click()
        toast(page, "Saved")
        expect(page.locator("#ai-budget-note")).to_contain_text("$42.50 budget")
        page.get_by_label("Members see a generated plan only after a trainer approves it").click()
        toast(page, "only once a trainer approves it")

        page.reload()
        open_tab(page, "AI planner")
        expect(page.get_by_label("Monthly AI budget (USD)")).to_have_value("42.50")
        expect(page.locator("#ai-approval-switch")).to_have_attribute("aria-checked", "true")
        page.screenshot(path=str(ARTIFACTS / "settings-ai-planner-saved-light.png"), full_page=True)
    finally:
        page.get_by_label("Monthly AI budget (USD)").fill("")
        page.get_by_role("button", name="Save budget").click()
        expect(page.locator("#ai-budget-note")).to_contain_text("No monthly budget")
        if page.locator("#ai-approval-switch").get_attribute("aria-checked") == "true":
            page.locator("#ai-approval-switch").click()
            expect(page.locator("#ai-approval-switch")).to_have_attribute("aria-checked", "false")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshots_of_every_settings_tab(new_page: Callable[..., Page], app_url: str, dark: bool) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    mode = "dark" if dark else "light"
    page = new_page(dark=dark)
    sign_in(page, app_url, *ADMIN, then="/settings")
    for tab in ("Profile", "Password", "Gym", "Staff", "AI planner"):
        open_tab(page, tab)
        page.wait_for_timeout(300)  # let the tab's content settle before the picture
        name = tab.lower().replace(" ", "-")
        page.screenshot(path=str(ARTIFACTS / f"settings-{name}-{mode}.png"), full_page=True)
    page.locator("#account-menu").click()
    page.screenshot(path=str(ARTIFACTS / f"account-menu-{mode}.png"))
