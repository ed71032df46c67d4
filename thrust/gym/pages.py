"""The settings page, and its Gym tab (admins: name, capacity, timezone, opening hours, and the switch that
publishes how busy the gym is on the public page /busy).

The page assembles the tabs; each lives with its domain: Profile and Password in
`thrust/auth/account_pages.py`, Staff in `thrust/staff/components.py`, Jobs in
`thrust/system/jobs_page.py`, AI planner in `thrust/ai/settings_view.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from thrust.ai.settings_view import ai_tab
from thrust.auth.account_pages import password_tab, profile_tab
from thrust.auth.rbac import Permission
from thrust.gym.state import DayHours, GymSettingsState, SettingsState
from thrust.staff.components import staff_tab
from thrust.system.jobs_page import jobs_tab
from thrust.ui import routes, styles
from thrust.ui.forms import (
    Fields,
    field_error,
    invalid_attrs,
    labelled_switch,
    settings_section,
    two_columns,
)
from thrust.ui.layout import row, stacked, toolbar
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import can
from thrust.ui.text import fine_print, muted_text

# -- the Gym tab --------------------------------------------------------------------------------------

# Opening hours' messages: under the day they are about, or under all the days.
_HOURS_ERROR_STYLE = {"font_size": "var(--font-size-1)", "color": "var(--red-11)"}


def _hours_error(message: rx.Var, **props: str | rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.el.p(message, role="alert", style=_HOURS_ERROR_STYLE, **props))


def _time_input(day: DayHours, edge: str, error: rx.Var) -> rx.Component:
    """The time a day `edge`s ("opens", "closes"), sent as `opens_mon`, `closes_mon`..."""
    return rx.input(
        name=f"{edge}_" + day.day,
        default_value=getattr(day, edge),
        aria_label=day.label + f" {edge}",
        # The day's message, when it has one, is read with both of its times (a dict per input:
        # Reflex adds each input's aria-label to the dict it is given).
        custom_attrs=invalid_attrs("hours-" + day.day, error),
        type="time",
        size="2",
        width="7.5rem",
        disabled=~day.is_open,
        step=300,
    )


def _day_row(day: DayHours) -> rx.Component:
    error = field_error(GymSettingsState.errors, "openingHours." + day.day)
    return stacked(
        toolbar(
            rx.text(day.label, size="2", weight="medium", width="6.5rem"),
            labelled_switch(
                muted_text(rx.cond(day.is_open, "Open", "Closed"), width="3.5rem"),
                checked=day.is_open,
                on_change=lambda value: GymSettingsState.set_day_open(day.day, value),
                id="open-" + day.day,
                aria_label="Open on " + day.label,
            ),
            rx.cond(
                day.is_open,
                row(_time_input(day, "opens", error), muted_text("to"), _time_input(day, "closes", error)),
                muted_text("Closed all day", font_style="italic"),
            ),
            gap="4",
            min_height="2.5rem",
        ),
        _hours_error(error, id="hours-" + day.day + "-error"),
        gap="1",
        padding_y="0.35rem",
        border_bottom=styles.BORDER,
        key=day.day + rx.cond(day.is_open, "-open", "-closed"),
    )


def _copy_button(what: str, value: rx.Var, control_id: str) -> rx.Component:
    return rx.button(
        rx.icon("copy", size=14),
        "Copy",
        type="button",
        variant="soft",
        size="2",
        on_click=[rx.set_clipboard(value), rx.toast.success(f"{what} copied")],
        aria_label=f"Copy the {what.lower()}",
        id=control_id,
    )


def _public_page_details() -> rx.Component:
    """The page's address and the snippet a website pastes to show it in a frame."""
    state = GymSettingsState
    return stacked(
        stacked(
            rx.text("Link", size="2", weight="medium"),
            row(
                rx.link(
                    state.busy_url,
                    href=state.busy_url,
                    is_external=True,
                    size="2",
                    id="busy-link",
                    style=styles.ONE_LINE,
                    min_width="0",
                ),
                rx.spacer(),
                _copy_button("Link", state.busy_url, "copy-busy-link"),
                gap="3",
                width="100%",
            ),
            gap="1",
        ),
        stacked(
            rx.el.label(
                "Show it inside your website",
                html_for="busy-snippet",
                style={"font_size": "var(--font-size-2)", "font_weight": "500"},
            ),
            rx.text_area(
                value=state.busy_snippet,
                read_only=True,
                id="busy-snippet",
                rows="3",
                width="100%",
                style={"font_family": "var(--code-font-family)", "font_size": "var(--font-size-1)"},
            ),
            toolbar(
                fine_print("Paste this where the page should appear. It refreshes itself every 30 seconds."),
                rx.spacer(),
                _copy_button("Snippet", state.busy_snippet, "copy-busy-snippet"),
                gap="3",
            ),
            gap="1",
        ),
        id="busy-details",
    )


