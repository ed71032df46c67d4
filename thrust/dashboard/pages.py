"""The dashboard: the first page everyone sees. The live capacity card for all; for staff (admins and
trainers) the metric cards, members at risk and the charts of thrust/dashboard/staff_*.py."""

from __future__ import annotations

import reflex as rx

from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.checkins.live_widgets import capacity_summary, live_styles
from thrust.checkins.state import LiveState
from thrust.dashboard.staff_cards import at_risk_card, member_cards, renewal_cards, today_cards
from thrust.dashboard.staff_charts import staff_charts
from thrust.dashboard.state import StaffCardsState
from thrust.ui import routes, styles
from thrust.ui.cards import titled_card
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import can


def _card(icon: str, title: str, text: str) -> rx.Component:
    return titled_card(icon, title, rx.text(text, size="2", color=styles.MUTED), heading=False)


def _capacity_card() -> rx.Component:
    """Live occupancy: pushed to every open dashboard the moment someone checks in or out."""
    return titled_card(
        "activity",
        "Live capacity",
        capacity_summary(),
        rx.link(
            rx.hstack(
                rx.text("Open live traffic", size="2"), rx.icon("arrow-right", size=14), align="center"
            ),
            href=routes.LIVE,
            size="2",
        ),
        heading=False,
        spacing="3",
        id="dashboard-capacity",
    )


def staff_view() -> rx.Component:
    """What admins and trainers see: today at a glance, their members, renewals and who to call, then
    the gym's charts."""
    return rx.vstack(
        rx.grid(
            _capacity_card(),
            today_cards(),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        member_cards(),
        rx.grid(
            rx.vstack(
                rx.heading("Renewals", size="3", weight="bold"),
                renewal_cards(),
                spacing="2",
                width="100%",
            ),
            rx.vstack(at_risk_card(), width="100%", padding_top=rx.breakpoints(initial="0", md="2rem")),
            columns=rx.breakpoints(initial="1", md="1fr 2fr"),
            spacing="4",
            width="100%",
        ),
        staff_charts(),
        spacing="5",
        width="100%",
        id="staff-dashboard",
    )


def everyone_view() -> rx.Component:
    """Everyone else: the live card (the member's own view joins it here)."""
    return rx.grid(
        _capacity_card(),
        _card("users", "Members", "Search, filter and manage memberships, fast at 100,000 members."),
        _card("sparkles", "AI planner", "Four-week workout plans, generated and tracked."),
        columns=rx.breakpoints(initial="1", md="3"),
        spacing="4",
        width="100%",
    )


@page(
    routes.DASHBOARD,
    "Dashboard",
    needs=SIGNED_IN,
    on_load=[LiveState.load_live, StaffCardsState.open_dashboard],
    nav=Nav(1, "layout-dashboard"),
)
def dashboard() -> rx.Component:
    return rx.vstack(
        live_styles(),
        # Shown to staff only (cosmetic: every handler behind it checks again on the server).
        rx.cond(can(*VIEW_GYM_ANALYTICS), staff_view(), everyone_view()),
        spacing="5",
        width="100%",
    )
