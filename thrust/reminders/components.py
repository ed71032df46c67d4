"""The "Reminders" card of a member's page (staff): expiry e-mails sent, and any unsubscribe."""

from __future__ import annotations

import reflex as rx

from thrust.members.capabilities import VIEW_MEMBERS
from thrust.reminders.state import ReminderHistoryState, ReminderRow
from thrust.ui.badges import outcome_badge
from thrust.ui.cards import titled_card
from thrust.ui.layout import toolbar
from thrust.ui.lists import item_list
from thrust.ui.shell import can
from thrust.ui.text import muted_text

_COLORS = {"sent": "green", "failed": "red", "interrupted": "amber", "sending": "blue"}


def _reminder(reminder: ReminderRow) -> rx.Component:
    return toolbar(
        outcome_badge(reminder.status_label, reminder.status, _COLORS),
        rx.text(reminder.stage, size="2", weight="medium"),
        muted_text(reminder.at),
        muted_text(reminder.about, size="1"),
        gap="3",
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
                muted_text(ReminderHistoryState.unsubscribed, id="reminders-optout"),
            ),
            item_list(
                ReminderHistoryState.rows,
                _reminder,
                empty="No expiry reminders yet. They go out by e-mail before the membership ends.",
                gap="2",
            ),
            icon_size=17,
            title_gap="3",
            spacing="3",
            id="member-reminders",
        ),
    )
