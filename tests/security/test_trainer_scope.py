"""What a trainer sees and may change, attacked over the real transport (the socket, HTTP):

- at the front desk a trainer finds and checks in anyone, but receives contact details (email, phone,
  birth date) of their assigned members only, and cannot find others by an email or a phone number;
- the visits list (`GET /api/v1/check-ins`) holds their assigned members' visits only;
- the desk search refuses a burst of scripted look-ups with a plain message, never typing;
- login email and membership dates are admin-only, over HTTP and through the member form;
- a new email, a freeze or a deactivation ends the member's sessions (their real tokens, before/after);
- state loaded under an earlier role is dropped on the next event and never sent again on reconnect.

Each refusal has a positive control next to it, so an absence means the rule held, not a blind probe.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from typing import Any

import httpx

from tests.security.conftest import MEMBER_PASSWORD, TRAINER_PASSWORD, Cast, Person
from tests.security.support import Account, Database, api_login, db_changes, sign_in_account, toasts
from tests.server import AppServer
from tests.support.socket_client import ProbingClient, fresh_ip, handler_name
from thrust.auth.account_state import AccountProfileState
from thrust.auth.state import AuthState
from thrust.checkins.service import DESK_SEARCHES
from thrust.checkins.state import FrontDeskState
from thrust.members.service import ADMIN_ONLY_MESSAGE
from thrust.members.state import MemberFormState, MembersState
from thrust.staff.state import StaffState

DESK = FrontDeskState.get_full_name()
STAFF = StaffState.get_full_name()
AUTH = AuthState.get_full_name()


def contact_details(db: Database, person: Person) -> list[str]:
    """The person's email, phone and birth date (in the forms a page would write it)."""
    row = db.query("SELECT date_of_birth FROM members WHERE id = ?", uuid.UUID(person.member_id).hex)
    values = [person.email, *([person.phone] if person.phone else [])]
    if row and row[0][0]:
        born = date.fromisoformat(str(row[0][0])[:10])
        values += [born.isoformat(), born.strftime("%-d %b %Y"), born.strftime("%d %b %Y")]
    return values


def results(client: ProbingClient) -> list[dict[str, Any]]:
    return list(client.mirror.get(DESK, {}).get("results", []))


def http(app_server: AppServer, account: Account | None = None) -> httpx.Client:
    headers = {"X-Forwarded-For": fresh_ip(), **(account.bearer if account else {})}
    return httpx.Client(base_url=app_server.url, headers=headers, timeout=60)


# -- the desk -------------------------------------------------------------------------------------------


async def _desk(app_server: AppServer, account: Account) -> ProbingClient:
    client = ProbingClient(app_server.url, cookie=account.cookie)
    await client.connect("/front-desk")
    await client.call(handler_name(FrontDeskState.open_desk))
    return client


async def _search(client: ProbingClient, text: str) -> list[dict[str, Any]]:
    await client.call(handler_name(FrontDeskState.search), {"text": text})
    return results(client)


