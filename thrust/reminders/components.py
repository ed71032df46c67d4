"""The "Reminders" card of a member's page (staff): expiry e-mails sent, and any unsubscribe."""

from __future__ import annotations

import reflex as rx

from thrust.members.capabilities import VIEW_MEMBERS
from thrust.reminders.state import ReminderHistoryState, ReminderRow
from thrust.ui import styles
from thrust.ui.badges import outcome_badge
from thrust.ui.cards import empty_note, titled_card
from thrust.ui.shell import can

_COLORS = {"sent": "green", "failed": "red", "interrupted": "amber", "sending": "blue"}


def _row(row: ReminderRow) -> rx.Component:
    return rx.hstack(
        outcome_badge(row.status_label, row.status, _COLORS),
        rx.text(row.stage, size="2", weight="medium"),
        rx.text(row.at, size="2", color=styles.MUTED),
        rx.text(row.about, size="1", color=styles.MUTED),
        spacing="3",
        align="center",
        wrap="wrap",
        width="100%",
    )


def reminders_card() -> rx.Component:
    """Shown to staff only; members looking at their own page do not see it."""
    return rx.cond(
        can(*VIEW_MEMBERS),
        titled_card(
            "mail",
            "Reminders",
            rx.cond(
                ReminderHistoryState.unsubscribed != "",
                rx.text(
                    ReminderHistoryState.unsubscribed, size="2", color=styles.MUTED, id="reminders-optout"
                ),
            ),
            rx.cond(
                ReminderHistoryState.rows.length() > 0,
                rx.vstack(rx.foreach(ReminderHistoryState.rows, _row), spacing="2", width="100%"),
                empty_note("No expiry reminders yet. They go out by e-mail before the membership ends."),
            ),
            icon_size=17,
            title_gap="3",
            spacing="3",
            id="member-reminders",
        ),
    )
