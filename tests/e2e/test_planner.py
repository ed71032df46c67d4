"""The trainer's planner in a real browser: pick an assigned member, start a blank plan, add exercises from
the catalog with its filters, fix what the checks mark, reorder by keyboard and by dragging, copy a week
forward and save; a second trainer's stale save is refused with a clear message. Then the whole loop: a
plan assigned from a template, done by the member on a phone, and the progress on the trainer's planner."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, ARTIFACTS, TRAINER, sign_in

pytestmark = pytest.mark.e2e

MEMBER_PASSWORD = "Member123!"  # every demo member's
PHONE = {"width": 390, "height": 844}
DEMO_EMAIL = re.compile(r"[^.@]+\.[^.@]+\.\d+@example\.com")


def _assigned_member(page: Page, admin: Page, app_url: str) -> dict[str, Any]:
    """A new member, assigned by the admin to the trainer signed in on `page` (who plans only for theirs)."""
    me = page.request.get("/api/v1/auth/me").json()["data"]
    tag = uuid.uuid4().hex[:6]
    created = admin.request.post(
        "/api/v1/members",
        data={
            "fullName": f"Plan Person {tag}",
            "email": f"plan.{tag}@example.com",
            "membershipStart": "2026-01-01",
            "membershipEnd": "2031-01-01",
            "assignedTrainerId": me["id"],
        },
        headers={"Origin": app_url},
    )
    assert created.ok, created.text()
    return created.json()["data"]  # type: ignore[no-any-return]


def _add_from_catalog(page: Page, day: int, query: str, pick: str) -> None:
    page.locator(".plan-day").nth(day).get_by_role("button", name="Add exercise").click()
    picker = page.get_by_role("dialog")
    picker.get_by_label("Search the catalog by name").fill(query)
    hit = picker.get_by_role("button", name=f"Add {pick}", exact=True)
    hit.click()
    expect(picker.locator("#picker-added")).to_have_text(f"Added {pick}.")
    picker.get_by_role("button", name="Close", exact=True).click()
    expect(picker).to_have_count(0)


@pytest.fixture
def trainer_page(new_page: Callable[..., Page], app_url: str) -> Page:
    page = new_page()
    sign_in(page, app_url, *TRAINER)
    return page


def test_a_trainer_builds_a_plan_from_the_catalog_and_saves_it(
    trainer_page: Page, new_page: Callable[..., Page], app_url: str
) -> None:
    page = trainer_page
    admin = new_page()
    sign_in(admin, app_url, *ADMIN)
    member = _assigned_member(page, admin, app_url)
    page.goto(f"{app_url}/planner?member={member['id']}")
    expect(page.locator("#planner-member")).to_have_text(member["fullName"])
    page.locator("#planner-new-plan").click()
    expect(page.locator("#plan-save-state")).to_have_text("New plan: not saved yet")
    # A blank plan's days are empty: the checks say so before anything is saved.
    expect(page.locator(".plan-day").first).to_contain_text("A day needs at least one exercise")

    # The picker's filters narrow the catalog (the level filter leaves only that level).
    page.locator(".plan-day").first.get_by_role("button", name="Add exercise").click()
    picker = page.get_by_role("dialog")
    picker.get_by_label("Level").click()
    page.get_by_role("option", name="Expert").click()
    expect(picker.locator("#picker-hits")).to_contain_text("Expert")
    expect(picker.locator("#picker-hits")).not_to_contain_text("Beginner")
    picker.get_by_label("Level").click()  # the filters stay set between openings: clear it
    page.get_by_role("option", name="Any level").click()
    picker.get_by_role("button", name="Close", exact=True).click()

    _add_from_catalog(page, 0, "barbell bench press", "Barbell Bench Press - Medium Grip")
    _add_from_catalog(page, 0, "barbell squat", "Barbell Squat")
    day = page.locator(".plan-day").first
    rows = day.locator(".plan-exercise")
    expect(rows).to_have_count(2)

    # A wrong value is named next to its field, and goes once corrected.
    sets = day.get_by_label("Sets of Barbell Squat")
    sets.fill("12")
    expect(day).to_contain_text("Sets must be a whole number from 1 to 10")
    expect(sets).to_have_attribute("aria-invalid", "true")
    sets.fill("5")
    expect(day).not_to_contain_text("Sets must be")
    day.get_by_label("Reps of Barbell Squat").fill("5")

    # Reorder by keyboard: the squat moves up.
    day.get_by_role("button", name="Move Barbell Squat up").focus()
    page.keyboard.press("Enter")
    expect(rows.first).to_contain_text("Barbell Squat")
    # ...and by dragging: the bench press back to the top.
    rows.nth(1).drag_to(rows.first)
    expect(rows.first).to_contain_text("Barbell Bench Press")

    # Swap for a similar exercise (same main muscle and equipment).
    day.get_by_role("button", name="Swap Barbell Squat for a similar exercise").click()
    picker = page.get_by_role("dialog")
    expect(picker.locator("#picker-found")).to_contain_text("same main muscle and equipment")
    picker.locator("#picker-hits button").first.click()
    expect(picker).to_have_count(0)
    expect(rows.nth(1)).not_to_contain_text("Barbell Squat")
    expect(day.get_by_label("Reps of", exact=False).nth(1)).to_have_value("5")  # the prescription stays

    # The other two days of week 1, then copy the week forward three times.
    _add_from_catalog(page, 1, "pull", "Pullups")
    _add_from_catalog(page, 2, "plank", "Plank")
    for _week in range(3):
        page.locator("#plan-copy-week").click()
    expect(page.locator("#plan-problems")).to_have_count(0)

    page.locator("#plan-save").click()
    expect(page.locator("#plan-save-state")).to_contain_text("Saved at")
    expect(page.locator("#planner-plans")).to_contain_text("Plan for " + member["fullName"])

    # The API tells the same plan: 4 weeks, 3 days, the order as left.
    plans = page.request.get(f"/api/v1/workout-plans?memberId={member['id']}").json()["data"]
    assert len(plans) == 1 and plans[0]["isActive"]
    plan = page.request.get(f"/api/v1/workout-plans/{plans[0]['id']}").json()["data"]
    weeks = plan["planData"]["weeks"]
    assert len(weeks) == 4 and all(len(w["days"]) == 3 for w in weeks)
    assert weeks[3]["days"][0]["exercises"][0]["name"] == "Barbell Bench Press - Medium Grip"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "planner-trainer.png"), full_page=True)

    # Someone else saves meanwhile: this page's next save is refused and says why.
    changed = page.request.patch(
        f"/api/v1/workout-plans/{plan['id']}",
        data={"title": "Changed elsewhere", "version": plan["version"]},
        headers={"Origin": app_url},
    )
    assert changed.ok, changed.text()
    page.locator("#plan-title").fill("My title")
    expect(page.locator("#plan-save-state")).to_have_text("Unsaved changes")
    page.locator("#plan-save").click()
    expect(page.locator("#plan-conflict")).to_contain_text("changed by someone else")
    page.locator("#plan-reload").click()
    expect(page.locator("#plan-title")).to_have_value("Changed elsewhere")


def test_a_plan_assigned_in_the_planner_is_done_by_the_member_on_a_phone_and_the_trainer_sees_it(
    trainer_page: Page, new_page: Callable[..., Page], app_url: str
) -> None:
    page = trainer_page
    # A demo member of the trainer's (their password is every demo member's); the last by name, so the
    # member the other browser tests use keeps their plan. Members other tests created (their names may
    # sort last) have no password: the seed's own addresses are first.last.N@example.com.
    assigned = page.request.get("/api/v1/members?limit=100&status=ACTIVE&sort=name").json()["data"]
    member = [m for m in assigned if DEMO_EMAIL.fullmatch(m["email"])][-1]
    page.goto(f"{app_url}/planner?member={member['id']}")
    expect(page.locator("#planner-member")).to_have_text(member["fullName"])
    # A blank plan filled from the catalog, saved, and kept in the template library...
    tag = uuid.uuid4().hex[:6]
    page.locator("#planner-new-plan").click()
    for day, (query, pick) in enumerate((("plank", "Plank"), ("pull", "Pullups"), ("push", "Pushups"))):
        _add_from_catalog(page, day, query, pick)
    for _week in range(3):
        page.locator("#plan-copy-week").click()
    page.locator("#plan-title").fill(f"Home basics {tag}")
    page.locator("#plan-save").click()
    expect(page.locator("#plan-save-state")).to_contain_text("Saved at")
    page.locator("#plan-save-template").click()
    expect(page.get_by_text(f"Saved as the template “Home basics {tag}”")).to_be_visible()
    # ...then assigned from there: the new plan is the member's active one, from today (day 1 is today).
    page.get_by_label("Start from").click()
    page.get_by_role("option", name=f"Home basics {tag}").click()
    page.locator("#planner-new-plan").click()
    expect(page.locator("#plan-title")).to_have_value(f"Home basics {tag}")
    expect(page.locator(".plan-day").first).to_contain_text("Plank")
    page.locator("#plan-save").click()
    expect(page.locator("#plan-save-state")).to_contain_text("Saved at")
    active = page.locator("#planner-plans > *").filter(has_text="Active")
    expect(active).to_have_count(1)
    expect(active).to_contain_text(f"Home basics {tag}")
    expect(page.locator("#plan-active")).to_be_checked()

    phone = new_page()
    sign_in(phone, app_url, member["email"], MEMBER_PASSWORD, then="/my-plan")
    phone.set_viewport_size(PHONE)  # after signing in, which waits for the desk-sized sidebar
    today = phone.locator("[aria-current='date']")
    expect(today).to_contain_text("Plank")
    today.get_by_role("button", name="Mark day done").click()
    expect(today.get_by_role("button", name="Undo done")).to_be_visible()

    page.reload()
    expect(page.locator("#plan-progress")).to_contain_text("1 of 12 days done")
    expect(page.get_by_role("tab", name="Week 1")).to_contain_text("1/3 done")
    expect(page.locator(".plan-day").first).to_contain_text("Done by the member")
