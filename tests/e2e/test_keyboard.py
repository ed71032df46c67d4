"""Keyboard only: the flows staff use every day, with Tab, Enter, Space, the arrows and Escape and no
mouse; a skip link first; a visible focus ring on everything the keyboard reaches; dialogs that keep
focus inside and give it back to what opened them. (The desk's own keyboard flow is in
test_front_desk.py.) Also: "reduce motion" stops the animations, and pages stay usable at 200 % zoom.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import ADMIN, sign_in, unique_ip

pytestmark = pytest.mark.e2e

# The focused element, or one of its two nearest ancestors (Radix draws a text field's ring on the
# field's box, not on the input), or a pseudo-element inside it (Radix tabs), shows an outline or ring.
HAS_FOCUS_RING = """(el) => {
  const drawn = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1)
    || (style.boxShadow && style.boxShadow !== "none");
  for (let node = el, depth = 0; node && depth < 3; node = node.parentElement, depth++) {
    if (drawn(getComputedStyle(node))) return true;
  }
  for (const node of [el, ...el.querySelectorAll("*")]) {
    if (drawn(getComputedStyle(node, "::before")) || drawn(getComputedStyle(node, "::after"))) return true;
  }
  return false;
}"""
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "<body>";
  const name = el.getAttribute("aria-label") || (el.textContent || "").trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${name}"`;
}"""
IN_DIALOG = "() => !!document.activeElement?.closest('[role=dialog], [role=alertdialog]')"


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("(el) => el.contains(document.activeElement)"))


def tab_to(page: Page, target: Locator, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.count() and is_focused(target.first):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} not reached with {key}; focus is on {page.evaluate(DESCRIBE_FOCUS)}")


def open_members(page: Page) -> None:
    page.goto("/members")
    # Real rows, not the loading skeleton (a busy machine can take a while to hydrate).
    expect(page.locator("#members-table[aria-busy=false] tbody tr a").first).to_be_visible(timeout=20_000)


def focused(page: Page) -> Locator:
    return page.locator(":focus")


# -- the shell ------------------------------------------------------------------------------------------


def test_skip_link_comes_first_and_every_stop_shows_a_focus_ring(admin_page: Page) -> None:
    page = admin_page
    open_members(page)
    page.keyboard.press("Tab")  # the first key after the page loaded
    skip = page.locator("#skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    expect(skip).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#member-search")).to_be_focused()  # the page's first control, past the menus

    # Every stop of a walk through the page (the sidebar, the header, the toolbar, filters, the
    # table's checkboxes, sort buttons and links) shows where the focus is.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    missing: list[str] = []
    seen: set[str] = set()
    for _ in range(45):
        page.keyboard.press("Tab")
        where = page.evaluate(DESCRIBE_FOCUS)
        if where in seen:
            continue
        seen.add(where)
        if where != "<body>" and not focused(page).evaluate(HAS_FOCUS_RING):
            missing.append(where)
    assert len(seen) > 30, seen
    assert not missing, f"no visible focus ring on: {missing}"


# -- members ----------------------------------------------------------------------------------------------


