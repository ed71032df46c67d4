"""The front desk and live traffic in real browsers: a check-in at the desk updates an open live page
without a reload; refusals show their reason; the keyboard flow; the page says when live updates stop."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ADMIN, ARTIFACTS, TRAINER, sign_in, unique_ip
from tests.e2e.plans import create_plan, gym_today
from tests.realtime.servers import Candidate, members_who_may_enter
from tests.server import AppServer
from tests.support.socket_client import ProbingClient, handler_name
from tests.support.socket_client import sign_in as socket_sign_in
from thrust.auth.state import PAGE_DENIED_MESSAGE
from thrust.checkins.service import DESK_SEARCHES
from thrust.checkins.state import FrontDeskState

pytestmark = pytest.mark.e2e

SEARCH = "#desk-search"
SHOTS = Path("/tmp/plan-extras")


def refused_member(db_url: str) -> tuple[Candidate, str]:
    """A member the desk must refuse, with the words the refusal should contain."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT m.id, m.full_name, u.email, m.status, m.membership_end FROM members m "
                    "JOIN users u ON u.id = m.user_id "
                    "WHERE m.status <> 'ACTIVE' OR m.membership_end < :today ORDER BY m.full_name LIMIT 1"
                ),
                {"today": date.today().isoformat()},
            ).one()
    finally:
        engine.dispose()
    member_id, name, email, status, _end = row
    reason = {"FROZEN": "membership is frozen", "INACTIVE": "membership is inactive"}.get(
        status, "membership ended"
    )
    return Candidate(str(member_id), name, email), reason


def open_desk(page: Page, app_url: str) -> None:
    sign_in(page, app_url, *TRAINER, then="/front-desk")
    expect(page.locator(SEARCH)).to_be_focused()  # focused on load: the desk can type at once
    expect(page.locator('#capacity-summary[data-loaded="true"]')).to_be_visible()


def open_live(page: Page, app_url: str, who: tuple[str, str]) -> None:
    sign_in(page, app_url, *who, then="/live")
    expect(page.locator('#occupancy-panel[data-loaded="true"]')).to_be_visible()


def check_in_or_out(page: Page, who: Candidate) -> None:
    # By member id (a scanned card): the desk's trainer finds others' members by name or id only.
    page.locator(SEARCH).fill(who.id)
    expect(page.locator("#desk-results")).to_have_attribute("data-query", who.id)
    expect(page.locator("#desk-results [role=option]")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#desk-card-name")).to_have_text(who.name)


def test_a_check_in_at_the_desk_updates_the_live_page_without_a_reload(
    new_page: Callable[..., Page], app_url: str, app_server: AppServer
) -> None:
    target = members_who_may_enter(app_server.db_url, 1)[0]
    desk, live = new_page(), new_page(dark=True)
    open_desk(desk, app_url)
    open_live(live, app_url, ADMIN)
    expect(live.locator("#live-status")).to_contain_text("Live")
    before = int(live.locator("#occupancy-current").inner_text())
    live.evaluate("window.__sameDocument = true")  # gone if the page reloads

    check_in_or_out(desk, target)
    expect(desk.locator("#desk-flash")).to_contain_text("Checked in at")
    expect(desk.locator(SEARCH)).to_have_value("")  # ready for the next member
    expect(desk.locator(SEARCH)).to_be_focused()

    expect(live.locator("#activity-feed > div").first).to_contain_text(target.name)
    expect(live.locator("#inside-list")).to_contain_text(target.name)
    expect(live.locator("#occupancy-current")).to_have_text(str(before + 1))
    assert live.evaluate("window.__sameDocument === true"), "the live page reloaded"
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "front-desk-checked-in.png"))
    live.screenshot(path=str(ARTIFACTS / "live-traffic-dark.png"), full_page=True)

    # The member is inside now: the same search offers Check out, and Enter checks out.
    desk.locator(SEARCH).fill(target.id)
    expect(desk.locator("#desk-results")).to_contain_text("Check out")
    desk.keyboard.press("Enter")
    expect(desk.locator("#desk-flash")).to_contain_text("Checked out at")
    expect(live.locator("#occupancy-current")).to_have_text(str(before))
    expect(live.locator("#inside-list")).not_to_contain_text(target.name)


def test_a_refusal_shows_its_reason_and_lets_no_one_in(
    new_page: Callable[..., Page], app_url: str, app_server: AppServer
) -> None:
    refused, reason = refused_member(app_server.db_url)
    desk = new_page()
    open_desk(desk, app_url)
    before = desk.locator("#summary-current").inner_text()
    desk.locator(SEARCH).fill(refused.id)
    expect(desk.locator("#desk-results [role=option]")).to_have_count(1)
    desk.keyboard.press("Enter")
    expect(desk.locator("#desk-refusal")).to_contain_text(refused.name)
    expect(desk.locator("#desk-refusal")).to_contain_text(reason)
    # The refusal reads as one: a red box, not the app's orange with red letters.
    expect(desk.get_by_role("alert").filter(has=desk.locator("#desk-refusal"))).to_have_attribute(
        "data-accent-color", "red"
    )
    expect(desk.locator("#desk-card")).to_have_count(0)
    expect(desk.locator("#summary-current")).to_have_text(before)
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "front-desk-refusal.png"))


