"""The settings page's Staff tab (admins): the staff accounts, their role and status, adding one."""

from __future__ import annotations

import reflex as rx

from thrust.staff.state import STAFF_ROLE_CHOICES, StaffRow, StaffState
from thrust.ui import styles
from thrust.ui.a11y import caption
from thrust.ui.forms import field, field_error, loading_rows, section, submit_row, text_input, two_columns


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
            two_columns(
                field(
                    "Full name",
                    text_input(
                        name="fullName", control_id="staff-name", error=field_error(errors, "fullName")
                    ),
                    control_id="staff-name",
                    error=field_error(errors, "fullName"),
                ),
                field(
                    "Email",
                    text_input(
                        name="email",
                        control_id="staff-email",
                        error=field_error(errors, "email"),
                        type="text",
                        input_mode="email",
                        auto_complete="off",
                    ),
                    control_id="staff-email",
                    error=field_error(errors, "email"),
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
                    error=field_error(errors, "role"),
                    hint="Trainers run the front desk and their members; admins manage everything.",
                ),
                field(
                    "Temporary password",
                    text_input(
                        name="password",
                        control_id="staff-password",
                        error=field_error(errors, "password"),
                        type="password",
                        auto_complete="new-password",
                    ),
                    control_id="staff-password",
                    error=field_error(errors, "password"),
                    hint="Give it to them in person; they can change it under Settings → Password.",
                ),
            ),
            submit_row("Add staff account", "user-plus"),
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
                loading_rows(4),
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
