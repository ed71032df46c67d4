"""The settings page's Staff tab (admins): the staff accounts, their role and status, adding one."""

from __future__ import annotations

import reflex as rx

from thrust.staff.state import STAFF_ROLE_CHOICES, StaffRow, StaffState
from thrust.ui import styles
from thrust.ui.a11y import caption
from thrust.ui.badges import active_badge, role_badge
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.forms import (
    email_field,
    loading_rows,
    password_field,
    section,
    select_field,
    server_form,
    text_field,
    two_columns,
)


def _confirm_active(row: StaffRow) -> rx.Component:
    deactivate = row.active
    verb = rx.cond(deactivate, "Deactivate", "Reactivate")
    verb_name = rx.cond(deactivate, "Deactivate ", "Reactivate ") + row.name  # "Deactivate Ana Ruiz"
    return confirm_dialog(
        verb_name + "?",
        rx.cond(
            deactivate,
            "They are signed out everywhere at once and can no longer sign in. "
            "Their history stays; you can reactivate them later.",
            "They will be able to sign in again with their existing password.",
        ),
        rx.alert_dialog.action(
            rx.button(
                verb,
                color_scheme=rx.cond(deactivate, "red", "green"),
                on_click=StaffState.set_active(row.id, ~row.active),
            )
        ),
        trigger=rx.button(
            verb,
            variant="soft",
            color_scheme=rx.cond(deactivate, "red", "green"),
            size="1",
            disabled=row.is_you,
            aria_label=verb_name,
        ),
        max_width="28rem",
        description_size="2",
        buttons={"margin_top": "1rem"},
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
        rx.table.cell(role_badge(row.role)),
        rx.table.cell(active_badge(row.active)),
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
    return server_form(
        rx.heading("Add a staff account", size="3"),
        two_columns(
            text_field("Full name", "fullName", control_id="staff-name", errors=errors),
            email_field("Email", "email", control_id="staff-email", errors=errors, auto_complete="off"),
            select_field(
                "Role",
                "role",
                rx.select.item("Trainer", value="TRAINER"),
                rx.select.item("Admin", value="ADMIN"),
                control_id="staff-role",
                errors=errors,
                default_value="TRAINER",
                hint="Trainers run the front desk and their members; admins manage everything.",
            ),
            password_field(
                "Temporary password",
                "password",
                control_id="staff-password",
                errors=errors,
                auto_complete="new-password",
                hint="Give it to them in person; they can change it under Settings → Password.",
            ),
        ),
        submit="Add staff account",
        submit_icon="user-plus",
        on_submit=StaffState.add_staff,
        key=StaffState.add_key,
        form_id="staff-form",
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