def test_the_keyboard_flow_type_arrow_enter(
    new_page: Callable[..., Page], app_url: str, app_server: AppServer
) -> None:
    desk = new_page()
    open_desk(desk, app_url)
    desk.keyboard.type("a")  # the box has the focus: no click needed
    expect(desk.locator("#desk-results")).to_have_attribute("data-query", "a")  # as a person would wait
    rows = desk.locator("#desk-results [role=option]")
    expect(rows.first).to_have_attribute("aria-selected", "true")
    expect(rows.nth(1)).to_be_visible()
    assert rows.count() <= 8  # at most eight rows, however many match
    desk.keyboard.press("ArrowDown")
    expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    expect(rows.first).to_have_attribute("aria-selected", "false")
    desk.keyboard.press("ArrowUp")
    expect(rows.first).to_have_attribute("aria-selected", "true")
    # Walk down to the first member (after the top row) the desk would let in or out: a row flagged
    # Frozen, Inactive or Expired would be refused, which another test covers.
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    target = next(
        i
        for i in range(1, len(texts))
        if not any(flag in texts[i] for flag in ("Frozen", "Inactive", "Expired"))
    )
    for _ in range(target):  # the highlight is on the top row
        desk.keyboard.press("ArrowDown")
    expect(rows.nth(target)).to_have_attribute("aria-selected", "true")
    name = rows.nth(target).locator(".rt-Text").first.inner_text()
    inside = "Check out" in rows.nth(target).inner_text()
    desk.keyboard.press("Enter")
    expect(desk.locator("#desk-card-name")).to_have_text(name)
    expect(desk.locator("#desk-flash")).to_contain_text("Checked out at" if inside else "Checked in at")
    # Put things back as they were for the other tests: the card's own button undoes it.
    if not inside:
        desk.get_by_role("button", name="Check out").click()
        expect(desk.locator("#desk-flash")).to_contain_text("Checked out at")
    desk.keyboard.press("Escape")


def trainers_members_who_may_enter(db_url: str, count: int) -> list[Candidate]:
    """Active, unexpired members assigned to the demo trainer, not inside, without an active plan."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT m.id, m.full_name, u.email FROM members m JOIN users u ON u.id = m.user_id "
                    "JOIN users t ON t.id = m.assigned_trainer_id "
                    "WHERE t.email = :trainer AND m.status = 'ACTIVE' AND m.membership_end > :today "
                    "AND NOT EXISTS (SELECT 1 FROM check_ins c WHERE c.member_id = m.id "
                    "AND c.check_out_time IS NULL) "
                    "AND NOT EXISTS (SELECT 1 FROM workout_plans p WHERE p.member_id = m.id AND p.is_active) "
                    "ORDER BY m.full_name LIMIT :n"
                ),
                {"n": count, "today": date.today().isoformat(), "trainer": TRAINER[0]},
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == count, "the demo trainer needs more members who may come in"
    return [Candidate(str(uuid.UUID(str(raw))), name, email) for raw, name, email in rows]


def test_the_desk_card_shows_todays_plan_day(
    new_page: Callable[..., Page], app_url: str, app_server: AppServer
) -> None:
    planned, unplanned = trainers_members_who_may_enter(app_server.db_url, 2)
    desk = new_page()
    open_desk(desk, app_url)
    create_plan(desk, app_url, planned.id, title="Desk plan", starts_on=gym_today())  # today: week 1, day 1

    check_in_or_out(desk, planned)
    expect(desk.locator("#desk-flash")).to_contain_text("Checked in at")
    expect(desk.locator("#desk-plan-day")).to_have_text("Week 1 · Day 1: Lower body")
    expect(desk.locator("#desk-plan-exercises")).to_have_text(
        "4 exercises: Goblet squat, Push-up, Bent-over row and 1 more"
    )
    desk.wait_for_timeout(1700)  # the card's flash is over
    for folder in (ARTIFACTS, SHOTS):
        folder.mkdir(parents=True, exist_ok=True)
        desk.screenshot(path=str(folder / "desk-plan-card.png"))
    desk.get_by_role("button", name="Check out").click()
    expect(desk.locator("#desk-flash")).to_contain_text("Checked out at")
    expect(desk.locator("#desk-plan")).to_have_count(0)  # a goodbye, not today's plan

    check_in_or_out(desk, unplanned)  # no plan: nothing about one
    expect(desk.locator("#desk-flash")).to_contain_text("Checked in at")
    expect(desk.locator("#desk-plan")).to_have_count(0)
    desk.get_by_role("button", name="Check out").click()
    expect(desk.locator("#desk-flash")).to_contain_text("Checked out at")


def test_the_live_page_says_when_updates_stop_and_recovers(
    new_page: Callable[..., Page], app_url: str
) -> None:
    live = new_page()
    open_live(live, app_url, TRAINER)
    status = live.locator("#live-status")
    expect(status).to_contain_text("Live")
    paused = live.get_by_text("Live updates paused — reconnecting…")
    expect(paused).to_have_count(1)  # said once, over the number; the lists below are veiled too
    expect(live.locator(".thrust-live-paused")).to_have_count(3)
    for veil in paused.all():
        expect(veil).to_be_hidden()
    # Forty seconds without a push or heartbeat, fast-forwarded: the watchdog's animations run out.
    live.evaluate(
        "document.getAnimations().forEach(a => {"
        " if (['thrust-appear', 'thrust-vanish'].includes(a.animationName)) a.finish(); })"
    )
    for veil in paused.all():
        expect(veil).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    live.screenshot(path=str(ARTIFACTS / "live-traffic-paused.png"))
    # The next heartbeat (every 15 s) re-arms the watchdog: live again, without a reload.
    for veil in paused.all():
        expect(veil).to_be_hidden(timeout=25_000)
    expect(status).to_contain_text("Live")


def test_a_member_sees_the_number_but_no_names_and_not_the_desk(
    new_page: Callable[..., Page], app_url: str, app_server: AppServer
) -> None:
    member = members_who_may_enter(app_server.db_url, 1)[0]
    page = new_page()
    open_live(page, app_url, (member.email, "Member123!"))
    expect(page.locator("#occupancy-current")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#activity-feed")).to_have_count(0)
    expect(page.locator("#inside-list")).to_have_count(0)
    page.goto("/front-desk")
    expect(page.get_by_text(PAGE_DENIED_MESSAGE)).to_be_visible()  # sent back to the dashboard
    expect(page.locator(SEARCH)).to_have_count(0)
    expect(page.locator('#capacity-summary[data-loaded="true"]')).to_be_visible()  # which shows the number


def spare_trainer(db_url: str) -> str:
    """A demo trainer the other browser tests do not sign in as (the desk's search limit is per user)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT email FROM users WHERE role = 'TRAINER' AND is_active = 1"
                    " AND email LIKE '%@thrust.com' AND email != :taken ORDER BY email LIMIT 1"
                ),
                {"taken": TRAINER[0]},
            ).scalar_one()
    finally:
        engine.dispose()


