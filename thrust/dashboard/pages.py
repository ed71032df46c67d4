"""The dashboard: the first page everyone sees. For staff (admins and trainers) the live capacity card,
the metric cards, members at risk and the charts of thrust/dashboard/staff_*.py; for members their own
view (thrust/dashboard/member_view.py)."""

from __future__ import annotations

import reflex as rx

from thrust.checkins.live_widgets import capacity_summary, live_styles
from thrust.checkins.state import LiveState
from thrust.dashboard.member_state import MemberDashboardState
from thrust.dashboard.member_view import dashboard_for_role
from thrust.dashboard.staff_cards import at_risk_card, member_cards, renewal_cards, today_cards
from thrust.dashboard.staff_charts import staff_charts
from thrust.dashboard.state import StaffCardsState
from thrust.ui import routes
from thrust.ui.cards import titled_card
from thrust.ui.layout import grid, stacked
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.text import arrow_link, section_heading


def _capacity_card() -> rx.Component:
    """Live occupancy: pushed to every open dashboard the moment someone checks in or out."""
    return titled_card(
        "activity",
        "Live capacity",
        capacity_summary(),
        arrow_link("Open live traffic", routes.LIVE),
        heading=False,
        spacing="3",
        id="dashboard-capacity",
    )


def staff_view() -> rx.Component:
    """What admins and trainers see: today at a glance, their members, renewals and who to call, then
    the gym's charts."""
    return stacked(
        grid(_capacity_card(), today_cards(), columns=rx.breakpoints(initial="1", sm="2"), gap="3"),
        member_cards(),
        grid(
            stacked(section_heading("Renewals"), renewal_cards(), gap="2"),
            stacked(at_risk_card(), gap="3", padding_top=rx.breakpoints(initial="0", md="2rem")),
            columns=rx.breakpoints(initial="1", md="1fr 2fr"),
        ),
        staff_charts(),
        gap="5",
        id="staff-dashboard",
    )


@page(
    routes.DASHBOARD,
    "Dashboard",
    needs=SIGNED_IN,
    on_load=[LiveState.load_live, StaffCardsState.open_dashboard, MemberDashboardState.load_member_dashboard],
    nav=Nav(1, "layout-dashboard"),
)
def dashboard() -> rx.Component:
    return stacked(
        live_styles(),
        # By role (cosmetic: every handler behind each view checks again on the server).
        dashboard_for_role(staff_view()),
        gap="5",
    )
