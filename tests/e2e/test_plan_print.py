"""A workout plan on paper and on the member's profile, in a real browser: the print view shows the plan
with a Print button; printed, the shell and the button are gone and each week is a page of its own.
The member's profile shows the plan's card with links to the print view and the planner."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.plans import create_plan, gym_today

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/plan-extras")


def shot(page: Page, name: str, **options: object) -> None:
    for folder in (ARTIFACTS, SHOTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), **options)  # type: ignore[arg-type]


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF: its page objects (`/Type /Page`, not the `/Type /Pages` tree above them)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def a_member(page: Page) -> dict[str, str]:
    found = page.request.get("/api/v1/members?limit=1&status=ACTIVE").json()["data"][0]
    return {"id": found["id"], "name": found["fullName"]}


def test_the_print_view_prints_one_page_per_week_without_the_shell(admin_page: Page, app_url: str) -> None:
    page = admin_page
    member = a_member(page)
    plan_id = create_plan(page, app_url, member["id"], title="Paper plan", starts_on=gym_today())
    page.goto(f"/planner/print/{plan_id}")
    expect(page.locator("#print-title")).to_have_text("Paper plan")
    expect(page.locator("#print-member")).to_have_text(member["name"])
    expect(page.locator(".thrust-print-week")).to_have_count(4)
    expect(page.get_by_role("table")).to_have_count(12)  # 4 weeks x 3 days
    expect(page.get_by_role("heading", name="Nutrition tips")).to_be_visible()
    expect(page.locator("#print-plan")).to_be_visible()
    page.wait_for_timeout(300)  # icons
    shot(page, "print-view-screen", full_page=True)

    page.emulate_media(media="print")
    for part in (
        page.get_by_role("navigation", name="Main"),
        page.locator("header"),
        page.locator("#account-menu"),
        page.locator("#print-plan"),
    ):
        expect(part).to_be_hidden()
    expect(page.locator("#print-title")).to_be_visible()
    shot(page, "print-view-print-media", full_page=True)

    assert pdf_pages(page.pdf(format="A4")) == 4
    page.emulate_media(media="screen")


def test_a_plan_the_viewer_may_not_see_is_plainly_not_found(admin_page: Page) -> None:
    page = admin_page
    page.goto(f"/planner/print/{uuid.uuid4()}")
    expect(page.locator("#plan-missing")).to_contain_text("Plan not found")


def test_the_profile_card_shows_the_active_plan_and_its_links(admin_page: Page, app_url: str) -> None:
    page = admin_page
    member = a_member(page)
    plan_id = create_plan(page, app_url, member["id"], title="Profile plan", starts_on=gym_today())
    done = page.request.post(
        f"/api/v1/workout-plans/{plan_id}/progress",
        data={"weekNumber": 1, "dayNumber": 1, "completed": True},
        headers={"Origin": app_url},
    )
    assert done.ok, done.text()
    page.goto(f"/members/{member['id']}")
    card = page.locator("#plan-card")
    expect(card.locator("#plan-title")).to_have_text("Profile plan")
    expect(card.locator("#plan-completion")).to_have_text("1 of 12 days done (8%)")
    expect(card.locator("#plan-adherence")).to_have_text("1 of 1 day due so far (100%)")
    expect(card.get_by_role("progressbar", name="Week 1 completion")).to_have_attribute("aria-valuenow", "1")
    expect(card.get_by_role("progressbar")).to_have_count(4)
    expect(card.locator("#plan-others")).to_contain_text(re.compile(r"other plan"))
    expect(card.locator("#plan-planner-link")).to_have_attribute("href", f"/planner?member={member['id']}")
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    shot(page, "profile-plan-card")
    card.get_by_role("link", name="Print view").click()
    expect(page).to_have_url(re.compile(rf"/planner/print/{plan_id}/?$"))
    expect(page.locator("#print-title")).to_have_text("Profile plan")
