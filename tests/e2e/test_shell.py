"""The app shell in a real browser: login page, navigation, dark mode, and /api/v1 on the same port."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_login_page_renders_with_logo_and_gym_name(page: Page) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to THRUST")).to_be_visible()
    logo = page.get_by_role("img", name="THRUST logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the logo image did not load"
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.locator("#gym-name")).to_have_text("THRUST Gym")
    expect(page).to_have_title(re.compile("Sign in"))


def test_health_and_readiness_answer_on_the_same_port(page: Page, app_url: str) -> None:
    response = page.request.get(f"{app_url}/api/v1/health")
    assert response.status == 200
    assert response.json()["data"]["status"] == "ok"
    ready = page.request.get(f"{app_url}/api/v1/ready")
    assert ready.status == 200
    assert ready.json()["data"]["checks"]["database"]["status"] == "ok"
    assert ready.json()["data"]["checks"]["migrations"]["status"] == "ok"


def test_unknown_api_paths_get_json_not_the_web_app(page: Page, app_url: str) -> None:
    response = page.request.get(f"{app_url}/api/v1/nothing-here")
    assert response.status == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert page.request.get(f"{app_url}/api/v1/docs").ok


def test_favicon_is_ours(page: Page, app_url: str) -> None:
    response = page.request.get(f"{app_url}/favicon.ico")
    assert response.ok
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file, not the framework's


def test_sidebar_navigates_and_marks_the_current_page(admin_page: Page) -> None:
    page = admin_page
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Dashboard", "Members", "Front desk", "Live traffic", "Planner", "Settings"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    nav.get_by_role("link", name="Members").click()
    expect(page).to_have_url(re.compile(r"/members$"))
    expect(page.get_by_role("heading", name="Members").first).to_be_visible()
    expect(nav.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    expect(page.locator("#gym-name")).to_have_text("THRUST Gym")


def test_a_page_with_nothing_to_show_yet_says_so_without_invented_numbers(admin_page: Page) -> None:
    page = admin_page
    page.goto("/planner")
    expect(page.get_by_role("heading", name="Pick a member")).to_be_visible()
    main = page.locator("main").inner_text()
    assert not re.search(r"\b\d{2,}\s*(/|of)\s*\d+", main), "an empty page shows a made-up figure"


def test_dark_mode_toggle(admin_page: Page) -> None:
    page = admin_page
    html = page.locator("html")
    before = html.get_attribute("class") or ""
    page.get_by_role("button", name="Toggle dark mode").click()
    expect(html).not_to_have_class(before)
    after = html.get_attribute("class") or ""
    assert ("dark" in after) != ("dark" in before)


def test_cross_site_origins_are_not_trusted(page: Page, app_url: str) -> None:
    response = page.request.get(f"{app_url}/api/v1/health", headers={"Origin": "https://evil.example"})
    assert response.headers.get("access-control-allow-origin") not in {"*", "https://evil.example"}
    response = page.request.get(f"{app_url}/api/v1/health", headers={"Origin": app_url})
    assert response.headers.get("access-control-allow-origin") == app_url


def test_an_unknown_address_shows_page_not_found_with_a_way_back(page: Page) -> None:
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("404: Page not found")).to_have_count(0)  # not Reflex's bare page
    expect(page).to_have_title(re.compile("Page not found"))
    expect(page.locator("#gym-name")).to_have_text("THRUST Gym")
    # A visitor who is not signed in follows the way back, and the dashboard asks them to sign in.
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    expect(page.get_by_role("heading", name="Sign in to THRUST")).to_be_visible()


def test_a_signed_in_user_follows_the_way_back_to_the_dashboard(admin_page: Page) -> None:
    page = admin_page
    page.goto("/members/nothing/here")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("#dashboard-capacity")).to_be_visible()
