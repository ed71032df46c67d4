"""The settings page: your profile and password; for admins the gym and its staff.

Over 600 lines for now, as one page of four tabs. Issue 10 moves the profile and password tabs to
`auth/` and the staff tab to the staff domain, leaving the gym tab here.
"""

from __future__ import annotations

import reflex as rx

from thrust.auth.rbac import Permission
from thrust.gym.state import (
    STAFF_ROLE_CHOICES,
    DayHours,
    GymSettingsState,
    PasswordState,
    ProfileState,
    SettingsState,
    StaffRow,
    StaffState,
)
from thrust.system.jobs_page import jobs_tab
from thrust.ui import routes, styles
from thrust.ui.a11y import caption
from thrust.ui.forms import field, section, text_input
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import can

PASSWORD_RULES = "At least 8 characters, with an uppercase letter, a digit and a special character."
FORM_WIDTH = "44rem"


def _err(errors: rx.Var, name: str) -> rx.Var:
    return errors.get(name, "").to(str)


def _submit(label: str, icon: str = "check") -> rx.Component:
    return rx.hstack(
        rx.spacer(),
        rx.button(rx.icon(icon, size=16), label, type="submit", size="3"),
        width="100%",
        padding_top="0.25rem",
    )


def _loading(rows: int = 3) -> rx.Component:
    """Placeholder bars while a tab's data loads (so nobody types into a form about to be refilled)."""
    return rx.vstack(
        *[rx.skeleton(rx.box(height="2.5rem", width="100%"), loading=True) for _ in range(rows)],
        spacing="4",
        width="100%",
        aria_busy="true",
    )


