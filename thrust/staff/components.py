"""The settings page's Staff tab (admins): the staff accounts, their role and status, adding one."""

from __future__ import annotations

import reflex as rx

from thrust.staff.state import STAFF_ROLE_CHOICES, StaffRow, StaffState
from thrust.ui.badges import active_badge, role_badge
from thrust.ui.cards import alert_notice, wide_card
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.forms import Fields, loading_rows, section, two_columns
from thrust.ui.layout import column, row, stacked
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text

_ACTIONS_HEADER = rx.table.column_header_cell(rx.text("Actions", align="right"), justify="end")


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


def _staff_row(staff: StaffRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            column(
                row(
                    rx.text(staff.name, weight="medium", size="2"),
                    rx.cond(staff.is_you, rx.badge("You", variant="outline", size="1", color_scheme="gray")),
                ),
                muted_text(staff.email, size="1"),
                gap="0",
            )
        ),
        rx.table.cell(role_badge(staff.role)),
        rx.table.cell(active_badge(staff.active)),
        rx.table.cell(
            row(
                rx.select.root(
                    rx.select.trigger(aria_label="Role of " + staff.name, variant="surface"),
                    rx.select.content(*[rx.select.item(r.title(), value=r) for r in STAFF_ROLE_CHOICES]),
                    value=staff.role,
                    on_change=lambda value: StaffState.change_role(staff.id, value),
                    size="1",
                ),
                _confirm_active(staff),
                justify="end",
            ),
            justify="end",
        ),
        align="center",
        data_active=rx.cond(staff.active, "true", "false"),
    )


HANDED_OVER = "Give it to them in person; they can change it under Settings → Password."


def _add_staff_form() -> rx.Component:
    fields = Fields(StaffState.errors, StaffState.add_key)
    return fields.form(
        rx.heading("Add a staff account", size="3"),
        two_columns(
            fields.text("Full name", "fullName", "staff-name"),
            fields.email("Email", "email", "staff-email", auto_complete="off"),
            fields.select(
                "Role",
                "role",
                rx.select.item("Trainer", value="TRAINER"),
                rx.select.item("Admin", value="ADMIN"),
                control_id="staff-role",
                default="TRAINER",
                hint="Trainers run the front desk and their members; admins manage everything.",
            ),
            fields.password(
                "Temporary password",
                "password",
                "staff-password",
                auto_complete="new-password",
                hint=HANDED_OVER,
            ),
        ),
        submit="Add staff account",
        submit_icon="user-plus",
        on_submit=StaffState.add_staff,
        form_id="staff-form",
    )


def staff_tab() -> rx.Component:
    return stacked(
        section(
            "Staff",
            "Everyone who signs in to run the gym. Deactivating an account signs it out at once; "
            "the last active admin can never be removed.",
            rx.cond(
                StaffState.notice != "",
                alert_notice("shield-alert", StaffState.notice, tone="amber", id="staff-notice"),
            ),
            rx.cond(
                ~StaffState.loaded,
                loading_rows(4),
                captioned_table(
                    "Staff accounts",
                    ("Name", "Role", "Status", _ACTIONS_HEADER),
                    StaffState.rows,
                    _staff_row,
                    size="2",
                    variant="surface",
                    id="staff-table",
                ),
            ),
        ),
        wide_card(_add_staff_form(), size="3"),
    )
