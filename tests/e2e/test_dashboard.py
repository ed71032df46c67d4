"""The staff dashboard in a real browser with the demo data: every chart drawn, the cards' numbers equal
to the analytics API's, a trainer's own cards and members at risk, a bad range explained under its field,
a chart's data as CSV, and a member who sees none of it. Screenshots in light and dark, desktop and phone,
land in test-artifacts/ for a look."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, ARTIFACTS, TRAINER, sign_in

pytestmark = pytest.mark.e2e

CHARTS = ("today", "visits", "heatmap", "lengths", "tiers")
# Card -> the summary API's field it shows.
CARDS = {
    "active": "activeMembers",
    "frozen": "frozenMembers",
    "inactive": "inactiveMembers",
    "visits-today": "visitsToday",
    "expiring-7": "expiringIn7Days",
    "expiring-30": "expiringIn30Days",
    "new-this-month": "newMembersThisMonth",
}
PHONE = {"width": 390, "height": 844}


def card_number(page: Page, metric: str) -> int:
    text = page.locator(f"#metric-{metric} .thrust-metric-value").inner_text()
    return int(text.replace(",", ""))


def wait_for_charts(page: Page) -> None:
    expect(page.locator('#dashboard-charts[data-loaded="true"]')).to_be_attached(timeout=60_000)
    for chart in CHARTS:
        # Drawn: plotly's SVG with its data, not the empty note (the demo has months of visits).
        expect(page.locator(f"#{chart}-chart .js-plotly-plot .main-svg").first).to_be_visible(timeout=30_000)
        expect(page.locator(f"#{chart}-chart [data-empty]")).to_have_count(0)


def summary_of(page: Page) -> dict[str, float]:
    response = page.request.get("/api/v1/analytics/summary")
    assert response.ok, response.text()
    return response.json()["data"]


def assert_cards_match_the_api(page: Page) -> dict[str, float]:
    expect(page.locator("#metric-active .thrust-metric-value")).to_be_visible()
    api = summary_of(page)
    for metric, field in CARDS.items():
        assert card_number(page, metric) == api[field], metric
    expect(page.locator("#summary-current")).to_have_text(str(api["insideNow"]))
    expect(page.locator("#dashboard-capacity")).to_contain_text(f"/ {api['capacity']}")
    minutes = api["averageVisitMinutes"]
    shown = page.locator("#metric-average-visit .thrust-metric-value").inner_text()
    hours, rest = divmod(round(minutes), 60)
    assert shown == (f"{hours} h {rest:02d} min" if hours else f"{rest} min"), (shown, minutes)
    return api


def test_the_admin_dashboard_draws_every_chart_and_its_cards_equal_the_api(admin_page: Page) -> None:
    page = admin_page
    wait_for_charts(page)
    assert_cards_match_the_api(page)
    expect(page.locator("#staff-dashboard")).to_contain_text("All members")
    # A card about visits opens the chart that explains it, further down the page.
    page.locator("#metric-average-visit").click()
    expect(page.locator("#lengths-chart")).to_be_in_viewport()
    # Each member card opens the directory showing the list it counts, as long as its number.
    for metric in ("active", "frozen", "inactive", "new-this-month", "expiring-7", "expiring-30"):
        page.goto("/")
        expect(page.locator(f"#metric-{metric} .thrust-metric-value")).to_be_visible()
        number = card_number(page, metric)
        page.locator(f"#metric-{metric}").click()
        expect(page).to_have_url(re.compile(r"/members\?(status|membership)="))
        expect(page.locator("#members-count")).to_have_text(f"{number:,} member{'' if number == 1 else 's'}")


def test_a_trainer_sees_their_own_members_and_those_at_risk(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page()
    sign_in(page, app_url, *TRAINER)
    wait_for_charts(page)
    api = assert_cards_match_the_api(page)
    everyone = page.request.get("/api/v1/members?limit=1").json()["pagination"]["total"]
    assert api["activeMembers"] + api["frozenMembers"] + api["inactiveMembers"] == everyone  # their own
    expect(page.locator("#staff-dashboard")).to_contain_text("Your assigned members")

    at_risk = page.request.get("/api/v1/analytics/at-risk").json()
    card = page.locator("#at-risk")
    expect(card).to_contain_text("Members at risk")
    if at_risk["meta"]["total"]:
        rows = page.locator("#at-risk-list a")
        expect(rows).to_have_count(len(at_risk["data"]))
        first = at_risk["data"][0]
        expect(rows.first).to_have_text(first["name"])
        expect(rows.first).to_have_attribute("href", f"/members/{first['memberId']}")
    else:
        expect(page.locator("#at-risk-empty")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard-trainer.png"), full_page=True)


def test_a_bad_range_is_explained_and_a_charts_data_downloads_as_csv(admin_page: Page) -> None:
    page = admin_page
    wait_for_charts(page)
    page.get_by_role("radio", name="90 days").click()
    expect(page.locator("#visits-range-label")).to_contain_text("–")
    expect(page.locator("#visits-chart")).to_contain_text(re.compile(r"in 90 days"))

    page.locator("#visits-from").fill("2026-05-01")
    page.locator("#visits-to").fill("2026-04-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#visits-from-error")).to_have_text("The start must not be after the end")
    expect(page.locator("#visits-from")).to_have_attribute("aria-invalid", "true")

    with page.expect_download() as download:
        page.locator("#heatmap-chart-csv").click()
    assert download.value.suggested_filename.startswith("thrust-weekday-hours-")
    text = download.value.path().read_text()
    assert text.splitlines()[0] == "weekday,hour,average_people" and len(text.splitlines()) == 1 + 7 * 24


def test_a_member_sees_the_live_card_and_no_staff_numbers(
    admin_page: Page, new_page: Callable[..., Page], app_url: str
) -> None:
    member = admin_page.request.get("/api/v1/members?limit=1&status=ACTIVE").json()["data"][0]
    page = new_page()
    sign_in(page, app_url, member["email"], "Member123!")
    expect(page.locator('#capacity-summary[data-loaded="true"]')).to_be_visible()
    expect(page.locator("#staff-dashboard")).to_have_count(0)
    expect(page.locator(".thrust-metric")).to_have_count(0)


def test_the_charts_follow_the_colour_mode_when_it_is_switched(admin_page: Page) -> None:
    page = admin_page
    wait_for_charts(page)
    tick = page.locator("#visits-chart .xtick text").first
    fill = "e => getComputedStyle(e).fill"
    assert tick.evaluate(fill) == "rgb(96, 100, 108)"  # slate 11 on a light card
    page.get_by_role("button", name="Toggle dark mode").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    tick_fill = "getComputedStyle(document.querySelector('#visits-chart .xtick text')).fill"
    page.wait_for_function(f"() => {tick_fill} === 'rgb(176, 180, 186)'")  # slate 11, dark


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_on_a_desk_and_a_phone(new_page: Callable[..., Page], app_url: str, scheme: str) -> None:
    page = new_page(dark=scheme == "dark")
    sign_in(page, app_url, *ADMIN)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 800}), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto("/")
        wait_for_charts(page)
        # Nothing wider than the screen: a phone scrolls down, never sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{scheme}-{name}.png"), full_page=True)
