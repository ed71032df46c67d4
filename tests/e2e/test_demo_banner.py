"""The "Demo data is loaded" banner in a real browser: admins only, and removing the demo for good.

Removing the demo would take the shared e2e server's trainers and members from every other test, so this
module runs a small server of its own (30 demo members).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ADMIN, ARTIFACTS, TRAINER, _context, sign_in
from tests.server import Server, launch

MEMBERS = 30


@pytest.fixture(scope="module")
def demo_server(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, app_server: Server
) -> Iterator[Server]:
    """Its own database; the e2e server's build, relocated to its address (tests/server.py)."""
    try:
        data = tmp_path_factory.mktemp("demo-data")
        with launch(data, name="demo", members=MEMBERS, build_from="e2e") as server:
            # A fresh server's first page and socket are slow: warm them up before the test's 5 s waits.
            page = _page(browser, server.url)
            page.goto("/")
            expect(page.get_by_label("Email")).to_be_visible(timeout=60_000)
            page.context.close()
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))


def _page(browser: Browser, url: str) -> Page:
    return _context(browser, url).new_page()


def test_an_admin_removes_the_demo_data_and_a_trainer_never_sees_the_banner(
    browser: Browser, demo_server: Server, request: pytest.FixtureRequest
) -> None:
    url = demo_server.url
    trainer = _page(browser, url)
    admin = _page(browser, url)
    try:
        # A demo trainer, signed in while the demo is loaded: no banner on any page.
        sign_in(trainer, url, *TRAINER, then="/members")
        expect(trainer.locator("#members-table, #members-empty").first).to_be_visible()
        sign_in(trainer, url, *TRAINER)
        expect(trainer.get_by_text("Demo data is loaded")).to_have_count(0)
        expect(trainer.locator("#demo-banner")).to_have_count(0)

        sign_in(admin, url, *ADMIN, then="/members")
        banner = admin.locator("#demo-banner")
        expect(banner).to_contain_text("Demo data is loaded")
        ARTIFACTS.mkdir(exist_ok=True)
        admin.screenshot(path=str(ARTIFACTS / "demo-banner.png"))
        banner.get_by_role("button", name="Remove demo data").click()

        dialog = admin.get_by_role("alertdialog")
        expect(dialog).to_contain_text("Remove demo data?")
        expect(dialog.locator("#demo-impact")).to_have_text(
            re.compile(
                rf"This permanently deletes {MEMBERS} demo members with their [\d,]+ visits?, "
                r"and 5 demo trainers\."
            )
        )
        expect(dialog).to_contain_text("It cannot be undone")
        admin.screenshot(path=str(ARTIFACTS / "demo-banner-dialog.png"))
        dialog.get_by_role("button", name="Remove demo data").click()

        expect(
            admin.locator("[data-sonner-toast]").filter(has_text=f"Removed {MEMBERS} demo members")
        ).to_be_visible()
        expect(dialog).to_have_count(0)
        expect(banner).to_have_count(0)
        # The page shows the gym as it is now: no member left in the directory.
        expect(admin.locator("#members-empty")).to_contain_text("No members yet")
        admin.goto("/")
        expect(admin.get_by_role("navigation", name="Main")).to_be_visible()
        expect(admin.locator("#demo-banner")).to_have_count(0)

        # The demo trainer's session ended with the account: their next page asks them to sign in.
        trainer.goto("/members")
        expect(trainer).to_have_url(re.compile(r"/login"), timeout=20_000)  # after a refresh is refused
        refused = trainer.request.post(
            "/api/v1/auth/login", data={"email": TRAINER[0], "password": TRAINER[1]}, headers={"Origin": url}
        )
        assert refused.status == 401
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for name, page in (("admin", admin), ("trainer", trainer)):
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"))
            page.context.close()
