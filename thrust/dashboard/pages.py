"""The dashboard: the first page staff see."""

from __future__ import annotations

import reflex as rx

from thrust.checkins.components import capacity_summary, live_styles
from thrust.checkins.state import LiveState
from thrust.ui import routes, styles
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import coming_soon


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


def _capacity_card() -> rx.Component:
    """Live occupancy: pushed to every open dashboard the moment someone checks in or out."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("activity", size=18, color="var(--accent-11)"),
                rx.text("Live capacity", weight="bold", size="3"),
                align="center",
                spacing="2",
            ),
            capacity_summary(),
            rx.link(
                rx.hstack(
                    rx.text("Open live traffic", size="2"), rx.icon("arrow-right", size=14), align="center"
                ),
                href=routes.LIVE,
                size="2",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        size="2",
        id="dashboard-capacity",
    )


@page(
    routes.DASHBOARD,
    "Dashboard",
    needs=SIGNED_IN,
    on_load=[LiveState.load_live],
    nav=Nav(1, "layout-dashboard"),
)
def dashboard() -> rx.Component:
    return rx.vstack(
        live_styles(),
        rx.grid(
            _capacity_card(),
            _card("users", "Members", "Search, filter and manage memberships, fast at 100,000 members."),
            _card("sparkles", "AI planner", "Four-week workout plans, generated and tracked."),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        coming_soon(
            "layout-dashboard",
            "Your gym at a glance",
            "The dashboard will gather what the front desk and the owner look at first. "
            "Numbers appear here once the features that produce them are in; nothing is made up.",
            [
                "Today's visits and the busiest hours",
                "Memberships expiring this week",
            ],
        ),
        spacing="5",
        width="100%",
    )
