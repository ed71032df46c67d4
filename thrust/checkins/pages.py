"""The front desk and live traffic pages."""

from __future__ import annotations

import reflex as rx

from thrust.checkins.capabilities import USE_DESK, VIEW_NAMES, VIEW_OCCUPANCY
from thrust.checkins.desk_widgets import desk_row, desk_styles, key_hint, member_card
from thrust.checkins.live_widgets import (
    activity_feed,
    capacity_summary,
    live_styles,
    occupancy_panel,
    who_is_inside,
)
from thrust.checkins.state import OVERRIDE_ID, SEARCH_ID, FrontDeskState, LiveState
from thrust.ui import routes, styles
from thrust.ui.buttons import action_button, quiet_button
from thrust.ui.cards import alert_notice, dashed_box, locked_card, wide_card
from thrust.ui.forms import invalid_attrs, search_input
from thrust.ui.layout import column, grid, row, stacked
from thrust.ui.pages import page
from thrust.ui.registry import Nav
from thrust.ui.shell import can
from thrust.ui.text import muted_text

# Arrow keys in inputs marked data-keep-caret move the highlight, not the caret (a file, not an
# inline script: the Content-Security-Policy runs no inline script it does not know by hash).
KEEP_CARET_SCRIPT = "/thrust-front-desk.js"


# -- front desk -----------------------------------------------------------------------------------------


def _search_box() -> rx.Component:
    return stacked(
        rx.el.label("Find a member", html_for=SEARCH_ID, style={"font_weight": "600"}),
        # Debounced: a search 100 ms after the last key (Enter sends it at once), so typing stays far
        # below the desk's search limit (checkins service DESK_SEARCHES).
        search_input(
            value=FrontDeskState.query,
            on_change=FrontDeskState.search,
            id=SEARCH_ID,
            placeholder="Name, phone, email or member id",
            on_key_down=FrontDeskState.key_down,
            auto_focus=True,
            spell_check=False,
            role="combobox",
            custom_attrs={"data-keep-caret": "true"},
            aria_controls="desk-results",
            aria_expanded=FrontDeskState.results.length() > 0,
            icon_size=20,
        ),
        rx.hstack(
            key_hint("↑", "↓", says="move"),
            key_hint("Enter", says="check in / out"),
            key_hint("Esc", says="clear"),
            spacing="4",
            wrap="wrap",
        ),
        gap="2",
    )


def _override_form() -> rx.Component:
    return rx.form(
        stacked(
            rx.el.label(
                "Reason for letting them in past capacity", html_for=OVERRIDE_ID, style={"font_weight": "500"}
            ),
            rx.hstack(
                rx.input(
                    id=OVERRIDE_ID,
                    name="reason",
                    placeholder="e.g. personal training session booked",
                    max_length=300,
                    auto_complete="off",
                    custom_attrs=invalid_attrs(OVERRIDE_ID, FrontDeskState.override_error),
                    width="100%",
                    size="2",
                    flex="1",
                ),
                rx.button("Let in", type="submit", color_scheme="red", size="2"),
                quiet_button("Cancel", type="button", size="2", on_click=FrontDeskState.cancel_override),
                width="100%",
                spacing="2",
            ),
            rx.cond(
                FrontDeskState.override_error != "",
                rx.text(
                    FrontDeskState.override_error,
                    size="1",
                    color="var(--red-11)",
                    role="alert",
                    id=OVERRIDE_ID + "-error",
                ),
            ),
            muted_text("The reason is recorded with the visit.", size="1"),
            gap="2",
        ),
        on_submit=FrontDeskState.override,
        reset_on_submit=False,
        width="100%",
        id="override-form",
    )


def _refusal() -> rx.Component:
    return rx.cond(
        FrontDeskState.refusal != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("octagon-x")),
            stacked(
                row(
                    rx.text(FrontDeskState.refusal, weight="medium", id="desk-refusal"),
                    rx.spacer(),
                    rx.cond(
                        FrontDeskState.can_override & ~FrontDeskState.override_open,
                        action_button(
                            "shield-alert",
                            "Override",
                            icon_size=15,
                            on_click=FrontDeskState.open_override,
                            color_scheme="red",
                            variant="solid",
                            size="1",
                        ),
                    ),
                    gap="3",
                    width="100%",
                ),
                rx.cond(
                    FrontDeskState.overridable & ~FrontDeskState.can_override,
                    rx.text("Only an admin can let someone in past capacity.", size="1"),
                ),
                rx.cond(FrontDeskState.override_open, _override_form()),
                gap="2",
            ),
            color_scheme="red",  # the callout's colours (`color` alone tinted only its text)
            role="alert",
            width="100%",
        ),
    )


def _results() -> rx.Component:
    return rx.cond(
        FrontDeskState.results.length() > 0,
        rx.box(
            rx.foreach(FrontDeskState.results, desk_row),
            id="desk-results",
            role="listbox",
            custom_attrs={"data-query": FrontDeskState.query},  # which search these rows answer
            width="100%",
            border=styles.BORDER,
            border_radius="var(--radius-4)",
            overflow="hidden",
            background="var(--color-panel-solid)",
        ),
        rx.cond(
            FrontDeskState.slow_down != "",
            alert_notice(
                "timer",
                FrontDeskState.slow_down,
                tone="amber",
                icon_size=None,
                text_props={"id": "desk-slow-down"},
            ),
            rx.cond(
                FrontDeskState.searched,
                dashed_box(muted_text("No member matches “", FrontDeskState.query, "”.")),
                dashed_box(
                    column(
                        rx.icon("scan-line", size=28, color="var(--accent-9)"),
                        muted_text("Start typing to find a member."),
                        align="center",
                    ),
                    padding="2.5rem",
                ),
            ),
        ),
    )


@page(
    routes.FRONT_DESK,
    "Front desk",
    needs=USE_DESK,
    on_load=[FrontDeskState.open_desk, LiveState.load_live],
    nav=Nav(3, "scan-line"),
)
def front_desk_page() -> rx.Component:
    return rx.fragment(
        live_styles(),
        desk_styles(),
        rx.script(src=KEEP_CARET_SCRIPT),
        rx.cond(
            can(*USE_DESK),
            grid(
                stacked(_search_box(), _refusal(), _results()),
                stacked(wide_card(capacity_summary(), size="2"), member_card()),
                columns=rx.breakpoints(initial="1", md="3fr 2fr", lg="2fr 1fr"),
                gap="5",
                align_items="start",
            ),
            locked_card("The front desk is for staff."),
        ),
    )


# -- live traffic ---------------------------------------------------------------------------------------


@page(
    routes.LIVE,
    "Live traffic",
    needs=VIEW_OCCUPANCY,
    on_load=[LiveState.load_live],
    nav=Nav(4, "activity"),
)
def live_page() -> rx.Component:
    return stacked(
        live_styles(),
        occupancy_panel(),
        rx.cond(
            can(*VIEW_NAMES),
            grid(
                activity_feed(),
                who_is_inside(),
                columns=rx.breakpoints(initial="1", md="2"),
                align_items="start",
            ),
            muted_text(
                "Updates the moment someone checks in or out. ",
                rx.link("Back to the dashboard", href=routes.DASHBOARD),
            ),
        ),
    )