def test_a_trainer_at_the_desk_receives_no_contact_details_of_members_not_assigned_to_them(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    stranger, victim = cast.stranger, cast.victim
    secrets = contact_details(server_db, stranger)

    async def scenario() -> None:
        desk = await _desk(app_server, cast.trainer)
        try:
            # They work the desk: found by name, and the desk acts on them (in, or a refusal's reason).
            found = await _search(desk, stranger.full_name)
            assert stranger.member_id in [row["id"] for row in found], found
            row = next(row for row in found if row["id"] == stranger.member_id)
            assert row["name"] == stranger.full_name and row["initials"] and row["tier"]
            assert (row["contact"], row["ends"], row["visits"], row["detailed"]) == ("", "", 0, False)
            await desk.call(handler_name(FrontDeskState.act), {"member_id": stranger.member_id})
            card = desk.mirror[DESK].get("card", {})
            if desk.mirror[DESK].get("has_card") and card.get("inside"):
                assert card["name"] == stranger.full_name and not card["detailed"] and not card["ends"]
                await desk.call(handler_name(FrontDeskState.check_out_card))  # as it was
            # Positive control: their own member comes with the contact details.
            found = await _search(desk, victim.full_name)
            mine = next(row for row in found if row["id"] == victim.member_id)
            assert victim.email in mine["contact"] and mine["detailed"]
            seen = desk.seen()  # every raw message of the socket, and the state they built
        finally:
            await desk.close()
        leaked = [value for value in secrets if value in seen]
        assert not leaked, f"the trainer's socket received {leaked} of a member not assigned to them"

        # Not found by their email or phone (typed on a socket of its own: the query comes back as
        # typed), as that answer would say whose they are; their own member is (positive control).
        oracle = await _desk(app_server, cast.trainer)
        try:
            phone = [stranger.phone] if stranger.phone else []
            for query in [stranger.email, stranger.email.split("@")[0], *phone]:
                found = await _search(oracle, query)
                assert stranger.member_id not in [r["id"] for r in found], query
            assert [r["id"] for r in await _search(oracle, victim.email)] == [victim.member_id]
        finally:
            await oracle.close()

        admin = await _desk(app_server, cast.admin)  # positive control: an admin sees everyone's
        try:
            found = await _search(admin, stranger.email)
            assert [r["id"] for r in found] == [stranger.member_id] and stranger.email in admin.seen()
        finally:
            await admin.close()

    asyncio.run(scenario())


def _other_trainer(app_server: AppServer, db: Database, cast: Cast) -> Account:
    """A demo trainer no other test signs in as (the limit is per user: theirs is ours to exhaust)."""
    rows = db.query(
        "SELECT email FROM users WHERE role = 'TRAINER' AND is_active = 1 AND email LIKE '%@thrust.com'"
        " AND email NOT IN (?, 'marcus.reid@thrust.com') ORDER BY email DESC",
        cast.trainer.email,
    )
    assert rows, "the demo data needs a second trainer"
    return sign_in_account(app_server.url, db, rows[0][0], TRAINER_PASSWORD)


def test_the_desk_search_lets_typing_through_and_refuses_a_burst_of_lookups(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    trainer = _other_trainer(app_server, server_db, cast)
    search = handler_name(FrontDeskState.search)

    def refusals_in(client: ProbingClient, start: int) -> list[str]:
        return [
            new
            for m in client.messages[start:]
            for state, var, _old, new in m.changes
            if state == DESK and var == "slow_down" and new
        ]

    async def scenario() -> None:
        desk = await _desk(app_server, trainer)
        try:
            # Typing, as the page's box sends it (100 ms after the last key), for longer than the
            # limit's window: never refused.
            typed = "mariana gonzalez de la fuente"
            start = len(desk.messages)
            for end in range(1, len(typed) + 1):
                await desk.emit(search, {"text": typed[:end]})
                await asyncio.sleep(0.1)
            await desk.settle()
            assert refusals_in(desk, start) == [], "normal typing was refused"
            assert desk.mirror[DESK]["query"] == typed

            # A script: 60 look-ups at once. Refused with a plain message where results would be.
            await asyncio.sleep(DESK_SEARCHES.window_seconds)
            start = len(desk.messages)
            for n in range(60):
                await desk.emit(search, {"text": f"member {n}"})
            await desk.settle()
            refused = refusals_in(desk, start)
            assert refused, "60 scripted look-ups in a row were all answered"
            assert refused[0].startswith("Too many searches at once. Wait "), refused[0]
            assert desk.mirror[DESK]["slow_down"] == refused[-1] and desk.mirror[DESK]["results"] == []

            # A moment later the desk searches again (and leaves the limit as it found it).
            await asyncio.sleep(DESK_SEARCHES.window_seconds)
            await _search(desk, "an")
            assert desk.mirror[DESK]["slow_down"] == "" and desk.mirror[DESK]["searched"] is True
        finally:
            await desk.close()
        await asyncio.sleep(DESK_SEARCHES.window_seconds)

    asyncio.run(scenario())


# -- visits ---------------------------------------------------------------------------------------------


def test_a_trainer_lists_visits_of_assigned_members_only(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    assigned = {
        str(uuid.UUID(row[0]))
        for row in server_db.query(
            "SELECT id FROM members WHERE assigned_trainer_id = ?", uuid.UUID(cast.trainer.user_id).hex
        )
    }

    def visitors(account: Account, **params: Any) -> list[str]:
        with http(app_server, account) as client:
            response = client.get("/api/v1/check-ins", params={"limit": 100, **params})
        assert response.status_code == 200, response.text
        return [visit["memberId"] for visit in response.json()["data"]]

    everyone = visitors(cast.admin)
    assert set(everyone) - assigned, "control: the admin lists visits of members not assigned to the trainer"
    mine = visitors(cast.trainer)
    assert mine and set(mine) <= assigned, set(mine) - assigned
    assert visitors(cast.trainer, memberId=cast.stranger.member_id) == []


# -- admin-only fields ----------------------------------------------------------------------------------

ADMIN_ONLY_CHANGES = (
    {"email": "moved.by.a.trainer@example.com"},
    {"membershipStart": "2020-01-01"},
    {"membershipEnd": "2099-12-31"},
)


def test_login_email_and_membership_dates_are_admin_only_over_http_and_the_form(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    victim = cast.victim  # assigned to the trainer: they may edit the rest of the record
    before = server_db.snapshot()
    with http(app_server, cast.trainer) as client:
        for body in ADMIN_ONLY_CHANGES:
            response = client.patch(f"/api/v1/members/{victim.member_id}", json={**body, "fullName": "X Y"})
            assert response.status_code == 403, (body, response.text)
            assert response.json()["error"]["message"] == ADMIN_ONLY_MESSAGE
    assert db_changes(before, server_db.snapshot()) == []

    async def scenario() -> None:
        client = ProbingClient(app_server.url, cookie=cast.trainer.cookie)
        try:
            await client.connect(f"/members/{victim.member_id}")
            await client.call(handler_name(MemberFormState.open_edit), {"member_id": victim.member_id})
            assert victim.email in client.seen()  # control: the trainer's own member, opened to edit
            for body in ADMIN_ONLY_CHANGES:
                form = {"fullName": "Renamed By Form", "phone": "", "gender": "unspecified", **body}
                answer = await client.call(handler_name(MemberFormState.save), {"form_data": form})
                assert ADMIN_ONLY_MESSAGE in json.dumps(toasts(answer)), (body, [m.text for m in answer])
        finally:
            await client.close()

    asyncio.run(scenario())
    assert db_changes(before, server_db.snapshot()) == []


# -- sessions end ---------------------------------------------------------------------------------------


def _spare_member(db: Database, cast: Cast) -> tuple[str, str, str]:
    """(member id, email, phone) of an active demo member no other test signs in as."""
    used = (cast.member.email, cast.victim.email, cast.stranger.email)
    rows = db.query(
        "SELECT m.id, u.email, m.phone FROM members m JOIN users u ON u.id = m.user_id"
        " WHERE m.status = 'ACTIVE' AND u.is_active = 1 AND u.email NOT IN (?, ?, ?)"
        " AND u.password_hash = (SELECT password_hash FROM users u2 JOIN members m2 ON m2.user_id = u2.id"
        " GROUP BY password_hash ORDER BY count(*) DESC LIMIT 1) ORDER BY u.email LIMIT 1",
        *used,
    )
    assert rows, "the demo data has no spare member"
    member_id, email, phone = rows[0]
    return str(uuid.UUID(member_id)), email, phone or ""


def test_a_new_email_or_a_stopped_membership_ends_the_members_sessions(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    member_id, email, phone = _spare_member(server_db, cast)
    new_email = f"moved.{uuid.uuid4().hex[:8]}@example.com"
    admin = http(app_server, cast.admin)

    def sign_in(address: str) -> tuple[str, str]:
        response = api_login(app_server.url, address, MEMBER_PASSWORD)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        return data["accessToken"], data["refreshToken"]

    def works(tokens: tuple[str, str]) -> bool:
        access, refresh = tokens
        me = httpx.get(
            f"{app_server.url}/api/v1/auth/me",
            headers={"Authorization": f"Bearer {access}", "X-Forwarded-For": fresh_ip()},
            timeout=30,
        )
        renewed = httpx.post(
            f"{app_server.url}/api/v1/auth/refresh",
            json={"refreshToken": refresh},
            headers={"X-Forwarded-For": fresh_ip()},
            timeout=30,
        )
        assert (me.status_code == 200) == (renewed.status_code == 200), (me.text, renewed.text)
        return me.status_code == 200

    def change(body: dict[str, Any]) -> None:
        response = admin.patch(f"/api/v1/members/{member_id}", json=body)
        assert response.status_code == 200, response.text

    try:
        tokens = sign_in(email)
        change({"phone": phone or None, "membershipTier": "PREMIUM"})  # keeps the login: still signed in
        assert works(tokens)
        tokens = sign_in(email)  # (the refresh above rotated the pair)
        change({"email": new_email})
        assert not works(tokens), "the member's tokens still work after an admin changed their email"

        tokens = sign_in(new_email)
        change({"status": "FROZEN"})
        assert not works(tokens), "a frozen member's tokens still work"

        change({"status": "ACTIVE"})
        tokens = sign_in(new_email)
        bulk = admin.post(
            "/api/v1/members/bulk-action", json={"action": "deactivate", "memberIds": [member_id]}
        )
        assert bulk.status_code == 200 and bulk.json()["data"]["updated"] == 1, bulk.text
        assert not works(tokens), "a member deactivated in bulk still has working tokens"
    finally:
        change({"status": "ACTIVE", "email": email, "membershipTier": "BASIC"})
        admin.close()


# -- a role change --------------------------------------------------------------------------------------


def _staff_emails(db: Database) -> list[str]:
    return [row[0] for row in db.query("SELECT email FROM users WHERE role IN ('ADMIN', 'TRAINER')")]


def test_state_loaded_under_an_earlier_role_is_dropped_on_the_next_event_and_on_reconnect(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    email = f"briefly.admin.{uuid.uuid4().hex[:8]}@example.com"
    password = "Briefly-Admin-123!"
    with http(app_server, cast.admin) as admin:
        created = admin.post(
            "/api/v1/staff",
            json={"email": email, "password": password, "fullName": "Briefly Admin", "role": "ADMIN"},
        )
        assert created.status_code == 201, created.text
        user_id = created.json()["data"]["id"]
    account = sign_in_account(app_server.url, server_db, email, password)
    stranger = cast.stranger  # assigned to another trainer (and not to this account, ever)
    others = [e for e in _staff_emails(server_db) if e != email]

    async def load(client: ProbingClient) -> None:
        await client.call(handler_name(StaffState.load_staff))
        await client.call(handler_name(MembersState.search), {"value": stranger.full_name})
        await client.call(handler_name(FrontDeskState.search), {"text": stranger.email})
        seen = client.seen()
        assert cast.trainer.email in seen and stranger.email in seen, "control: loaded as an admin"

    def leftovers(text: str) -> list[str]:
        return [value for value in [*others, stranger.email] if value in text]

    async def scenario() -> None:
        # Two tabs of the admin: one will send an event, the other will only reconnect.
        tabs = [ProbingClient(app_server.url, cookie=account.cookie) for _ in range(2)]
        for tab in tabs:
            await tab.connect("/settings")
            await load(tab)
        with http(app_server, cast.admin) as admin:  # the owner demotes them (staff service)
            demoted = admin.patch(f"/api/v1/staff/{user_id}", json={"role": "TRAINER"})
            assert demoted.status_code == 200, demoted.text

        # The next event (any signed-in user's) on the first tab: the old role's data is dropped.
        active = tabs[0]
        await active.call(handler_name(AccountProfileState.load_profile))
        current = json.dumps(active.mirror)
        assert not leftovers(current), f"after the next event the tab still holds {leftovers(current)}"
        assert active.mirror[STAFF].get("rows") == []

        # A reconnect with the same client token receives none of it, on either tab.
        for tab in tabs:
            await tab.close()
            await asyncio.sleep(0.3)
            again = ProbingClient(app_server.url, cookie=account.cookie, token=tab.token)
            try:
                await again.connect("/settings")
                seen = again.seen()
            finally:
                await again.close()
            assert not leftovers(seen), f"a reconnect was sent {leftovers(seen)}"
            assert again.mirror[AUTH]["role_label"] == "Trainer"  # the header follows too

    try:
        asyncio.run(scenario())
    finally:
        with http(app_server, cast.admin) as admin:  # tidy: this login is no one's
            admin.patch(f"/api/v1/staff/{user_id}", json={"isActive": False})
