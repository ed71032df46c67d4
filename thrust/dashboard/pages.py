"""The dashboard: the first page staff see."""

from __future__ import annotations

import reflex as rx

from thrust.ui import styles
from thrust.ui.shell import coming_soon, template


def _card(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=18, color="var(--accent-11)"),
                rx.text(title, weight="bold", size="3"),
                align="center",
                spacing="2",
            ),
            rx.text(text, size="2", color=styles.MUTED),
            spacing="2",
            align="start",
        ),
        size="2",
    )


@template("Dashboard")
def dashboard() -> rx.Component:
    return rx.vstack(
        coming_soon(
            "layout-dashboard",
            "Your gym at a glance",
            "The dashboard will gather what the front desk and the owner look at first. "
            "Numbers appear here once the features that produce them are in; nothing is made up.",
            [
                "Live occupancy against your capacity, pushed to every open screen",
                "Today's visits and the busiest hours",
                "Memberships expiring this week",
            ],
        ),
        rx.grid(
            _card("activity", "Live capacity", "Updates the moment a member checks in or out."),
            _card("users", "Members", "Search, filter and manage memberships, fast at 100,000 members."),
            _card("sparkles", "AI planner", "Four-week workout plans, generated and tracked."),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