def test_create_and_edit_a_member_with_the_keyboard(admin_page: Page) -> None:
    page = admin_page
    open_members(page)
    add = page.locator("#add-member")
    tab_to(page, add)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Full name", exact=True)).to_be_focused()  # the first field

    # Focus stays inside the open dialog, both ways round.
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 30:
        page.keyboard.press(key)
        assert page.evaluate(IN_DIALOG), f"{key} left the dialog: {page.evaluate(DESCRIBE_FOCUS)}"

    # Escape closes it and gives the focus back to the button that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(add).to_be_focused()

    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Full name", exact=True)).to_be_focused()
    email = f"kira.{uuid.uuid4().hex[:6]}@example.com"
    page.keyboard.type("Kira Keys")
    page.keyboard.press("Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type("+44 20 7946 0101")
    # The tier is a select: open it with the keyboard, pick VIP with the arrows.
    tab_to(page, dialog.locator("#member-tier"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.get_by_role("option", name="VIP").focus()  # the arrows' target; then Enter, as a user would
    page.keyboard.press("Enter")
    expect(dialog.locator("#member-tier")).to_have_text("VIP")
    tab_to(page, page.locator("#save-member"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/members/[0-9a-f-]{36}$"))
    expect(page.locator("#member-name-heading")).to_have_text("Kira Keys")

    edit = page.locator("#edit-member")
    page.locator("#main-content").focus()
    tab_to(page, edit)
    page.keyboard.press("Enter")
    name = page.get_by_role("dialog").get_by_label("Full name", exact=True)
    expect(name).to_be_focused()
    expect(name).to_have_value("Kira Keys")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Kira Q. Keys")
    page.keyboard.press("Enter")  # Enter in a field submits the form
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#member-name-heading")).to_have_text("Kira Q. Keys")
    expect(edit).to_be_focused()  # back where the keyboard was


def test_import_a_csv_file_with_the_keyboard(admin_page: Page) -> None:
    page = admin_page
    # Playwright turns file-chooser interception on without waiting for the browser's answer, so a
    # listener added only around the key press can lose the race (CI timed out on it): listen from the
    # start, long before the press.
    page.on("filechooser", lambda _chooser: None)
    tag = uuid.uuid4().hex[:6]
    open_members(page)
    opener = page.locator("#import-members")
    tab_to(page, opener)
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    tab_to(page, page.get_by_role("dialog").get_by_role("button", name="Choose a file"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    csv = f"fullName,email,membershipEnd\nKeyboard Importer,keys.{tag}@example.com,2031-01-31\n"
    chooser.value.set_files(files=[{"name": "keys.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    expect(page.locator("#import-mapping")).to_contain_text("membershipEnd")
    tab_to(page, page.locator("#import-check"))
    page.keyboard.press("Enter")
    expect(page.locator("#import-ready")).to_contain_text("1")
    tab_to(page, page.locator("#import-run"))
    page.keyboard.press("Enter")
    expect(page.locator("#import-finished")).to_contain_text("Imported 1 members", timeout=30_000)
    tab_to(page, page.locator("#import-done"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()
    page.keyboard.press("Shift+Tab")
    tab_to(page, page.locator("#member-search"), backwards=True)
    page.keyboard.type(f"keys.{tag}")  # the start of the imported email: one row, no "inside" heading
    expect(page.locator("#members-table tbody tr")).to_have_count(1)
    expect(page.locator("#members-table tbody tr")).to_contain_text("Keyboard Importer")


def test_a_bulk_action_with_the_keyboard(admin_page: Page, app_url: str) -> None:
    page = admin_page
    tag = uuid.uuid4().hex[:6]
    created = page.request.post(
        "/api/v1/members",
        data={
            "fullName": f"Bulk Keys {tag}",
            "email": f"bulk.{tag}@example.com",
            "membershipStart": "2026-01-01",
            "membershipEnd": "2031-01-31",
        },
        headers={"Origin": app_url},
    )
    assert created.ok, created.text()
    page.goto(f"/members?q=bulk.{tag}")  # the start of the email: one row
    row = page.locator("#members-table tbody tr")
    expect(row).to_have_count(1, timeout=20_000)
    tab_to(page, row.get_by_role("checkbox"))
    page.keyboard.press("Space")
    bar = page.get_by_role("region", name="Bulk actions")
    expect(bar).to_contain_text("1 member selected")
    tab_to(page, bar.get_by_role("button", name="Freeze"), backwards=True)  # the bar sits above the table
    page.keyboard.press("Enter")
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_be_visible()
    page.wait_for_function(IN_DIALOG)  # the dialog took the focus
    tab_to(page, page.locator("#confirm-bulk"))
    page.keyboard.press("Enter")
    expect(confirm).to_have_count(0)
    expect(row).to_contain_text("Frozen")
    # The bar went away with the selection: the focus lands on the page's content, not nowhere.
    expect(page.locator("#main-content")).to_be_focused()


# -- settings ---------------------------------------------------------------------------------------------


def test_change_a_setting_with_the_keyboard(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page()
    sign_in(page, app_url, *ADMIN, then="/settings")
    expect(page.locator("#profile-form")).to_be_visible()
    # The tab list: Tab reaches the selected tab, the arrows move between tabs.
    tab_to(page, page.get_by_role("tab", name="Profile"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Gym")).to_have_attribute("aria-selected", "true")
    hours = page.locator("#gym-auto-checkout")
    tab_to(page, hours)
    before = hours.input_value()
    after = "5" if before != "5" else "6"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(after)
    tab_to(page, page.get_by_role("button", name="Save gym settings"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved").first).to_be_visible()
    page.reload()
    page.get_by_role("tab", name="Gym").click()
    expect(page.locator("#gym-auto-checkout")).to_have_value(after)
    # Back as it was, for the other tests.
    page.locator("#gym-auto-checkout").fill(before)
    page.get_by_role("button", name="Save gym settings").click()
    expect(page.get_by_text("Saved").first).to_be_visible()


# -- motion and zoom --------------------------------------------------------------------------------------


def test_reduce_motion_stops_animations(browser: Browser, app_url: str) -> None:
    durations: dict[str, list[str]] = {}
    for motion in ("no-preference", "reduce"):
        context = browser.new_context(
            base_url=app_url, reduced_motion=motion, extra_http_headers={"X-Forwarded-For": unique_ip()}
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        sign_in(page, app_url, *ADMIN, then="/live")
        expect(page.locator('#occupancy-panel[data-loaded="true"]')).to_be_visible()
        dot, bar = page.locator(".thrust-live-dot").first, page.locator(".thrust-bar-fill").first
        if motion == "no-preference":
            # Read once the dot is drawn with its style: a read during a re-render once found "".
            expect(dot).to_have_css("animation-duration", "2s")
        durations[motion] = [
            dot.evaluate("(el) => getComputedStyle(el).animationDuration"),
            bar.evaluate("(el) => getComputedStyle(el).transitionDuration"),
        ]
        context.close()
    assert durations["no-preference"][0] == "2s", durations
    assert all(float(value.split(",")[0].rstrip("s")) < 0.001 for value in durations["reduce"]), durations


# 200 % zoom of a 1280 x 800 window: a 640 x 400 CSS-pixel viewport drawn at twice the density.
ZOOMED = {"width": 640, "height": 400}
KEY_CONTROLS = {
    "/": ["#capacity-summary"],
    "/members": ["#member-search", "#add-member", "#import-members", "#members-table"],
    "/front-desk": ["#desk-search", "#capacity-summary"],
    "/live": ["#occupancy-current", "#activity-feed"],
    "/settings": ["#profile-form button[type=submit]"],
}


def test_pages_stay_usable_at_200_percent_zoom(browser: Browser, app_url: str) -> None:
    context = browser.new_context(
        base_url=app_url,
        viewport=ZOOMED,
        device_scale_factor=2,
        extra_http_headers={"X-Forwarded-For": unique_ip()},
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems: list[str] = []
    try:
        response = page.request.post(
            "/api/v1/auth/login",
            data={"email": ADMIN[0], "password": ADMIN[1], "useCookies": True},
            headers={"Origin": app_url},
        )
        assert response.ok, response.text()
        for path, controls in KEY_CONTROLS.items():
            page.goto(path)
            expect(page.locator("#account-menu")).to_have_text(re.compile(r"\w"))
            expect(page.locator(controls[0])).to_be_visible()
            page.wait_for_timeout(300)
            # Nothing sideways: the page fits the narrow window (tables may scroll inside their box).
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                problems.append(f"{path}: the page scrolls sideways by {overflow}px")
            # The navigation, the account menu and the page's own controls are on screen, in reach.
            for selector in ["[aria-label='Open navigation']", "#account-menu", *controls]:
                control = page.locator(selector).first
                control.scroll_into_view_if_needed()
                box = control.bounding_box()
                if box is None or box["x"] < 0 or box["x"] + box["width"] > ZOOMED["width"] + 1:
                    problems.append(f"{path}: {selector} is not fully on screen ({box})")
        # The menu that replaces the sidebar works from the keyboard.
        menu = page.get_by_role("button", name="Open navigation")
        menu.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("menuitem", name="Members")).to_be_visible()
        page.keyboard.press("Escape")
        expect(menu).to_be_focused()
    finally:
        context.close()
    assert not problems, "\n".join(problems)
