"""State of the Settings page's AI planner tab (admins): which provider writes plans and a test of its
connection, the month's budget and the approval rule, and this month's model calls per user."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import re
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.ai import admin
from thrust.auth.arguments import bool_arg, form_values
from thrust.auth.background import background_actor, background_requires
from thrust.auth.guard import requires
from thrust.auth.rbac import Permission
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import ValidationFailed
from thrust.gym.saving import save_gym_settings
from thrust.gym.service import get_gym
from thrust.ui.feedback import in_unit_of_work, refusals, saved_toast, shows_refusals

BUDGET_FIELD = "aiMonthlyBudgetUsd"
NOT_AN_AMOUNT = "Enter an amount in US dollars, like 25 or 12.50, or leave it empty for no budget"
APPROVAL_ON = "Members now see a generated plan only once a trainer approves it"
APPROVAL_OFF = "Members now see a generated plan as soon as a trainer makes it active"
# "25", "12.50", "$1,000": what people type for an amount of dollars.
_AMOUNT = re.compile(r"^\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def read_budget(text: str) -> float | None:
    """The budget field's text as dollars; None when empty (no budget). ValidationFailed on the field
    for anything that is not an amount (the service checks the range)."""
    text = text.strip()
    if not text:
        return None
    if not _AMOUNT.match(text):
        raise ValidationFailed.on(BUDGET_FIELD, NOT_AN_AMOUNT)
    return float(text.lstrip("$").replace(",", "").strip())


def usd(amount: float) -> str:
    """An estimated cost: cents, or fractions of a cent for the small ones a call costs ($0.0009)."""
    if 0 < amount < 0.01:
        return f"${amount:.4f}"
    return f"${amount:,.2f}"


def budget_text(budget: float | None) -> str:
    """The budget as its field shows it: "" for none, "25" or "12.50"."""
    if budget is None:
        return ""
    return f"{budget:.0f}" if float(budget).is_integer() else f"{budget:.2f}"


@dataclasses.dataclass
class UsageRow:
    """One user's calls this month as the table shows them (the last row is the total)."""

    name: str = ""
    role: str = ""
    calls: str = ""
    tokens: str = ""
    cost: str = ""
    is_total: bool = False


def _rows(usage: admin.MonthUsage) -> list[UsageRow]:
    if not usage.users:
        return []
    rows = [
        UsageRow(u.name, u.role.title(), f"{u.calls:,}", f"{u.tokens:,}", usd(u.cost)) for u in usage.users
    ]
    rows.append(UsageRow("Total", "", f"{usage.calls:,}", f"{usage.tokens:,}", usd(usage.cost), True))
    return rows


def _budget_note(usage: admin.MonthUsage) -> str:
    if usage.budget is None:
        return "No monthly budget: the model answers whatever this month has cost."
    note = f"{usd(usage.cost)} of this month's {usd(usage.budget)} budget spent."
    if usage.cost >= usage.budget:
        note += " The budget is spent: the built-in planner writes plans until the month ends."
    elif usage.budget > 0:
        note = f"{note[:-1]} ({math.floor(100 * usage.cost / usage.budget)} %)."
    return note


@user_bound
class AISettingsState(rx.State):
    """The AI planner tab: loaded when an admin opens Settings."""

    loaded: bool = False
    provider: str = ""
    offline: bool = True
    # "Test connection": running, and what it said (ok: the model answered; tested: something was asked).
    testing: bool = False
    test_message: str = ""
    test_ok: bool = False
    tested: bool = False
    budget: str = ""
    requires_approval: bool = False
    errors: dict[str, str] = {}
    form_key: int = 0
    month: str = ""
    usage: list[UsageRow] = []
    budget_note: str = ""

    def _show_settings(self, budget: float | None, requires_approval: bool) -> None:
        shown = budget_text(budget)
        if shown != self.budget:
            self.budget = shown
            self.form_key += 1  # the uncontrolled field shows the saved value
        self.requires_approval = requires_approval

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    async def load_ai_settings(self) -> None:
        actor = await acting_user(self)

        def work(session: Session) -> tuple[admin.MonthUsage, bool]:
            return admin.month_usage(session, actor), get_gym(session).ai_requires_approval

        usage, requires_approval = await in_unit_of_work(work, read_only=True)
        self.provider = admin.provider_label()
        self.offline = self.provider == admin.OFFLINE
        self._show_settings(usage.budget, requires_approval)
        self.month = usage.month.strftime("%B %Y")
        self.usage = _rows(usage)
        self.budget_note = _budget_note(usage)
        self.errors = {}
        self.loaded = True

    @rx.event(background=True)
    @background_requires(Permission.SETTINGS_MANAGE)
    async def test_connection(self) -> Any:
        """Ask the model for one word, outside the state's lock: a local model may take a minute, and the
        page stays usable meanwhile."""
        async with self:
            if self.testing:
                return None
            self.testing, self.test_message = True, ""
        actor = background_actor()
        check: admin.ConnectionCheck | None = None
        try:
            with refusals(self) as refused:
                check = await asyncio.to_thread(admin.check_connection, actor)
        finally:
            async with self:
                self.testing = False
                if check is not None:
                    self.test_message, self.test_ok, self.tested = check.message, check.ok, check.tested
        return refused.toast if refused else None

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    @shows_refusals(fields="errors")
    async def save_ai_budget(self, form_data: dict) -> Any:
        values = form_values(form_data, {BUDGET_FIELD: 20})
        budget = read_budget(values[BUDGET_FIELD])
        gym = await save_gym_settings(self, ai_monthly_budget_usd=budget)
        self.errors = {}
        self._show_settings(gym.ai_monthly_budget_usd, gym.ai_requires_approval)
        return [saved_toast(), AISettingsState.load_ai_settings]  # the note under the usage follows

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    @shows_refusals()
    async def set_ai_approval(self, on: bool) -> Any:
        """The switch: saved at once."""
        gym = await save_gym_settings(self, ai_requires_approval=bool_arg(on, "on"))
        self.requires_approval = gym.ai_requires_approval
        return saved_toast(APPROVAL_ON if gym.ai_requires_approval else APPROVAL_OFF)
