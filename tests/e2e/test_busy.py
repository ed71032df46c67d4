"""The public page /busy in a real browser: switched off (the default) it is a 404 that no other site may
frame; an admin switches it on in Settings > Gym (link and snippet shown), and anyone sees how busy the
gym is, without cookies, also inside another site's <iframe>; switched off again, it is gone at once.
Screenshots of the page (light and dark, alone and framed) and of the settings; axe on the page."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import violations
from tests.e2e.conftest import ADMIN, ARTIFACTS, sign_in, unique_ip
from thrust.checkins.bands import WORDS

pytestmark = pytest.mark.e2e


def _policy(headers: dict[str, str]) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    return {name: value for name, value in parts}


@pytest.fixture(scope="module")
def gym_website(app_url: str) -> Iterator[str]:
    """Another site (127.0.0.1 is not the app's localhost) whose page shows /busy in an <iframe>, as a
    gym's website would: its own server on the same machine, so the browser allows the frame's request
    and treats the frame as third-party (storage refused, as in browsers that block third-party data)."""
    frame = f'<iframe src="{app_url}/busy" width="360" height="460" title="How busy it is"></iframe>'
    body = f"<!doctype html><html><body><h1>Our gym</h1>{frame}</body></html>".encode()

    class Website(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Website)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _switch(page: Page, on: bool) -> None:
    """Settings > Gym > Public page: flip the switch, and see the page say what it did."""
    page.goto("/settings")
    page.get_by_role("tab", name="Gym").click()
    switch = page.locator("#public-occupancy-switch")
    expect(switch).to_be_visible()
    if (switch.get_attribute("aria-checked") == "true") != on:
        page.get_by_text("Show how busy the gym is on a public page").click()
    expect(switch).to_have_attribute("aria-checked", "true" if on else "false")
    expect(page.locator("#busy-details" if on else "#busy-off-note")).to_be_visible()


def test_switched_off_it_is_a_404_that_no_site_may_frame(
    new_page: Callable[..., Page], gym_website: str
) -> None:
    page = new_page()
    response = page.goto("/busy")
    assert response is not None and response.status == 404
    headers = response.headers
    assert _policy(headers)["frame-ancestors"] == "'none'" and headers["x-frame-options"] == "DENY"
    expect(page.locator("#busy-off")).to_have_text("This gym does not publish how busy it is.")
    expect(page.locator("#busy-percent")).to_have_count(0)
    assert page.request.get("/api/v1/public/occupancy").status == 404

    framed = new_page()
    with framed.expect_event("requestfailed", lambda request: "/busy" in request.url) as refused:
        framed.goto(gym_website)
    assert "BLOCKED_BY_RESPONSE" in (refused.value.failure or "")  # the browser refused to show it
    frame = framed.frame_locator("iframe")
    expect(frame.locator("#busy-page")).to_have_count(0)
    framed.screenshot(path=str(ARTIFACTS / "busy-framed-refused.png"))


def test_switched_on_anyone_sees_how_busy_it_is_even_inside_another_site(
    new_page: Callable[..., Page], browser: Browser, app_url: str, gym_website: str
) -> None:
    admin = new_page()
    sign_in(admin, app_url, *ADMIN, then="/settings")
    _switch(admin, True)
    try:
        expect(admin.locator("#busy-link")).to_have_text(f"{app_url}/busy")
        snippet = admin.locator("#busy-snippet").input_value()
        assert snippet.startswith(f'<iframe src="{app_url}/busy" ') and 'loading="lazy"' in snippet
        admin.locator("#public-page-settings").screenshot(path=str(ARTIFACTS / "busy-settings-on.png"))

        for dark in (False, True):
            scheme = "dark" if dark else "light"
            page = new_page(dark=dark)
            response = page.goto("/busy")
            assert response is not None and response.status == 200
            assert _policy(response.headers)["frame-ancestors"] == "*"
            assert "x-frame-options" not in response.headers
            api = page.request.get("/api/v1/public/occupancy").json()["data"]
            expect(page.locator("#busy-gym")).to_have_text(api["gymName"])
            expect(page.locator("#busy-percent")).to_have_text(re.compile(r"^\d+%$"))
            expect(page.locator("#busy-band")).to_have_text(re.compile("|".join(WORDS.values())))
            expect(page.locator("#busy-trend")).to_have_text(re.compile("Filling up|Emptying|Steady"))
            expect(page.locator("#busy-as-of")).to_have_text(re.compile(r"^\d\d:\d\d$"))
            hours = page.locator("#busy-hours li.busy-hour")
            expect(hours).to_have_count(len(api["hours"]))
            if api["hint"]:
                expect(page.locator("#busy-hint")).to_have_text(api["hint"])
            # No cookie needed, none set; no one's name on the page.
            assert page.context.cookies() == [] and page.evaluate("document.cookie") == ""
            page.screenshot(path=str(ARTIFACTS / f"busy-{scheme}.png"), full_page=True)

        framed = new_page()
        framed.goto(gym_website)
        frame = framed.frame_locator("iframe")
        expect(frame.locator("#busy-percent")).to_have_text(re.compile(r"^\d+%$"), timeout=30_000)
        framed.screenshot(path=str(ARTIFACTS / "busy-framed.png"))

        # The page passes axe's WCAG rules (axe is an inline script: this browser ignores the policy).
        context = browser.new_context(
            base_url=app_url, bypass_csp=True, extra_http_headers={"X-Forwarded-For": unique_ip()}
        )
        try:
            checked = context.new_page()
            found: list[str] = []
            for scheme, width in (("light", 1280), ("dark", 390)):
                checked.emulate_media(color_scheme=scheme)
                checked.set_viewport_size({"width": width, "height": 800})
                checked.goto("/busy")
                expect(checked.locator("#busy-percent")).to_be_visible()
                found += violations(checked, f"/busy [{scheme}, {width}px]")
            assert not found, "\n".join(found)
        finally:
            context.close()
    finally:
        _switch(admin, False)

    page = new_page()
    response = page.goto("/busy")
    assert response is not None and response.status == 404
    admin.locator("#public-page-settings").screenshot(path=str(ARTIFACTS / "busy-settings-off.png"))