def public_page_section() -> rx.Component:
    state = GymSettingsState
    return settings_section(
        "Public page",
        "Let anyone see how busy the gym is, on a page of its own or inside your website: how full it is "
        "in percent, whether it is filling up, and the next hours. No names, no one's data.",
        stacked(
            labelled_switch(
                rx.text("Show how busy the gym is on a public page", size="2", weight="medium"),
                gap="3",
                checked=state.public_occupancy,
                on_change=GymSettingsState.set_public_occupancy,
                id="public-occupancy-switch",
            ),
            rx.cond(
                state.public_occupancy,
                _public_page_details(),
                muted_text(
                    "Off: the page answers “not found”, other websites cannot show it, and nothing "
                    "is shared.",
                    id="busy-off-note",
                ),
            ),
        ),
        loaded=state.loaded,
        placeholder_rows=1,
        id="public-page-settings",
    )


def gym_tab() -> rx.Component:
    return stacked(_gym_section(), public_page_section())


def _gym_section() -> rx.Component:
    state = GymSettingsState
    fields = Fields(state.errors, state.form_key)
    return settings_section(
        "Gym",
        "Your club's name (shown in every page's header), how many people may be inside at once, "
        "and when you are open.",
        fields.form(
            fields.text("Gym name", "name", "gym-name-input", state.name, max_length=120),
            two_columns(
                fields.number(
                    "Maximum capacity",
                    "maxCapacity",
                    "gym-capacity",
                    state.max_capacity,
                    hint="People inside at once; the front desk stops check-ins at this number.",
                ),
                fields.number(
                    "Automatic check-out after (hours)",
                    "autoCheckoutHours",
                    "gym-auto-checkout",
                    state.auto_checkout_hours,
                    max=24,
                    hint="Visits still open after this long are closed for the member (1–24).",
                ),
            ),
            fields.select(
                "Timezone",
                "timezone",
                rx.foreach(state.timezones, lambda tz: rx.select.item(tz, value=tz)),
                control_id="gym-timezone",
                default=state.timezone,
                hint="Opening hours and daily charts use this clock.",
            ),
            stacked(
                rx.text("Opening hours", size="2", weight="medium"),
                stacked(rx.foreach(state.days, _day_row), gap="0"),
                _hours_error(field_error(state.errors, "openingHours")),
                gap="2",
            ),
            submit="Save gym settings",
            on_submit=state.save_gym,
            form_id="gym-form",
        ),
        loaded=state.loaded,
        placeholder_rows=6,
    )


# -- the page ------------------------------------------------------------------------------------------


# The tabs: (label, icon, value, who may see it (None: everyone signed in), its content).
TABS: tuple[tuple[str, str, str, Permission | None, Callable[[], rx.Component]], ...] = (
    ("Profile", "user-round", "profile", None, profile_tab),
    ("Password", "key-round", "password", None, password_tab),
    ("Gym", "building-2", "gym", Permission.SETTINGS_MANAGE, gym_tab),
    ("Staff", "users", "staff", Permission.STAFF_MANAGE, staff_tab),
    ("Jobs", "clock", "jobs", Permission.SETTINGS_MANAGE, jobs_tab),
    ("AI planner", "sparkles", "ai", Permission.SETTINGS_MANAGE, ai_tab),
)


def _for(permission: Permission | None, component: rx.Component) -> rx.Component:
    # Shown to users who hold `permission` (cosmetic: each tab's handlers check again on the server).
    return component if permission is None else rx.cond(can(permission), component)


@page(
    routes.SETTINGS,
    "Settings",
    needs=SIGNED_IN,
    on_load=[SettingsState.load_settings],
    nav=Nav(6, "settings"),
)
def settings_page() -> rx.Component:
    triggers = [
        _for(needs, rx.tabs.trigger(row(rx.icon(icon, size=15), rx.text(label)), value=value))
        for label, icon, value, needs, _ in TABS
    ]
    panels = [
        rx.tabs.content(_for(needs, content()), value=value, padding_top="1.5rem")
        for _, _, value, needs, content in TABS
    ]
    return stacked(
        rx.tabs.root(rx.tabs.list(*triggers, size="2"), *panels, default_value="profile", width="100%")
    )
