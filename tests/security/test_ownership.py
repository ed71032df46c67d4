"""Object-level access: member A against member B's data, a trainer against a member not assigned to
them, and a client token reused by someone else. Over HTTP and over the socket.

Each refusal has a positive control next to it (the same call for someone who may make it shows the
data), so the absence of data means the check worked, not that the probe was blind.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import uuid

import httpx
import pytest

from tests.security.conftest import Cast, Person
from tests.security.support import Account, Database, db_changes, refusals
from tests.server import AppServer
from tests.support.socket_client import ROOT_STATE, ProbingClient, fresh_ip

MEMBERS_STATE = "thrust.members.state"


def leaks(text: str, person: Person) -> list[str]:
    """Which of `person`'s identifying values appear in `text`."""
    values = [person.email, person.full_name, person.member_id]
    if person.phone:
        values.append(person.phone)
    return [v for v in values if v and v in text]


def get(app_server: AppServer, account: Account, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(
        f"{app_server.url}{path}",
        headers={**account.bearer, "X-Forwarded-For": fresh_ip()},
        timeout=30,
        **kwargs,
    )


# -- HTTP ---------------------------------------------------------------------------------------------


def test_a_member_sees_their_own_profile_and_nothing_of_another_member(
    app_server: AppServer, cast: Cast
) -> None:
    own = get(app_server, cast.member, f"/api/v1/members/{cast.member.member_id}")
    assert own.status_code == 200, own.text
    assert own.json()["data"]["email"] == cast.member.email

    other = get(app_server, cast.member, f"/api/v1/members/{cast.victim.member_id}")
    assert other.status_code == 404, other.text
    assert other.json()["error"]["code"] == "NOT_FOUND"
    assert not leaks(other.text.replace(cast.victim.member_id, ""), cast.victim)

    visits = get(app_server, cast.member, "/api/v1/check-ins", params={"memberId": cast.victim.member_id})
    assert visits.status_code == 403, visits.text
    assert not leaks(visits.text, cast.victim)

    listing = get(app_server, cast.member, "/api/v1/members", params={"q": cast.victim.full_name})
    assert listing.status_code == 403, listing.text
    assert not leaks(listing.text, cast.victim)


def test_a_trainer_cannot_read_or_change_a_member_assigned_to_someone_else(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    # Positive control: their own member is visible.
    mine = get(app_server, cast.trainer, f"/api/v1/members/{cast.victim.member_id}")
    assert mine.status_code == 200 and mine.json()["data"]["email"] == cast.victim.email, mine.text

    stranger = cast.stranger
    read = get(app_server, cast.trainer, f"/api/v1/members/{stranger.member_id}")
    assert read.status_code == 404, read.text
    assert not leaks(read.text.replace(stranger.member_id, ""), stranger)

    listing = get(app_server, cast.trainer, "/api/v1/members", params={"q": stranger.full_name})
    assert listing.status_code == 200
    assert not leaks(listing.text, stranger), "a trainer's directory lists a member not assigned to them"
    own_listing = get(app_server, cast.trainer, "/api/v1/members", params={"q": cast.victim.full_name})
    assert cast.victim.email in own_listing.text, own_listing.text  # positive control: the listing works
    export = get(app_server, cast.trainer, "/api/v1/members/export")
    assert export.status_code == 200 and cast.victim.email in export.text  # their own member is in it
    assert not leaks(export.text, stranger), "a trainer's export contains a member not assigned to them"

    before = server_db.snapshot()
    headers = {**cast.trainer.bearer, "X-Forwarded-For": fresh_ip()}
    # A valid change: if scoping failed, it would be applied.
    patch = httpx.patch(
        f"{app_server.url}/api/v1/members/{stranger.member_id}",
        json={"fullName": "Changed By Another Trainer", "phone": "+1 555 0100"},
        headers=headers,
        timeout=30,
    )
    assert patch.status_code == 404, patch.text
    delete = httpx.delete(
        f"{app_server.url}/api/v1/members/{stranger.member_id}", headers=headers, timeout=30
    )
    assert delete.status_code == 403, delete.text
    assert db_changes(before, server_db.snapshot()) == []


# -- the socket ---------------------------------------------------------------------------------------


_SERVED: set[str] = set()


def require_served(app_server: AppServer, state: str) -> None:
    """Skip unless the running app serves `state` (the members UI may not be wired in yet)."""

    async def states() -> set[str]:
        client = ProbingClient(app_server.url)
        try:
            await client.connect("/login")
            return set(client.mirror)
        finally:
            await client.close()

    if not _SERVED:
        _SERVED.update(asyncio.run(states()))
    if f"{ROOT_STATE}.{state}" not in _SERVED:
        pytest.skip(f"the app does not serve {state} yet")


def _handler(cls_name: str, method: str) -> str:
    from reflex.utils.format import format_event_handler

    module = importlib.import_module(MEMBERS_STATE)
    return format_event_handler(getattr(getattr(module, cls_name), method))


async def _profile_as(app_server: AppServer, account: Account, person: Person) -> tuple[str, list]:
    """Open `person`'s profile page over the socket as `account`: all the socket received, and refusals."""
    client = ProbingClient(app_server.url, cookie=account.cookie)
    try:
        await client.connect(f"/members/{person.member_id}")
        messages = await client.call(_handler("ProfileState", "open_profile"))
        messages += await client.call(_handler("ProfileState", "show_visits_page"), {"page": 2})
        messages += await client.call(_handler("ProfileState", "refresh"))
        return client.seen(), refusals(messages)
    finally:
        await client.close()


def test_the_member_profile_handler_shows_a_member_only_what_they_may_see(
    app_server: AppServer, cast: Cast
) -> None:
    require_served(app_server, "thrust___members___state____profile_state")

    async def scenario() -> None:
        # Positive control: the trainer opening their own member's page receives their data.
        seen, refused = await _profile_as(app_server, cast.trainer, cast.victim)
        assert cast.victim.email in seen and not refused, refused
        # Member A on member B's page; the trainer on a member assigned to someone else.
        for account, person in ((cast.member, cast.victim), (cast.trainer, cast.stranger)):
            seen, _ = await _profile_as(app_server, account, person)
            leaked = leaks(seen.replace(person.member_id, ""), person)
            assert not leaked, f"{account.email} received {leaked} of {person.email} over the socket"

    asyncio.run(scenario())


def test_a_trainer_cannot_open_or_create_members_through_the_member_form(
    app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    require_served(app_server, "thrust___members___state____member_form_state")

    async def scenario() -> None:
        client = ProbingClient(app_server.url, cookie=cast.trainer.cookie)
        try:
            await client.connect("/members")
            # Positive control, then a member assigned to another trainer.
            await client.call(_handler("MemberFormState", "open_edit"), {"member_id": cast.victim.member_id})
            assert cast.victim.email in client.seen()
            start = len(client.messages)
            await client.call(
                _handler("MemberFormState", "open_edit"), {"member_id": cast.stranger.member_id}
            )
            text = json.dumps([m.raw for m in client.messages[start:]])
            assert not leaks(text.replace(cast.stranger.member_id, ""), cast.stranger)
        finally:
            await client.close()
        # `save` lets editors in; on a form never opened for editing it creates a member, which is for
        # admins only (a fresh socket: the one above has a member of the trainer's open for editing).
        creator = ProbingClient(app_server.url, cookie=cast.trainer.cookie)
        try:
            await creator.connect("/members")
            before = server_db.snapshot()
            form = {
                "fullName": "Made By A Trainer",
                "email": f"made.by.trainer.{uuid.uuid4().hex[:8]}@example.com",
                "phone": "",
                "dateOfBirth": "",
                "gender": "unspecified",
                "membershipTier": "VIP",
                "membershipStart": "2026-01-01",
                "membershipEnd": "2027-01-01",
                "status": "ACTIVE",
                "assignedTrainerId": "none",
            }
            answer = await creator.call(_handler("MemberFormState", "save"), {"form_data": form})
            # Refused (by the service, which the handler calls), not merely failed.
            assert "have permission" in str(answer), answer
            diff = db_changes(before, server_db.snapshot())
            assert diff == [], f"a trainer created a member through the form: {diff}"
        finally:
            await creator.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("thief_role", ["anonymous", "member"])
def test_a_reused_client_token_never_gets_the_previous_users_data(
    thief_role: str, app_server: AppServer, cast: Cast
) -> None:
    """The Reflex client token is a bearer credential: a socket that presents the token of a signed-in
    tab (after it disconnected) must not inherit its identity or its data without its cookie, neither
    with no cookie nor with a cookie of its own."""
    staff = f"{ROOT_STATE}.thrust___staff___state____staff_state"
    auth = f"{ROOT_STATE}.thrust___auth___state____auth_state"

    async def scenario() -> None:
        admin = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        await admin.connect("/settings")
        await admin.call(f"{staff}.load_staff")
        assert cast.trainer.email in admin.seen(), "control: the admin's socket lists the staff"
        assert admin.mirror[auth]["is_authenticated"] is True
        await admin.close()
        await asyncio.sleep(0.5)

        cookie = cast.member.cookie if thief_role == "member" else ""
        thief = ProbingClient(app_server.url, cookie=cookie, token=admin.token)
        await thief.connect("/settings")
        messages = await thief.call(f"{staff}.load_staff")
        seen = thief.seen()
        await thief.close()
        assert thief.mirror.get(auth, {}).get("role_label") != "Admin"
        assert thief.mirror.get(auth, {}).get("is_authenticated") is (thief_role == "member")
        assert cast.trainer.email not in seen and cast.admin.full_name not in seen
        assert not [m for m in messages if m.changes]

    asyncio.run(scenario())
