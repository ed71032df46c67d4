"""The member's dashboard: how busy the gym is now (live), today's chart with the forecast and its hint in
words, and their own visits this month. No one else's data, and none of the staff cards."""

from __future__ import annotations

import reflex as rx

from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.auth.state import AuthState
from thrust.checkins.live_widgets import capacity_summary, live_styles
from thrust.dashboard.member_chart import CONFIG, HEIGHT
from thrust.dashboard.member_state import MemberDashboardState, OwnVisitRow
from thrust.ui import routes
from thrust.ui.a11y import sr_only
from thrust.ui.cards import empty_note, icon_tile, titled_card
from thrust.ui.forms import loading_rows
from thrust.ui.layout import grid, row, stacked
from thrust.ui.lists import list_row, name_lines
from thrust.ui.shell import can
from thrust.ui.text import arrow_link, fine_print, muted_text

S = MemberDashboardState


def _busy_now() -> rx.Component:
    return titled_card(
        "activity",
        "How busy is it now?",
        capacity_summary(),
        fine_print("Updates by itself the moment someone checks in or out."),
        spacing="3",
        id="member-busy",
    )


def _hint() -> rx.Component:
    return rx.cond(
        S.hint != "",
        row(
            icon_tile("clock", box="2rem", icon_size=16),
            rx.text(S.hint, size="3", weight="bold", id="member-hint"),
        ),
        muted_text(S.note, id="member-forecast-note"),
    )


def _chart() -> rx.Component:
    # The chart is a picture to screen readers, described by the same figures in words.
    return rx.box(
        rx.plotly.cartesian(  # the staff charts' bundle: one plotly download
            data=S.figure,
            config=CONFIG,
            use_resize_handler=True,
            width="100%",
            height=f"{HEIGHT}px",
            id="member-forecast-chart",
        ),
        sr_only(S.chart_summary),
        role="img",
        aria_label="Today's occupancy so far and the forecast for the rest of the day",
        width="100%",
        min_height=f"{HEIGHT}px",
    )


def _forecast() -> rx.Component:
    return titled_card(
        "chart-spline",
        "Today at the gym",
        rx.cond(
            ~S.loaded,
            loading_rows(3),
            rx.cond(
                S.closed,
                empty_note("The gym is closed today.", id="member-closed"),
                stacked(
                    _hint(),
                    _chart(),
                    fine_print(
                        "Solid: people inside so far today. Dashed: what to expect for the rest of the day, "
                        "from the last weeks."
                    ),
                    gap="2",
                ),
            ),
        ),
        spacing="3",
        id="member-forecast",
    )


def _visit(row: OwnVisitRow) -> rx.Component:
    return list_row(
        icon_tile(
            rx.cond(row.open, "log-in", "calendar-check"),
            tone=rx.cond(row.open, "grass", "accent"),
            box="2rem",
            icon_size=15,
            radius="50%",
        ),
        name_lines(row.day, fine_print(row.hours, class_name="thrust-num")),
        rx.spacer(),
        rx.cond(
            row.open,
            rx.badge("Still inside", color_scheme="green", variant="soft"),
            rx.text(row.duration, size="2", weight="medium", class_name="thrust-num", white_space="nowrap"),
        ),
        key=row.id,
    )


# The "show more" line of a list: the accent's text colour, the whole line a target.
_MORE_STYLE = {
    "cursor": "pointer",
    "padding": "0.6rem 0",
    "color": "var(--accent-11)",
    "font-size": "var(--font-size-2)",
}


def _earlier_visits() -> rx.Component:
    """The month's earlier visits, one click (or Enter) away: a list that stays a glance long."""
    return rx.el.details(
        rx.el.summary(S.earlier_label, style=_MORE_STYLE),
        rx.foreach(S.earlier_visits, _visit),
        id="member-earlier-visits",
    )


def _visits() -> rx.Component:
    return titled_card(
        "footprints",
        rx.cond(S.month != "", "Your visits in " + S.month, "Your visits this month"),
        rx.cond(
            ~S.loaded,
            loading_rows(2),
            rx.cond(
                S.visit_count > 0,
                stacked(
                    row(
                        rx.text(S.visits_label, size="6", weight="bold", id="member-visit-count"),
                        rx.cond(S.time_inside != "", muted_text(S.time_inside, " at the gym")),
                        align="baseline",
                        gap="3",
                        wrap="wrap",
                    ),
                    rx.box(
                        rx.foreach(S.visits, _visit),
                        rx.cond(S.earlier_visits.length() > 0, _earlier_visits()),
                        width="100%",
                        id="member-visit-list",
                    ),
                    gap="3",
                ),
                empty_note(S.visits_note, id="member-visits-note"),
            ),
        ),
        spacing="3",
        id="member-visits",
    )


def member_dashboard() -> rx.Component:
    """The dashboard a member sees."""
    return stacked(
        live_styles(),
        grid(
            _busy_now(),
            _forecast(),
            columns=rx.breakpoints(initial="1", md="2"),
            align_items="start",
            style={"@media (min-width: 1024px)": {"grid-template-columns": "minmax(0, 2fr) minmax(0, 3fr)"}},
        ),
        _visits(),
        arrow_link("Your profile and all your visits", routes.MEMBERS),
        id="member-dashboard",
    )


def dashboard_for_role(staff: rx.Component) -> rx.Component:
    """The dashboard's body: `staff` for staff, the member's view for members, placeholders until the
    signed-in user is known (neither view flashes up for the other)."""
    return rx.cond(
        AuthState.is_authenticated,
        rx.cond(can(*VIEW_GYM_ANALYTICS), staff, member_dashboard()),
        loading_rows(3),
    )