def scripted_lookups(app_url: str, cookie: str, *, sockets: int = 3, each: int = 20) -> None:
    """The same user's script: `sockets` tabs sending `each` desk searches at once, all together.

    In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    """
    search = handler_name(FrontDeskState.search)

    async def burst() -> None:
        tabs = [ProbingClient(app_url, cookie=cookie, ip=unique_ip()) for _ in range(sockets)]
        try:
            await asyncio.gather(*(tab.connect("/") for tab in tabs))

            async def send(tab: ProbingClient) -> None:
                for n in range(each):
                    await tab.emit(search, {"text": f"lookup {n}"})
                await tab.settle()

            await asyncio.gather(*(send(tab) for tab in tabs))
        finally:
            await asyncio.gather(*(tab.close() for tab in tabs))

    worker = threading.Thread(target=lambda: asyncio.run(burst()))
    worker.start()
    worker.join()


def test_a_burst_of_scripted_look_ups_is_refused_with_a_plain_message_at_the_desk(
    new_page: Callable[..., Page], app_url: str, app_server: AppServer
) -> None:
    email = spare_trainer(app_server.db_url)
    desk = new_page()
    sign_in(desk, app_url, email, "Trainer123!", then="/front-desk")
    expect(desk.locator(SEARCH)).to_be_focused()
    # Typing, as a person does: answered every time.
    desk.locator(SEARCH).press_sequentially("a", delay=60)
    expect(desk.locator("#desk-results")).to_have_attribute("data-query", "a")
    expect(desk.locator("#desk-slow-down")).to_have_count(0)

    cookie = socket_sign_in(app_url, email, "Trainer123!", ip=unique_ip())
    slowed = False
    for attempt in range(4):  # a loaded machine may spread one burst over two of the limit's windows
        scripted_lookups(app_url, cookie)
        desk.locator(SEARCH).fill(f"maria {attempt}")
        try:
            expect(desk.locator("#desk-slow-down")).to_contain_text(
                "Too many searches at once", timeout=3_000
            )
            slowed = True
            break
        except AssertionError:
            continue
    assert slowed, "the desk answered every search of three tabs looking members up in bulk"
    slow_down = desk.get_by_role("alert").filter(has_text="Too many searches at once")
    expect(slow_down).to_be_visible()
    expect(slow_down).to_have_attribute("data-accent-color", "amber")  # a warning's colour
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "front-desk-slow-down.png"))
    # A moment later the desk searches again.
    time.sleep(DESK_SEARCHES.window_seconds + 0.5)
    desk.locator(SEARCH).fill("a")
    expect(desk.locator("#desk-results")).to_have_attribute("data-query", "a")
    expect(desk.locator("#desk-slow-down")).to_have_count(0)
    time.sleep(DESK_SEARCHES.window_seconds)  # leave the limit as the test found it
