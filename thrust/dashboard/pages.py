"""The dashboard: the first page staff see."""

from __future__ import annotations

import reflex as rx

from thrust.checkins.live_widgets import capacity_summary, live_styles
from thrust.checkins.state import LiveState
from thrust.ui import routes
from thrust.ui.cards import coming_soon, titled_card
from thrust.ui.layout import row, stacked
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.text import muted_text


def _card(icon: str, title: str, text: str) -> rx.Component:
    return titled_card(icon, title, muted_text(text), heading=False)


def _capacity_card() -> rx.Component:
    """Live occupancy: pushed to every open dashboard the moment someone checks in or out."""
    return titled_card(
        "activity",
        "Live capacity",
        capacity_summary(),
        rx.link(
            row(rx.text("Open live traffic", size="2"), rx.icon("arrow-right", size=14), gap="3"),
            href=routes.LIVE,
            size="2",
        ),
        heading=False,
        spacing="3",
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
    return stacked(
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
        gap="5",
    )
