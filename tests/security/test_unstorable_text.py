"""Text that cannot be stored (NUL, an unpaired surrogate) sent over the real socket: forms answer with
the field's message next to the field, search boxes with a toast naming the box, and nothing is written.

A browser's JavaScript can hold an unpaired surrogate and its JSON carries it as "\\ud800"; PostgreSQL
refuses NUL in text, and no JSON encoder can send an unpaired surrogate back (the state would break).
"""

from __future__ import annotations

import asyncio
from typing import Any

import engineio.json
import pytest
import socketio.packet

from tests.security.conftest import Cast
from tests.security.support import Database, changes, db_changes, toasts
from tests.server import AppServer
from tests.support.socket_client import ROOT_STATE, ProbingClient
from thrust.core.validation import UNSTORABLE_TEXT

PROFILE = f"{ROOT_STATE}.thrust___auth___account_state____account_profile_state"
STAFF = f"{ROOT_STATE}.thrust___staff___state____staff_state"
GYM = f"{ROOT_STATE}.thrust___gym___state____gym_settings_state"
MEMBER_FORM = f"{ROOT_STATE}.thrust___members___state____member_form_state"
DIRECTORY = f"{ROOT_STATE}.thrust___members___state____members_state"
DESK = f"{ROOT_STATE}.thrust___checkins___state____front_desk_state"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BAD = {"NUL": "Ana\x00Ruiz", "unpaired surrogate": "Ana\ud800Ruiz"}


def _errors(messages: list[Any]) -> dict[str, str]:
    """The last value of the `errors` var the messages set."""
    found: dict[str, str] = {}
    for message in messages:
        for _state, var, _old, new in message.changes:
            if var == "errors" and isinstance(new, dict):
                found = new
    return found


@pytest.fixture
def browser_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send events as a browser does: JSON.stringify writes an unpaired surrogate as the escape
    "\\ud800". (Building the Reflex app in this process swaps socketio's encoder for one that doesn't.)"""
    monkeypatch.setattr(socketio.packet.Packet, "json", engineio.json)


@pytest.mark.parametrize("what", list(BAD))
@pytest.mark.usefixtures("browser_json")
def test_forms_name_the_field_and_searches_refuse_in_words(
    app_server: AppServer, cast: Cast, server_db: Database, what: str
) -> None:
    bad = BAD[what]

    async def scenario() -> list[str]:
        problems: list[str] = []
        client = ProbingClient(app_server.url, cookie=cast.admin.cookie)
        await client.connect("/settings")
        try:
            member = {
                "email": "new@example.com",
                "membershipStart": "2026-01-01",
                "membershipEnd": "2027-01-01",
            }
            staff = {"email": "x@example.com", "password": "Xy7!abcdef", "role": "TRAINER"}
            gym = {"maxCapacity": "100", "timezone": "UTC", "autoCheckoutHours": "4"}
            gym |= {
                f"{edge}_{day}": at for day in DAYS for edge, at in (("opens", "06:00"), ("closes", "22:00"))
            }
            forms = (
                (
                    f"{PROFILE}.save_profile",
                    {"fullName": bad, "phone": "", "email": "a@example.com"},
                    "fullName",
                ),
                (f"{STAFF}.add_staff", {"fullName": bad, **staff}, "fullName"),
                (f"{GYM}.save_gym", {"name": bad, **gym}, "name"),
                (f"{MEMBER_FORM}.save", {"fullName": bad, **member}, "fullName"),
            )
            for handler, form, field in forms:
                before = server_db.snapshot()
                messages = await client.call(handler, {"form_data": form})
                if (diff := db_changes(before, server_db.snapshot())) != []:
                    problems.append(f"{handler}: wrote {diff}")
                errors = _errors(messages)
                if errors.get(field) != UNSTORABLE_TEXT:
                    problems.append(f"{handler}: {field} not named ({errors}, toasts {toasts(messages)})")
            for handler, name in ((f"{DIRECTORY}.search", "value"), (f"{DESK}.search", "text")):
                messages = await client.call(handler, {name: bad})
                said = toasts(messages)
                if not any("cannot be stored" in text for text in said) or changes(messages):
                    problems.append(f"{handler}: toasts {said}, changes {changes(messages)}")
            if not client.connected:
                problems.append("the socket was closed")
        finally:
            await client.close()
        return problems

    assert asyncio.run(scenario()) == []
