"""The member's "My plan" in a real browser on a phone-sized screen: today's day stands out, what was done
of an exercise is logged with the day marked done, and after a reload it is still done with the
completion figures moved on. Staff find no entry for it, and a note pointing them to the planner."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import violations
from tests.e2e.conftest import ADMIN, ARTIFACTS, TRAINER, sign_in, unique_ip

pytestmark = pytest.mark.e2e

MEMBER_PASSWORD = "Member123!"  # every demo member's
PHONE = {"width": 390, "height": 844}


def _member_with_a_plan(admin: Page, app_url: str) -> dict[str, Any]:
    """A demo member with an active plan (the demo's last one: the banner's example stays as seeded),
    today's day of it set back to not done."""
    plans = admin.request.get("/api/v1/workout-plans?active=true&limit=100").json()["data"]
    dated = [plan for plan in plans if plan.get("startsOn")]
    assert dated, "the demo data gives some members an active plan"
    plan = dated[-1]
    member = admin.request.get(f"/api/v1/members/{plan['memberId']}").json()["data"]
    return {"plan": plan, "email": member["email"]}


def _no_sideways_scroll(page: Page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width}px wide in a {inner}px window"


def test_a_member_logs_todays_exercise_marks_the_day_done_and_it_stays_done(
    new_page: Callable[..., Page], app_url: str
) -> None:
    admin = new_page()
    sign_in(admin, app_url, *ADMIN)
    chosen = _member_with_a_plan(admin, app_url)
    page = new_page()
    sign_in(page, app_url, chosen["email"], MEMBER_PASSWORD, then="/my-plan")
    page.set_viewport_size(PHONE)  # after signing in, which waits for the desk-sized sidebar

    # Today's day: one card, marked for screen readers and with its badge, on the week shown first.
    today = page.locator("[aria-current='date']")
    expect(today).to_have_count(1)
    expect(today).to_have_class(re.compile("my-plan-today"))
    expect(today.get_by_text("Today", exact=True)).to_be_visible()
    card_id = today.get_attribute("id") or ""
    week, day = (int(n) for n in re.fullmatch(r"day-w(\d)-d(\d)", card_id).groups())  # type: ignore[union-attr]
    admin.request.post(  # as the test left it last time, or as seeded: not done yet
        f"/api/v1/workout-plans/{chosen['plan']['id']}/progress",
        data={"weekNumber": week, "dayNumber": day, "completed": False, "exercises": []},
        headers={"Origin": app_url},
    )
    page.reload()
    today = page.locator(f"#{card_id}")
    expect(today).to_have_attribute("aria-current", "date")
    expect(page.get_by_role("button", name=re.compile(rf"^Week {week},")).first).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(today.get_by_role("button", name="Mark day done")).to_be_visible()
    _no_sideways_scroll(page)
    done_before = page.locator("#my-plan-completion-words").inner_text()

    # The first exercise's catalog details are one tap away; what was done goes in its inputs.
    first = today.locator(".my-plan-exercise").first
    first.get_by_text("How to do it").click()
    expect(first.get_by_text("Equipment")).to_be_visible()
    first.get_by_label("Sets done").fill("3")
    first.get_by_label("Reps done").fill("10")
    first.get_by_label("Load (kg)").fill("22,5")
    button = today.get_by_role("button", name="Mark day done")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 40, box  # a thumb's target
    button.click()

    expect(today.get_by_role("status")).to_contain_text("is done")
    expect(today.get_by_text("Done", exact=True)).to_be_visible()
    expect(today.get_by_role("button", name="Undo done")).to_be_visible()
    expect(page.locator("#my-plan-completion-words")).not_to_have_text(done_before)
    done_after = page.locator("#my-plan-completion-words").inner_text()
    assert int(done_after.split()[0]) == int(done_before.split()[0]) + 1, (done_before, done_after)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "my-plan-phone.png"), full_page=True)

    # A reload: still done, the figures and the logged numbers as saved.
    page.reload()
    today = page.locator(f"#{card_id}")
    expect(today.get_by_role("button", name="Undo done")).to_be_visible()
    expect(page.locator("#my-plan-completion-words")).to_have_text(done_after)
    first = today.locator(".my-plan-exercise").first
    expect(first.get_by_label("Sets done")).to_have_value("3")
    expect(first.get_by_label("Load (kg)")).to_have_value("22.5")
    _no_sideways_scroll(page)
    # The API says the same.
    plan = page.request.get(f"/api/v1/workout-plans/{chosen['plan']['id']}").json()["data"]
    record = next(d for d in plan["progress"] if (d["weekNumber"], d["dayNumber"]) == (week, day))
    assert record["completed"] and record["exercises"][0]["loadKg"] == 22.5


def test_staff_have_no_entry_and_are_pointed_to_the_planner(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page()
    sign_in(page, app_url, *TRAINER)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Members")).to_be_visible()
    expect(nav.get_by_role("link", name="My plan")).to_have_count(0)
    page.goto("/my-plan")
    expect(page.locator("#my-plan-staff")).to_contain_text("Plans here are for members.")
    expect(page.get_by_role("link", name="Open the planner")).to_have_attribute("href", "/planner")


def test_the_plan_passes_axe_on_a_phone_with_its_details_open_and_a_message_shown(
    browser: Browser, new_page: Callable[..., Page], app_url: str
) -> None:
    admin = new_page()
    sign_in(admin, app_url, *ADMIN)
    chosen = _member_with_a_plan(admin, app_url)
    # axe is injected as an inline script, which the app's Content-Security-Policy would refuse.
    context = browser.new_context(
        base_url=app_url, viewport=PHONE, bypass_csp=True, extra_http_headers={"X-Forwarded-For": unique_ip()}
    )
    try:
        page = context.new_page()
        response = page.request.post(
            "/api/v1/auth/login",
            data={"email": chosen["email"], "password": MEMBER_PASSWORD, "useCookies": True},
            headers={"Origin": app_url},
        )
        assert response.ok
        page.goto("/my-plan")
        today = page.locator("[aria-current='date']")
        expect(today).to_have_count(1, timeout=30_000)
        found: list[str] = []
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            expect(page.locator("html")).to_have_class(re.compile(rf"\b{scheme}\b"))
            found += violations(page, f"/my-plan as a member [{scheme}, 390px]")
        # A disclosure open and the service's message next to an input.
        first = today.locator(".my-plan-exercise").first
        first.get_by_text("How to do it").click()
        first.get_by_label("Sets done").fill("99")
        today.get_by_role("button", name=re.compile("Mark day done|Save changes")).click()
        expect(first.get_by_label("Sets done")).to_have_attribute("aria-invalid", "true")
        expect(first.get_by_role("alert")).to_have_text("Sets done must be a whole number from 0 to 20")
        found += violations(page, "/my-plan as a member with a message [dark, 390px]")
        assert not found, "\n".join(found)
    finally:
        context.close()