def _two_columns(*children: rx.Component) -> rx.Component:
    return rx.grid(*children, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%")


# -- profile ----------------------------------------------------------------------------------------


def profile_tab() -> rx.Component:
    errors = ProfileState.errors
    return section(
        "Profile",
        "Your name and contact details, as the front desk and your trainer see them.",
        rx.cond(
            ~ProfileState.loaded,
            _loading(3),
            rx.form(
                rx.vstack(
                    _two_columns(
                        field(
                            "Full name",
                            text_input(
                                name="fullName",
                                control_id="profile-name",
                                error=_err(errors, "fullName"),
                                default_value=ProfileState.full_name,
                                auto_complete="name",
                            ),
                            control_id="profile-name",
                            error=_err(errors, "fullName"),
                        ),
                        field(
                            "Phone",
                            text_input(
                                name="phone",
                                control_id="profile-phone",
                                error=_err(errors, "phone"),
                                default_value=ProfileState.phone,
                                type="tel",
                                auto_complete="tel",
                            ),
                            control_id="profile-phone",
                            error=_err(errors, "phone"),
                            optional=True,
                        ),
                    ),
                    field(
                        "Email",
                        text_input(
                            name="email",
                            control_id="profile-email",
                            error=_err(errors, "email"),
                            default_value=ProfileState.email,
                            type="text",
                            input_mode="email",
                            auto_complete="email",
                        ),
                        control_id="profile-email",
                        error=_err(errors, "email"),
                        hint="You sign in with this address.",
                    ),
                    _submit("Save profile"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ProfileState.save_profile,
                reset_on_submit=False,
                no_validate=True,  # the server's messages, in our words, next to each field
                key=ProfileState.form_key,
                width="100%",
                id="profile-form",
            ),
        ),
        max_width=FORM_WIDTH,
    )


# -- password ---------------------------------------------------------------------------------------


def _password_input(name: str, control_id: str, autocomplete: str) -> rx.Component:
    return text_input(
        name=name,
        control_id=control_id,
        error=_err(PasswordState.errors, name),
        type="password",
        auto_complete=autocomplete,
    )


def password_tab() -> rx.Component:
    errors = PasswordState.errors
    return section(
        "Password",
        "Changing your password signs you out on every other device; this one stays signed in.",
        rx.form(
            rx.vstack(
                field(
                    "Current password",
                    _password_input("currentPassword", "password-current", "current-password"),
                    control_id="password-current",
                    error=_err(errors, "currentPassword"),
                ),
                _two_columns(
                    field(
                        "New password",
                        _password_input("newPassword", "password-new", "new-password"),
                        control_id="password-new",
                        error=_err(errors, "newPassword"),
                        hint=PASSWORD_RULES,
                    ),
                    field(
                        "Repeat new password",
                        _password_input("repeatPassword", "password-repeat", "new-password"),
                        control_id="password-repeat",
                        error=_err(errors, "repeatPassword"),
                    ),
                ),
                _submit("Change password", "key-round"),
                spacing="4",
                width="100%",
            ),
            on_submit=PasswordState.change_password,
            reset_on_submit=False,
            no_validate=True,  # the server's messages, in our words, next to each field
            key=PasswordState.form_key,
            width="100%",
            id="password-form",
        ),
        max_width=FORM_WIDTH,
    )


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
            _loading(6),
            rx.form(
                rx.vstack(
                    field(
                        "Gym name",
                        text_input(
                            name="name",
                            control_id="gym-name-input",
                            error=_err(errors, "name"),
                            default_value=GymSettingsState.name,
                            max_length=120,
                        ),
                        control_id="gym-name-input",
                        error=_err(errors, "name"),
                    ),
                    _two_columns(
                        field(
                            "Maximum capacity",
                            text_input(
                                name="maxCapacity",
                                control_id="gym-capacity",
                                error=_err(errors, "maxCapacity"),
                                default_value=GymSettingsState.max_capacity,
                                type="number",
                                min=1,
                                input_mode="numeric",
                            ),
                            control_id="gym-capacity",
                            error=_err(errors, "maxCapacity"),
                            hint="People inside at once; the front desk stops check-ins at this number.",
                        ),
                        field(
                            "Automatic check-out after (hours)",
                            text_input(
                                name="autoCheckoutHours",
                                control_id="gym-auto-checkout",
                                error=_err(errors, "autoCheckoutHours"),
                                default_value=GymSettingsState.auto_checkout_hours,
                                type="number",
                                min=1,
                                max=24,
                                input_mode="numeric",
                            ),
                            control_id="gym-auto-checkout",
                            error=_err(errors, "autoCheckoutHours"),
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
                        error=_err(errors, "timezone"),
                        hint="Opening hours and daily charts use this clock.",
                    ),
                    rx.vstack(
                        rx.text("Opening hours", size="2", weight="medium"),
                        rx.vstack(rx.foreach(GymSettingsState.days, _day_row), spacing="0", width="100%"),
                        rx.cond(
                            _err(errors, "openingHours") != "",
                            rx.el.p(
                                _err(errors, "openingHours"),
                                role="alert",
                                style={"font_size": "var(--font-size-1)", "color": "var(--red-11)"},
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    _submit("Save gym settings"),
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


def _role_badge(role: rx.Var) -> rx.Component:
    return rx.badge(
        rx.cond(role == "ADMIN", "Admin", "Trainer"),
        color_scheme=rx.cond(role == "ADMIN", "orange", "blue"),
        variant="soft",
    )


def _status_badge(active: rx.Var) -> rx.Component:
    return rx.cond(
        active,
        rx.badge(rx.icon("circle-check", size=12), "Active", color_scheme="green", variant="soft"),
        rx.badge(rx.icon("circle-pause", size=12), "Deactivated", color_scheme="gray", variant="soft"),
    )


def _confirm_active(row: StaffRow) -> rx.Component:
    deactivate = row.active
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.cond(deactivate, "Deactivate", "Reactivate"),
                variant="soft",
                color_scheme=rx.cond(deactivate, "red", "green"),
                size="1",
                disabled=row.is_you,
                aria_label=rx.cond(deactivate, "Deactivate ", "Reactivate ") + row.name,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(deactivate, "Deactivate ", "Reactivate ") + row.name + "?"),
            rx.alert_dialog.description(
                rx.cond(
                    deactivate,
                    "They are signed out everywhere at once and can no longer sign in. "
                    "Their history stays; you can reactivate them later.",
                    "They will be able to sign in again with their existing password.",
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        rx.cond(deactivate, "Deactivate", "Reactivate"),
                        color_scheme=rx.cond(deactivate, "red", "green"),
                        on_click=StaffState.set_active(row.id, ~row.active),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _staff_row(row: StaffRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, weight="medium", size="2"),
                    rx.cond(row.is_you, rx.badge("You", variant="outline", size="1", color_scheme="gray")),
                    align="center",
                    spacing="2",
                ),
                rx.text(row.email, size="1", color=styles.MUTED),
                spacing="0",
            )
        ),
        rx.table.cell(_role_badge(row.role)),
        rx.table.cell(_status_badge(row.active)),
        rx.table.cell(
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(aria_label="Role of " + row.name, variant="surface"),
                    rx.select.content(*[rx.select.item(r.title(), value=r) for r in STAFF_ROLE_CHOICES]),
                    value=row.role,
                    on_change=lambda value: StaffState.change_role(row.id, value),
                    size="1",
                ),
                _confirm_active(row),
                spacing="2",
                justify="end",
                align="center",
            ),
            justify="end",
        ),
        align="center",
        data_active=rx.cond(row.active, "true", "false"),
    )


def _add_staff_form() -> rx.Component:
    errors = StaffState.errors
    return rx.form(
        rx.vstack(
            rx.heading("Add a staff account", size="3"),
            _two_columns(
                field(
                    "Full name",
                    text_input(name="fullName", control_id="staff-name", error=_err(errors, "fullName")),
                    control_id="staff-name",
                    error=_err(errors, "fullName"),
                ),
                field(
                    "Email",
                    text_input(
                        name="email",
                        control_id="staff-email",
                        error=_err(errors, "email"),
                        type="text",
                        input_mode="email",
                        auto_complete="off",
                    ),
                    control_id="staff-email",
                    error=_err(errors, "email"),
                ),
                field(
                    "Role",
                    rx.select.root(
                        rx.select.trigger(id="staff-role", width="100%"),
                        rx.select.content(
                            rx.select.item("Trainer", value="TRAINER"),
                            rx.select.item("Admin", value="ADMIN"),
                        ),
                        name="role",
                        default_value="TRAINER",
                        size="3",
                    ),
                    control_id="staff-role",
                    error=_err(errors, "role"),
                    hint="Trainers run the front desk and their members; admins manage everything.",
                ),
                field(
                    "Temporary password",
                    text_input(
                        name="password",
                        control_id="staff-password",
                        error=_err(errors, "password"),
                        type="password",
                        auto_complete="new-password",
                    ),
                    control_id="staff-password",
                    error=_err(errors, "password"),
                    hint="Give it to them in person; they can change it under Settings → Password.",
                ),
            ),
            _submit("Add staff account", "user-plus"),
            spacing="4",
            width="100%",
        ),
        on_submit=StaffState.add_staff,
        reset_on_submit=False,
        no_validate=True,
        key=StaffState.add_key,
        width="100%",
        id="staff-form",
    )


def staff_tab() -> rx.Component:
    return rx.vstack(
        section(
            "Staff",
            "Everyone who signs in to run the gym. Deactivating an account signs it out at once; "
            "the last active admin can never be removed.",
            rx.cond(
                StaffState.notice != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("shield-alert", size=16)),
                    rx.callout.text(StaffState.notice),
                    color_scheme="amber",
                    role="alert",
                    id="staff-notice",
                    width="100%",
                ),
            ),
            rx.cond(
                ~StaffState.loaded,
                _loading(4),
                rx.table.root(
                    caption("Staff accounts"),
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Name"),
                            rx.table.column_header_cell("Role"),
                            rx.table.column_header_cell("Status"),
                            rx.table.column_header_cell(rx.text("Actions", align="right"), justify="end"),
                        )
                    ),
                    rx.table.body(rx.foreach(StaffState.rows, _staff_row)),
                    variant="surface",
                    size="2",
                    width="100%",
                    id="staff-table",
                ),
            ),
        ),
        rx.card(_add_staff_form(), size="3", width="100%"),
        spacing="4",
        width="100%",
    )


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
