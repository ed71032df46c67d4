"""The settings page, and its Gym tab (admins: name, capacity, timezone, opening hours).

The page assembles the tabs; each lives with its domain: Profile and Password in
`thrust/auth/account_pages.py`, Staff in `thrust/staff/components.py`, Jobs in
`thrust/system/jobs_page.py`.
"""

from __future__ import annotations

import reflex as rx

from thrust.auth.account_pages import password_tab, profile_tab
from thrust.auth.rbac import Permission
from thrust.gym.state import DayHours, GymSettingsState, SettingsState
from thrust.staff.components import staff_tab
from thrust.system.jobs_page import jobs_tab
from thrust.ui import routes, styles
from thrust.ui.forms import (
    FORM_WIDTH,
    field,
    field_error,
    loading_rows,
    section,
    submit_row,
    text_input,
    two_columns,
)
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import can

# -- gym ----------------------------------------------------------------------------------------------


def _day_row(day: DayHours) -> rx.Component:
    error = GymSettingsState.errors.get("openingHours." + day.day, "").to(str)
    error_id = "hours-" + day.day + "-error"
    time_props = {
        "type": "time",
        "size": "2",
        "width": "7.5rem",
        "disabled": ~day.is_open,
        "step": 300,
    }

    def invalid() -> dict[str, rx.Var]:
        # The day's message, when it has one, is read with both of its times. A dict per input:
        # Reflex adds each input's aria-label to the dict it is given.
        return {
            "aria-invalid": rx.cond(error != "", "true", "false"),
            "aria-describedby": rx.cond(error != "", error_id, ""),
        }

    return rx.vstack(
        rx.hstack(
            rx.text(day.label, size="2", weight="medium", width="6.5rem"),
            rx.el.label(
                rx.hstack(
                    rx.switch(
                        checked=day.is_open,
                        on_change=lambda value: GymSettingsState.set_day_open(day.day, value),
                        id="open-" + day.day,
                        aria_label="Open on " + day.label,
                    ),
                    rx.text(
                        rx.cond(day.is_open, "Open", "Closed"), size="2", color=styles.MUTED, width="3.5rem"
                    ),
                    align="center",
                    spacing="2",
                ),
            ),
            rx.cond(
                day.is_open,
                rx.hstack(
                    rx.input(
                        name="opens_" + day.day,
                        default_value=day.opens,
                        aria_label=day.label + " opens",
                        custom_attrs=invalid(),
                        **time_props,
                    ),
                    rx.text("to", size="2", color=styles.MUTED),
                    rx.input(
                        name="closes_" + day.day,
                        default_value=day.closes,
                        aria_label=day.label + " closes",
                        custom_attrs=invalid(),
                        **time_props,
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.text("Closed all day", size="2", color=styles.MUTED, font_style="italic"),
            ),
            align="center",
            spacing="4",
            wrap="wrap",
            width="100%",
            min_height="2.5rem",
        ),
        rx.cond(
            error != "",
            rx.el.p(
                error,
                id=error_id,
                role="alert",
                style={"font_size": "var(--font-size-1)", "color": "var(--red-11)"},
            ),
        ),
        spacing="1",
        width="100%",
        padding_y="0.35rem",
        border_bottom=styles.BORDER,
        key=day.day + rx.cond(day.is_open, "-open", "-closed"),
    )


def gym_tab() -> rx.Component:
    errors = GymSettingsState.errors
    return section(
        "Gym",
        "Your club's name (shown in every page's header), how many people may be inside at once, "
        "and when you are open.",
        rx.cond(
            ~GymSettingsState.loaded,
            loading_rows(6),
            rx.form(
                rx.vstack(
                    field(
                        "Gym name",
                        text_input(
                            name="name",
                            control_id="gym-name-input",
                            error=field_error(errors, "name"),
                            default_value=GymSettingsState.name,
                            max_length=120,
                        ),
                        control_id="gym-name-input",
                        error=field_error(errors, "name"),
                    ),
                    two_columns(
                        field(
                            "Maximum capacity",
                            text_input(
                                name="maxCapacity",
                                control_id="gym-capacity",
                                error=field_error(errors, "maxCapacity"),
                                default_value=GymSettingsState.max_capacity,
                                type="number",
                                min=1,
                                input_mode="numeric",
                            ),
                            control_id="gym-capacity",
                            error=field_error(errors, "maxCapacity"),
                            hint="People inside at once; the front desk stops check-ins at this number.",
                        ),
                        field(
                            "Automatic check-out after (hours)",
                            text_input(
                                name="autoCheckoutHours",
                                control_id="gym-auto-checkout",
                                error=field_error(errors, "autoCheckoutHours"),
                                default_value=GymSettingsState.auto_checkout_hours,
                                type="number",
                                min=1,
                                max=24,
                                input_mode="numeric",
                            ),
                            control_id="gym-auto-checkout",
                            error=field_error(errors, "autoCheckoutHours"),
                            hint="Visits still open after this long are closed for the member (1–24).",
                        ),
                    ),
                    field(
                        "Timezone",
                        rx.select.root(
                            rx.select.trigger(id="gym-timezone", width="100%"),
                            rx.select.content(
                                rx.foreach(
                                    GymSettingsState.timezones, lambda tz: rx.select.item(tz, value=tz)
                                ),
                            ),
                            name="timezone",
                            default_value=GymSettingsState.timezone,
                            size="3",
                        ),
                        control_id="gym-timezone",
                        error=field_error(errors, "timezone"),
                        hint="Opening hours and daily charts use this clock.",
                    ),
                    rx.vstack(
                        rx.text("Opening hours", size="2", weight="medium"),
                        rx.vstack(rx.foreach(GymSettingsState.days, _day_row), spacing="0", width="100%"),
                        rx.cond(
                            field_error(errors, "openingHours") != "",
                            rx.el.p(
                                field_error(errors, "openingHours"),
                                role="alert",
                                style={"font_size": "var(--font-size-1)", "color": "var(--red-11)"},
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    submit_row("Save gym settings"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=GymSettingsState.save_gym,
                reset_on_submit=False,
                no_validate=True,  # the server's messages, in our words, next to each field
                key=GymSettingsState.form_key,
                width="100%",
                id="gym-form",
            ),
        ),
        max_width=FORM_WIDTH,
    )


# -- staff ----------------------------------------------------------------------------------------------


# -- the page ------------------------------------------------------------------------------------------


def _tab(label: str, icon: str, value: str) -> rx.Component:
    return rx.tabs.trigger(
        rx.hstack(rx.icon(icon, size=15), rx.text(label), spacing="2", align="center"), value=value
    )


@page(
    routes.SETTINGS,
    "Settings",
    needs=SIGNED_IN,
    on_load=[SettingsState.load_settings],
    nav=Nav(6, "settings"),
)
def settings_page() -> rx.Component:
    return rx.vstack(
        rx.tabs.root(
            rx.tabs.list(
                _tab("Profile", "user-round", "profile"),
                _tab("Password", "key-round", "password"),
                rx.cond(can(Permission.SETTINGS_MANAGE), _tab("Gym", "building-2", "gym")),
                rx.cond(can(Permission.STAFF_MANAGE), _tab("Staff", "users", "staff")),
                rx.cond(can(Permission.SETTINGS_MANAGE), _tab("Jobs", "clock", "jobs")),
                size="2",
            ),
            rx.tabs.content(profile_tab(), value="profile", padding_top="1.5rem"),
            rx.tabs.content(password_tab(), value="password", padding_top="1.5rem"),
            rx.tabs.content(
                rx.cond(can(Permission.SETTINGS_MANAGE), gym_tab()), value="gym", padding_top="1.5rem"
            ),
            rx.tabs.content(
                rx.cond(can(Permission.STAFF_MANAGE), staff_tab()), value="staff", padding_top="1.5rem"
            ),
            rx.tabs.content(
                rx.cond(can(Permission.SETTINGS_MANAGE), jobs_tab()), value="jobs", padding_top="1.5rem"
            ),
            default_value="profile",
            width="100%",
        ),
        width="100%",
        spacing="4",
    )
