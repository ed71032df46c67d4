"""The AI planner tab of the settings page (admins): the provider and its connection test, the monthly
budget and the approval rule, and this month's AI usage per user."""

from __future__ import annotations

import reflex as rx

from thrust.ai.settings_state import BUDGET_FIELD, AISettingsState, UsageRow
from thrust.gym.service import AI_BUDGET_RANGE
from thrust.ui.buttons import action_button
from thrust.ui.cards import empty_note, notice
from thrust.ui.forms import Fields, labelled_switch, settings_section
from thrust.ui.layout import row, stacked, toolbar
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text

_BUDGET_HINT = (
    f"Empty: no budget ({AI_BUDGET_RANGE[0]} to {AI_BUDGET_RANGE[1]:,}). Once this month's estimated cost "
    "reaches it, the built-in planner answers instead of the model until the month ends."
)


def _test_result() -> rx.Component:
    state = AISettingsState
    color = rx.cond(state.test_ok, "green", rx.cond(state.tested, "red", "gray"))
    return rx.cond(
        state.test_message != "",
        notice(
            rx.cond(
                state.test_ok,
                rx.icon("circle-check", size=16),
                rx.cond(state.tested, rx.icon("circle-alert", size=16), rx.icon("info", size=16)),
            ),
            state.test_message,
            tone=color,
            variant="soft",
            size="1",
            width="100%",
            id="ai-test-result",
        ),
    )


def _provider() -> rx.Component:
    state = AISettingsState
    return stacked(
        rx.text("Who writes generated plans", size="2", weight="medium"),
        toolbar(
            row(
                rx.cond(
                    state.offline,
                    rx.icon("cpu", size=16, color="var(--gray-11)"),
                    rx.icon("sparkles", size=16, color="var(--accent-11)"),
                ),
                rx.text(state.provider, size="2", id="ai-provider", style={"overflow_wrap": "anywhere"}),
                min_width="0",
            ),
            rx.spacer(),
            action_button(
                "plug-zap",
                "Test connection",
                variant="soft",
                size="2",
                loading=state.testing,
                on_click=AISettingsState.test_connection,
                id="ai-test-connection",
            ),
            gap="3",
        ),
        # Read out when the answer arrives (a test may take a while).
        rx.box(_test_result(), role="status", width="100%"),
        gap="2",
    )


def _approval() -> rx.Component:
    state = AISettingsState
    return stacked(
        labelled_switch(
            rx.text(
                "Members see a generated plan only after a trainer approves it", size="2", weight="medium"
            ),
            gap="3",
            checked=state.requires_approval,
            on_change=AISettingsState.set_ai_approval,
            id="ai-approval-switch",
        ),
        muted_text(
            rx.cond(
                state.requires_approval,
                "On: a generated plan waits for a trainer's approval, even when it is made active.",
                "Off: a generated plan reaches its member as soon as a trainer makes it active.",
            ),
            size="1",
            id="ai-approval-note",
        ),
        gap="1",
    )


def _planner_section() -> rx.Component:
    state = AISettingsState
    fields = Fields(state.errors, state.form_key)
    return settings_section(
        "AI planner",
        "Which planner writes generated plans, what the model may cost a month, and whether members wait "
        "for a trainer's approval. The built-in planner costs nothing.",
        stacked(
            _provider(),
            rx.separator(size="4"),
            fields.form(
                fields.text(
                    "Monthly AI budget (USD)",
                    BUDGET_FIELD,
                    "ai-budget",
                    state.budget,
                    optional=True,
                    input_mode="decimal",
                    placeholder="No budget",
                    hint=_BUDGET_HINT,
                ),
                submit="Save budget",
                on_submit=AISettingsState.save_ai_budget,
                form_id="ai-budget-form",
            ),
            rx.separator(size="4"),
            _approval(),
            gap="5",
        ),
        loaded=state.loaded,
        id="ai-planner-settings",
    )


def _number_cell(value: rx.Var, bold: rx.Var) -> rx.Component:
    return rx.table.cell(rx.text(value, weight=rx.cond(bold, "bold", "regular")), justify="end")


def _usage_row(item: UsageRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            row(
                rx.text(item.name, weight=rx.cond(item.is_total, "bold", "medium")),
                muted_text(item.role, size="1"),
            )
        ),
        _number_cell(item.calls, item.is_total),
        _number_cell(item.tokens, item.is_total),
        _number_cell(item.cost, item.is_total),
    )


def _end(title: str) -> rx.Component:
    return rx.table.column_header_cell(title, justify="end")


def _usage_section() -> rx.Component:
    state = AISettingsState
    return settings_section(
        "AI usage this month",
        "Each model call this calendar month (the gym's clock): who asked, how many tokens it took and its "
        "estimated cost in US dollars. Plans from the built-in planner are not counted: they cost nothing.",
        stacked(
            muted_text(state.month, id="ai-usage-month"),
            rx.cond(
                state.usage.length() == 0,
                empty_note("No AI calls this month", id="ai-usage-empty"),
                captioned_table(
                    "AI usage this month per user",
                    ("User", _end("Calls"), _end("Tokens"), _end("Estimated cost")),
                    state.usage,
                    _usage_row,
                    size="2",
                    variant="surface",
                    id="ai-usage-table",
                ),
            ),
            muted_text(state.budget_note, size="1", id="ai-budget-note"),
            gap="3",
        ),
        loaded=state.loaded,
        placeholder_rows=2,
        id="ai-usage",
    )


def ai_tab() -> rx.Component:
    return stacked(_planner_section(), _usage_section())
