"""The Gym tab's state without a server: the form's own checks and the service's refusals both land
next to their fields; a saved name reaches the header (the handlers' units of work run in the test's
rolled-back transaction, both engines)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.auth.helpers import make_account
from tests.factories import actor_for
from tests.support.states import call, client, run, said, scope_in, sessions, signed_in
from thrust.gym.state import GymSettingsState
from thrust.models import Role
from thrust.ui import feedback
from thrust.ui.feedback import FIX_FIELDS
from thrust.ui.state import ShellState

COOKIE = "thrust_access=admin"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture(autouse=True)
def wiring(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    sessions(monkeypatch, {COOKIE: actor_for(make_account(db, Role.ADMIN))})
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    yield


async def _gym_tab() -> Any:
    root = client(COOKIE, "/settings")
    await signed_in(root)
    gym = await root.get_state(GymSettingsState)
    await call(GymSettingsState.load_gym, gym)
    return gym


def _form(gym: Any, **changes: str) -> dict[str, str]:
    """The form as the browser sends it: every field as shown, then the changes."""
    form = {
        "name": gym.name,
        "maxCapacity": gym.max_capacity,
        "timezone": gym.timezone,
        "autoCheckoutHours": gym.auto_checkout_hours,
    }
    for day in gym.days:
        form[f"opens_{day.day}"], form[f"closes_{day.day}"] = day.opens, day.closes
    return form | changes


def test_the_forms_own_checks_show_next_to_their_fields() -> None:
    async def scenario() -> None:
        gym = await _gym_tab()
        assert gym.loaded and [d.day for d in gym.days] == list(DAYS)
        name, key = gym.name, gym.form_key
        out = await call(GymSettingsState.save_gym, gym, _form(gym, maxCapacity="lots", opens_mon=""))
        assert gym.errors == {
            "maxCapacity": "Enter a whole number",
            "openingHours.mon": "Enter opening and closing times, or mark the day closed",
        }
        assert FIX_FIELDS in said(out) and (gym.name, gym.form_key) == (name, key)

    run(scenario())


def test_the_services_refusal_shows_next_to_its_field_and_a_save_reaches_the_header() -> None:
    async def scenario() -> None:
        gym = await _gym_tab()
        out = await call(GymSettingsState.save_gym, gym, _form(gym, timezone="Mars/Olympus"))
        assert set(gym.errors) == {"timezone"} and FIX_FIELDS in said(out)

        await call(GymSettingsState.set_day_open, gym, "sun", False)
        out = await call(GymSettingsState.save_gym, gym, _form(gym, name="Iron Temple"))
        assert gym.errors == {} and '["success"]("Saved")' in said(out)
        assert gym.name == "Iron Temple" and not {d.day: d.is_open for d in gym.days}["sun"]
        assert (await gym.get_state(ShellState)).gym_name == "Iron Temple"

    run(scenario())


def test_the_public_page_switch_saves_at_once_with_its_link_and_snippet(db: Session) -> None:
    from thrust.gym.service import get_gym
    from thrust.gym.state import PUBLISHED, UNPUBLISHED

    get_gym(db).name = 'Iron "Temple" <Gym>'

    async def scenario() -> None:
        gym = await _gym_tab()
        assert not gym.public_occupancy and gym.busy_url.endswith("/busy")
        out = await call(GymSettingsState.set_public_occupancy, gym, True)
        assert gym.public_occupancy and get_gym(db).public_occupancy and PUBLISHED in said(out)
        assert gym.busy_snippet.startswith(f'<iframe src="{gym.busy_url}" ')
        assert 'title="How busy Iron &quot;Temple&quot; &lt;Gym&gt; is now"' in gym.busy_snippet

        refused = await call(GymSettingsState.set_public_occupancy, gym, "yes")  # a forged client
        assert "must be true or false" in said(refused) and get_gym(db).public_occupancy

        out = await call(GymSettingsState.set_public_occupancy, gym, False)
        assert not gym.public_occupancy and not get_gym(db).public_occupancy and UNPUBLISHED in said(out)

    run(scenario())
