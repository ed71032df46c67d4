"""The AI planner tab's state without a server: what it shows offline, the connection test's answer, the
budget's messages next to its field, the switch, and the month's usage with its total (both engines)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.auth.helpers import make_account
from tests.factories import actor_for
from tests.support.states import call, client, run, said, scope_in, sessions, signed_in
from thrust.ai import admin
from thrust.ai.settings_state import APPROVAL_ON, NOT_AN_AMOUNT, AISettingsState, usd
from thrust.core.settings import get_settings
from thrust.gym.service import get_gym
from thrust.models import AIUsageLog, Role
from thrust.ui import feedback
from thrust.ui.feedback import FIX_FIELDS

COOKIE = "thrust_access=admin"


@pytest.fixture(autouse=True)
def wiring(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    boss = make_account(db, Role.ADMIN, full_name="Alma Admin")
    sessions(monkeypatch, {COOKIE: actor_for(boss)})
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    yield boss
    get_settings.cache_clear()


async def _ai_tab() -> Any:
    root = client(COOKIE, "/settings")
    await signed_in(root)
    tab = await root.get_state(AISettingsState)
    await call(AISettingsState.load_ai_settings, tab)
    return tab


def test_offline_it_names_the_built_in_planner_and_there_is_nothing_to_test() -> None:
    async def scenario() -> None:
        tab = await _ai_tab()
        assert tab.loaded and tab.offline and tab.provider == admin.OFFLINE
        assert tab.usage == [] and tab.budget == "" and "No monthly budget" in tab.budget_note
        await call(AISettingsState.test_connection, tab)
        assert not tab.testing and not tab.test_ok and not tab.tested
        assert tab.test_message == admin.NOTHING_TO_TEST

    run(scenario())


def test_the_budget_is_checked_next_to_its_field_and_saved(db: Session) -> None:
    async def scenario() -> None:
        tab = await _ai_tab()
        key = tab.form_key
        out = await call(AISettingsState.save_ai_budget, tab, {"aiMonthlyBudgetUsd": "lots"})
        assert tab.errors == {"aiMonthlyBudgetUsd": NOT_AN_AMOUNT} and FIX_FIELDS in said(out)
        out = await call(AISettingsState.save_ai_budget, tab, {"aiMonthlyBudgetUsd": "250000"})
        assert "100,000" in tab.errors["aiMonthlyBudgetUsd"] and get_gym(db).ai_monthly_budget_usd is None

        out = await call(AISettingsState.save_ai_budget, tab, {"aiMonthlyBudgetUsd": " $1,250.5 "})
        assert tab.errors == {} and '["success"]("Saved")' in said(out)
        assert get_gym(db).ai_monthly_budget_usd == 1250.5
        assert tab.budget == "1250.50" and tab.form_key == key + 1

        await call(AISettingsState.save_ai_budget, tab, {"aiMonthlyBudgetUsd": ""})  # empty: no budget
        assert get_gym(db).ai_monthly_budget_usd is None and tab.budget == ""

    run(scenario())


def test_the_approval_switch_saves_at_once(db: Session) -> None:
    async def scenario() -> None:
        tab = await _ai_tab()
        out = await call(AISettingsState.set_ai_approval, tab, True)
        assert tab.requires_approval and get_gym(db).ai_requires_approval and APPROVAL_ON in said(out)
        refused = await call(AISettingsState.set_ai_approval, tab, "no")  # a forged client
        assert "must be true or false" in said(refused) and get_gym(db).ai_requires_approval

    run(scenario())


def test_this_months_usage_per_user_with_the_total(db: Session, wiring: Any) -> None:
    coach = make_account(db, Role.TRAINER, full_name="Carl Coach")
    now = datetime.now(UTC)
    for user, tokens, cost in ((coach, 1200, 0.0009), (coach, 2000, 1.5), (wiring, 800, 0.25)):
        db.add(AIUsageLog(user_id=user.id, endpoint="generate-workout", model="gpt-4o", tokens_used=tokens,
                          cost=cost, created_at=now))  # fmt: skip
    get_gym(db).ai_monthly_budget_usd = 10.0
    db.flush()

    async def scenario() -> None:
        tab = await _ai_tab()
        assert [(r.name, r.role, r.calls, r.tokens, r.cost, r.is_total) for r in tab.usage] == [
            ("Carl Coach", "Trainer", "2", "3,200", "$1.50", False),
            ("Alma Admin", "Admin", "1", "800", "$0.25", False),
            ("Total", "", "3", "4,000", "$1.75", True),
        ]
        assert tab.budget == "10" and tab.budget_note == "$1.75 of this month's $10.00 budget spent (17 %)."

    run(scenario())
    assert usd(0.0009) == "$0.0009" and usd(0) == "$0.00" and usd(1234.5) == "$1,234.50"
