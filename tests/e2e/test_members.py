"""The members pages in a real browser: search as you type, filters, the form, bulk actions, export and
import, and what trainers and members see."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, TRAINER, path_of, sign_in

pytestmark = pytest.mark.e2e

ROWS = "#members-table tbody tr"


def open_directory(page: Page, query: str = "") -> None:
    page.goto("/members" + (f"?{query}" if query else ""))
    # Real rows, not the loading skeleton (a busy machine can take a while to hydrate).
    expect(page.locator(f"{ROWS} a").first).to_be_visible(timeout=20_000)
    settle(page)


def row_names(page: Page) -> list[str]:
    return page.locator(f"{ROWS} a").all_inner_texts()


def settle(page: Page) -> None:
    """Wait until the directory is not querying."""
    expect(page.locator("#members-table")).to_have_attribute("aria-busy", "false")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"members-{name}.png"))


def test_search_as_you_type_filters_and_the_empty_state(admin_page: Page) -> None:
    page = admin_page
    open_directory(page)
    total = page.locator("#members-count").inner_text()
    assert re.fullmatch(r"\d[\d,]* members", total)
    search = page.locator("#member-search")
    search.press_sequentially("mar", delay=60)
    expect(page).to_have_url(re.compile(r"/members\?q=mar$"))
    settle(page)
    names = row_names(page)
    emails = page.locator(f"{ROWS} .member-email").all_inner_texts()
    assert names and all("mar" in (n + e).lower() for n, e in zip(names, emails, strict=True))

    # A filter on top of the search, then the status filter alone.
    search.fill("")
    expect(page).to_have_url(re.compile(r"/members$"))
    page.locator("#filter-status").click()
    page.get_by_role("option", name="Frozen", exact=True).click()
    expect(page).to_have_url(re.compile(r"status=FROZEN"))
    settle(page)
    statuses = page.locator(f"{ROWS} td:nth-child(4)").all_inner_texts()
    assert statuses and all(s.strip() == "Frozen" for s in statuses)
    shot(page, "filtered")

    # Sorting by a column, and a page reload keeps the view.
    page.get_by_role("button", name="Sort by membership end").click()
    expect(page).to_have_url(re.compile(r"sort=membershipEnd"))
    page.reload()
    expect(page.locator("#filter-status")).to_have_text("Frozen")
    settle(page)

    # Nothing found says so, and offers the way back.
    search.fill("zzqx nobody")
    expect(page.locator("#members-empty")).to_contain_text("No members match “zzqx nobody”")
    shot(page, "empty")
    page.locator("#clear-filters").click()
    expect(page.locator("#members-count")).to_have_text(total)
    expect(page).to_have_url(re.compile(r"/members\?sort=membershipEnd&order=asc$"))  # the order stays


def _fill_form(page: Page, **values: str) -> None:
    labels = {
        "name": "Full name",
        "email": "Email",
        "phone": "Phone",
        "start": "Starts",
        "end": "Ends",
    }
    dialog = page.get_by_role("dialog")
    for key, value in values.items():
        dialog.get_by_label(labels[key], exact=True).fill(value)


def test_create_with_field_messages_then_success_then_edit(admin_page: Page) -> None:
    page = admin_page
    open_directory(page)
    page.locator("#add-member").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Add a member")).to_be_visible()
    email = f"nadia.{uuid.uuid4().hex[:6]}@example.com"
    _fill_form(
        page, name="Nadia Okafor", email="nadia-at-example", phone="12", start="2026-06-01", end="2026-05-01"
    )
    page.locator("#save-member").click()
    expect(page.locator("#member-email-error")).to_contain_text("valid email")
    expect(page.locator("#member-phone-error")).to_contain_text("7 to 15 digits")
    expect(page.locator("#member-end-error")).to_contain_text("after its start")
    expect(dialog.get_by_label("Email", exact=True)).to_have_attribute("aria-invalid", "true")
    shot(page, "form-errors")

    # The admin's own email is taken: said on the email field.
    _fill_form(page, email="admin@thrust.com", phone="+44 20 7946 0958", end="2027-06-01")
    page.locator("#save-member").click()
    expect(page.locator("#member-email-error")).to_contain_text("already")
    expect(page.locator("#member-phone-error")).to_have_count(0)

    _fill_form(page, email=email)
    page.locator("#save-member").click()
    expect(page).to_have_url(re.compile(r"/members/[0-9a-f-]{36}$"))
    expect(page.locator("#member-name-heading")).to_have_text("Nadia Okafor")
    expect(page.get_by_text(email).first).to_be_visible()

    page.locator("#edit-member").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Full name", exact=True)).to_have_value("Nadia Okafor")
    _fill_form(page, name="Nadia A. Okafor", phone="+44 20 7946 0000")
    page.locator("#save-member").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#member-name-heading")).to_have_text("Nadia A. Okafor")
    expect(page.get_by_text("+44 20 7946 0000").first).to_be_visible()


def test_bulk_deactivate_asks_with_the_count_and_applies_to_both(admin_page: Page) -> None:
    page = admin_page
    open_directory(page, "status=ACTIVE&tier=VIP")
    first, second = row_names(page)[:2]
    page.get_by_label(f"Select {first}", exact=True).click()
    page.get_by_label(f"Select {second}", exact=True).click()
    expect(page.locator("#selection-label")).to_have_text("2 members selected")
    page.get_by_role("region", name="Bulk actions").get_by_role("button", name="Deactivate").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Deactivate 2 members?")
    shot(page, "bulk-confirm")
    page.locator("#confirm-bulk").click()
    expect(page.get_by_text("Deactivated 2 members")).to_be_visible()
    settle(page)
    # They no longer match "active", and show as inactive when searched for.
    assert first not in row_names(page) and second not in row_names(page)
    page.goto(f"/members?q={first.split()[-1]}")
    settle(page)
    row = page.locator(ROWS).filter(has_text=first).first
    expect(row).to_contain_text("Inactive")


def test_select_everyone_matching_the_filter(admin_page: Page) -> None:
    page = admin_page
    open_directory(page, "membership=expired&limit=25")
    count = int(page.locator("#members-count").inner_text().split()[0].replace(",", ""))
    page.locator("#select-page").click()
    if count > len(row_names(page)):
        page.locator("#select-all-matching").click()
    expect(page.locator("#selection-label")).to_contain_text("member")
    page.get_by_role("region", name="Bulk actions").get_by_role("button", name="Freeze").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(f"Freeze {count} member")
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def test_export_downloads_the_current_filter_as_csv(admin_page: Page) -> None:
    page = admin_page
    open_directory(page, "status=FROZEN")
    count = int(page.locator("#members-count").inner_text().split()[0].replace(",", ""))
    expect(page.locator("#export-members")).to_have_attribute("href", re.compile(r"status=FROZEN"))
    with page.expect_download() as info:
        page.locator("#export-members").click()
    download = info.value
    assert re.fullmatch(r"thrust-members-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == count > 0
    assert {r["status"] for r in rows} == {"FROZEN"}
    assert {"fullName", "email", "membershipTier", "membershipEnd", "trainerEmail"} <= set(rows[0])


def _csv(*rows: str) -> bytes:
    return ("Name;E-mail;Mobile;Plan;Expiry\n" + "\n".join(rows) + "\n").encode()


def _upload(page: Page, data: bytes, name: str = "old-system.csv") -> None:
    page.locator("#import-dialog input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


def test_import_reports_a_bad_row_and_imports_nothing_then_a_good_file(admin_page: Page) -> None:
    page = admin_page
    tag = uuid.uuid4().hex[:6]
    good = [
        f"Lena Fischer;lena.{tag}@example.com;+49 30 1234567;premium;31.12.2030",
        f"Jonas Wegener;jonas.{tag}@example.com;;VIP;30.06.2030",
    ]
    open_directory(page)
    page.locator("#import-members").click()
    expect(page.get_by_text("Drop a CSV file here")).to_be_visible()
    _upload(page, _csv(good[0], "Broken Row;not-an-email;12;gold;someday", good[1]))
    mapping = page.locator("#import-mapping")
    expect(mapping).to_contain_text("E-mail")
    expect(page.get_by_label("Field for column Expiry")).to_have_text("Membership end")
    page.locator("#import-date-format").click()
    page.get_by_role("option", name="DD.MM.YYYY").click()
    page.locator("#import-check").click()
    expect(page.locator("#import-bad")).to_contain_text("1")
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Enter a valid email address")
    expect(problems.locator("tbody tr").first).to_contain_text("3")
    expect(page.locator("#import-run")).to_be_disabled()
    shot(page, "import-report")
    page.get_by_role("button", name="Close").click()
    # Nothing of the file was written.
    page.goto(f"/members?q={tag}")
    expect(page.locator("#members-empty")).to_be_visible()

    page.locator("#import-members").click()
    _upload(page, _csv(*good))
    page.locator("#import-date-format").click()
    page.get_by_role("option", name="DD.MM.YYYY").click()
    page.locator("#import-check").click()
    expect(page.locator("#import-ready")).to_contain_text("2")
    page.locator("#import-run").click()
    expect(page.locator("#import-finished")).to_contain_text("Imported 2 members", timeout=30_000)
    page.locator("#import-done").click()
    settle(page)
    # The tag is inside their emails, not at a word's start: both rows, under "also matching inside".
    expect(page.locator(f"{ROWS} a")).to_have_count(2)
    assert sorted(row_names(page)) == ["Jonas Wegener", "Lena Fischer"]
    expect(page.locator("#members-inside-heading")).to_be_visible()


def test_the_template_downloads(admin_page: Page) -> None:
    page = admin_page
    open_directory(page)
    page.locator("#import-members").click()
    with page.expect_download() as info:
        page.locator("#import-template").click()
    header = Path(info.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("fullName,email,phone")


def test_profile_delete_offers_deactivation_first(admin_page: Page) -> None:
    page = admin_page
    open_directory(page, "status=ACTIVE&sort=lastVisit&order=desc")
    name = row_names(page)[0]
    page.locator(ROWS).first.click()
    expect(page.locator("#member-name-heading")).to_have_text(name)
    expect(page.get_by_text("Visits, last 30 days")).to_be_visible()
    expect(page.locator("#visits-table tbody tr").first).to_be_visible()
    page.locator("#delete-member").click()
    expect(page.locator("#delete-impact")).to_contain_text(re.compile(r"\d+ visits? and \d+ workout plans?"))
    shot(page, "delete-confirm")
    page.locator("#deactivate-instead").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.get_by_text(f"{name} is now inactive")).to_be_visible()
    page.get_by_role("link", name="All members").click()
    expect(page).to_have_url(re.compile(r"/members$"))


def test_a_trainer_sees_assigned_members_and_cannot_change_the_membership(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page()
    sign_in(page, app_url, *TRAINER, then="/members")
    settle(page)
    trainers = page.locator(f"{ROWS} td:nth-child(5)").all_inner_texts()
    assert trainers and set(trainers) == {"Marcus Reid"}
    expect(page.locator("#add-member")).to_have_count(0)
    expect(page.locator("#select-page")).to_have_count(0)
    page.locator(ROWS).first.click()
    page.locator("#edit-member").click()
    expect(page.locator("#membership-read-only")).to_contain_text("Set by the gym's admins")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Tier")).to_have_count(0)
    expect(page.locator("#delete-member")).to_have_count(0)
    # The login email and the membership dates are shown, but only admins change them.
    for label in ("Email", "Starts", "Ends"):
        control = dialog.get_by_label(label, exact=True)
        expect(control).to_be_visible()
        expect(control).not_to_have_value("")
        expect(control).not_to_be_editable()
    expect(dialog.get_by_label("Full name", exact=True)).to_be_editable()
    shot(page, "trainer-edit")
    # Saving sends nothing a trainer may not change, so the service takes it.
    name = dialog.get_by_label("Full name", exact=True).input_value()
    page.locator("#save-member").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(f"Saved {name}")).to_be_visible()


def test_a_member_sees_their_own_profile_and_no_one_else_s(
    admin_page: Page, new_page: Callable[..., Page], app_url: str
) -> None:
    listing = admin_page.request.get("/api/v1/members?limit=1&status=ACTIVE").json()["data"][0]
    page = new_page()
    sign_in(page, app_url, listing["email"], "Member123!", then=f"/members/{listing['id']}")
    expect(page.locator("#member-name-heading")).to_have_text(listing["fullName"])
    expect(page.locator("#edit-member")).to_have_count(0)
    expect(page.locator("#delete-member")).to_have_count(0)
    # Someone else's page is not found, the same as a member that does not exist.
    page.goto(f"/members/{uuid.uuid4()}")
    expect(page.locator("#member-missing")).to_contain_text("does not exist")
    assert path_of(page).startswith("/members/")
    # The directory is for staff: a member is told so and sent home.
    page.goto("/members")
    expect(page).to_have_url(re.compile(r"/$"))


def test_word_starts_come_first_then_matches_inside_names_and_pages_read_on(
    admin_page: Page, app_url: str
) -> None:
    page = admin_page
    # A made-up word no demo name holds: "Orla <Word>" starts with it, "Kestrel Ash<word>" holds it inside.
    word = "".join(chr(ord("a") + int(ch, 16) % 26) for ch in uuid.uuid4().hex[:5]).capitalize()
    starts, inside = f"Orla Vq{word.lower()}", f"Kestrel Ashvq{word.lower()}"
    for name in (starts, inside):
        response = page.request.post(
            "/api/v1/members",
            data={
                "fullName": name,
                "email": f"{name.split()[0].lower()}.{uuid.uuid4().hex[:6]}@example.org",
                "membershipStart": "2026-01-01",
                "membershipEnd": "2027-06-30",
            },
            headers={"Origin": app_url},
        )
        assert response.status == 201, response.text()
    open_directory(page, f"q=vq{word.lower()}")
    assert row_names(page) == [starts, inside]
    heading = page.locator("#members-inside-heading")
    expect(heading).to_have_text("Also matching inside names")
    assert page.locator(ROWS).nth(1).get_attribute("id") == "members-inside-heading"
    shot(page, "inside")

    # Next and Previous: the next page starts after this one's last row, and the way back is the same.
    open_directory(page)
    first = row_names(page)
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#members-range")).to_contain_text("26–50")
    settle(page)
    second = row_names(page)
    assert second and not set(second) & set(first)
    assert min(second) >= max(first)  # name order goes on where page 1 stopped
    page.get_by_role("button", name="Previous page").click()
    expect(page.locator("#members-range")).to_contain_text("1–25")
    settle(page)
    assert row_names(page) == first
