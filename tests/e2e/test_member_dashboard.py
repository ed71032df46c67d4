"""A member's dashboard in a real browser: how busy it is now, today's chart with the forecast dashed after
now and its hint, their own visits this month (the same as the API tells them), and none of the staff
cards. Screenshots on a phone (390 px) and a desk screen, light and dark."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, ARTIFACTS, sign_in

pytestmark = pytest.mark.e2e

MEMBER_PASSWORD = "Member123!"  # every demo member's
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The forecast's hint (thrust/analytics/forecast.py): the demo data has weeks of history.
HINT = re.compile(
    r"^(Quieter after \d\d:\d\d(, busiest around \d\d:\d\d)?|Busier from \d\d:\d\d"
    r"|About as busy as now for the next hours)$"
)


@pytest.fixture
def member_inside(new_page: Callable[..., Page], app_url: str) -> Iterator[dict[str, Any]]:
    """An active demo member, checked in at the desk by the admin for the test (out again afterwards)."""
    admin = new_page()
    sign_in(admin, app_url, *ADMIN)
    members = admin.request.get("/api/v1/members?limit=20&status=ACTIVE").json()["data"]
    for member in members:  # the first one the desk lets in (a membership may have ended), or inside
        visit = admin.request.post(
            "/api/v1/check-ins", data={"memberId": member["id"]}, headers={"Origin": app_url}
        )
        inside = admin.request.get(f"/api/v1/check-ins?memberId={member['id']}&open=true").json()
        if inside["pagination"]["total"] == 1:
            break
    else:
        pytest.fail("no demo member could be checked in")
    yield member
    if visit.status == 201:
        admin.request.patch(
            f"/api/v1/check-ins/{visit.json()['data']['id']}", data={}, headers={"Origin": app_url}
        )


def _open_as(new_page: Callable[..., Page], app_url: str, email: str, *, dark: bool = False) -> Page:
    page = new_page(dark=dark)
    sign_in(page, app_url, email, MEMBER_PASSWORD)
    expect(page.locator("#member-dashboard")).to_be_visible()
    expect(page.locator('#capacity-summary[data-loaded="true"]')).to_be_visible()
    expect(page.locator("#member-forecast-chart .main-svg").first).to_be_visible(timeout=30_000)
    return page


def test_a_member_sees_how_busy_it_is_the_forecast_and_their_own_visits(
    new_page: Callable[..., Page], app_url: str, member_inside: dict[str, Any]
) -> None:
    page = _open_as(new_page, app_url, member_inside["email"])

    # How busy it is now, as a percentage and in words (the number the API gives everyone signed in).
    busy = page.locator("#member-busy")
    now = page.request.get("/api/v1/check-ins/current").json()["data"]
    expect(busy.locator("#summary-current")).to_have_text(str(now["current"]))
    expect(busy).to_contain_text(f"{now['percent']}%")
    expect(busy).to_contain_text(re.compile("Plenty of room|Getting busy|Nearly full|Full|Over capacity"))

    # Today's chart: drawn, the day so far solid and the rest dashed, with its hint in words.
    chart = page.locator("#member-forecast-chart")
    expect(chart.locator("g.trace.scatter")).to_have_count(2)
    dashed = chart.locator(".scatterlayer path.js-line[style*='stroke-dasharray']")
    expect(dashed).to_have_count(1)
    expect(chart).to_contain_text("now")
    expect(page.locator("#member-hint")).to_have_text(HINT)

    # Their own visits this month: the API's count and list, with today's visit still open.
    mine = page.request.get("/api/v1/check-ins/mine").json()["data"]
    assert mine["count"] >= 1 and mine["visits"][0]["checkOutTime"] is None
    expect(page.locator("#member-visit-count")).to_have_text(
        f"{mine['count']} visit" + ("s" if mine["count"] != 1 else "")
    )
    rows = page.locator("#member-visit-list > div")
    expect(rows).to_have_count(min(5, len(mine["visits"])))  # the latest; the rest one click away
    expect(rows.first).to_contain_text("Still inside")
    if len(mine["visits"]) > 5:
        earlier = page.locator("#member-earlier-visits > div")
        expect(earlier.first).not_to_be_visible()
        page.get_by_text(re.compile(r"^Show \d+ earlier visits?$")).click()
        expect(earlier).to_have_count(len(mine["visits"]) - 5)
        expect(earlier.last).to_be_visible()

    # None of the staff cards, and no one else's name.
    main = page.locator("main")
    expect(page.locator("#dashboard-capacity")).to_have_count(0)
    for staff_only in ("Live capacity", "Members at risk", "Active members", "Expiring", "Latest activity"):
        expect(main).not_to_contain_text(staff_only)
    page.screenshot(path=str(ARTIFACTS / "member-dashboard-desktop-light.png"), full_page=True)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_members_dashboard_on_a_phone_and_a_desk_screen(
    new_page: Callable[..., Page], app_url: str, member_inside: dict[str, Any], dark: bool
) -> None:
    scheme = "dark" if dark else "light"
    page = _open_as(new_page, app_url, member_inside["email"], dark=dark)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # the chart follows the new width
        box = page.locator("#member-forecast-chart .main-svg").first.bounding_box()
        card = page.locator("#member-forecast").bounding_box()
        assert box and card and box["width"] <= card["width"], (box, card)  # the chart fits its card
        page.screenshot(path=str(ARTIFACTS / f"member-dashboard-{name}-{scheme}.png"), full_page=True)
    # Nothing wider than a phone's screen.
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(400)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
