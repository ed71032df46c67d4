"""The member form: the add / edit dialog, with the membership fields only admins change."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.members.directory_rows import NO_TRAINER
from thrust.members.form_state import GENDER_CHOICES, MemberFormState
from thrust.models import MembershipTier, MemberStatus
from thrust.ui import styles
from thrust.ui.badges import STATUS_LABELS, TIER_LABELS, status_badge, tier_badge
from thrust.ui.buttons import page_action, quiet_button
from thrust.ui.cards import wide_card
from thrust.ui.dialogs import dialog_actions, work_dialog
from thrust.ui.forms import Fields, field, field_error, invalid_attrs, two_columns
from thrust.ui.layout import column, row, stacked
from thrust.ui.text import muted_text

ADMINS_SET_IT = "Set by the gym's admins"


def _err(name: str) -> rx.Var:
    return field_error(MemberFormState.errors, name)


def _select_field(
    label: str,
    name: str,
    control_id: str,
    default: rx.Var,
    items: list[rx.Component],
    *,
    optional: bool = False,
) -> rx.Component:
    """A labelled select with its message. The trigger is what takes focus: it says when its field
    has a message, and which."""
    error = _err(name)
    control = rx.select.root(
        rx.select.trigger(id=control_id, width="100%", custom_attrs=invalid_attrs(control_id, error)),
        rx.select.content(*items, position="popper"),
        name=name,
        default_value=default,
        size="3",
    )
    return field(label, control, control_id=control_id, error=error, optional=optional)


FIELDS = Fields(MemberFormState.errors)


def _admin_field(label: str, name: str, control_id: str, default: rx.Var, **props: Any) -> rx.Component:
    """A field only admins change (the members service's ADMIN_ONLY_FIELDS): an input for them; for
    anyone else the value shown read-only, under a name no service field has, so it changes nothing."""
    locked_id = f"{control_id}-locked"
    locked = field(
        label,
        rx.input(
            id=locked_id,
            name=f"{name}ReadOnly",  # named: Reflex would send an unnamed one under its id (deprecated)
            default_value=default,
            read_only=True,
            size="3",
            width="100%",
            variant="soft",
            color_scheme="gray",
            type=props.get("type", "text"),
            custom_attrs={"aria-describedby": f"{locked_id}-hint"},
        ),
        control_id=locked_id,
        hint=ADMINS_SET_IT,
    )
    return rx.cond(
        MemberFormState.can_edit_membership, FIELDS.text(label, name, control_id, default, **props), locked
    )


def _membership_fields() -> rx.Component:
    values = MemberFormState.values
    editable = two_columns(
        _select_field(
            "Tier",
            "membershipTier",
            "member-tier",
            values.membershipTier,
            [rx.select.item(TIER_LABELS[t.value], value=t.value) for t in MembershipTier],
        ),
        _select_field(
            "Status",
            "status",
            "member-status",
            values.status,
            [rx.select.item(STATUS_LABELS[s.value], value=s.value) for s in MemberStatus],
        ),
    )
    trainer = _select_field(
        "Trainer",
        "assignedTrainerId",
        "member-trainer",
        values.assignedTrainerId,
        [
            rx.select.item("No trainer", value=NO_TRAINER),
            rx.foreach(MemberFormState.trainers, lambda t: rx.select.item(t.name, value=t.id)),
        ],
        optional=True,
    )
    read_only = wide_card(
        column(
            row(
                rx.icon("lock", size=14, color=styles.MUTED),
                muted_text(ADMINS_SET_IT, size="1", weight="medium"),
            ),
            row(
                tier_badge(values.membershipTier, size="2"),
                status_badge(values.status, size="2"),
                rx.text("Trainer: " + values.trainerName, size="2"),
                gap="3",
                wrap="wrap",
            ),
        ),
        variant="surface",
        id="membership-read-only",
    )
    return rx.cond(
        MemberFormState.can_edit_membership,
        stacked(editable, trainer),
        read_only,
    )


def _actions() -> rx.Component:
    """Cancel, and the form's submit: "Add member" for a new one, "Save changes" for an edit."""
    save = rx.cond(MemberFormState.editing, "Save changes", "Add member")
    return dialog_actions(
        rx.dialog.close(quiet_button("Cancel", type="button", on_click=MemberFormState.close)),
        page_action("check", save, type="submit", loading=MemberFormState.saving, id="save-member"),
    )


def member_form_dialog() -> rx.Component:
    values = MemberFormState.values
    return work_dialog(
        rx.dialog.title(rx.cond(MemberFormState.editing, "Edit member", "Add a member")),
        rx.dialog.description(
            rx.cond(
                MemberFormState.editing,
                "Changes apply at once. The member's email is also their sign-in.",
                "Creates the member and their login. They set a password through “Forgot password”.",
            ),
            size="2",
            color=styles.MUTED,
            margin_bottom="1rem",
        ),
        rx.form(
            stacked(
                two_columns(
                    FIELDS.text("Full name", "fullName", "member-name", values.fullName, auto_complete="off"),
                    _admin_field(
                        "Email",
                        "email",
                        "member-email",
                        values.email,
                        type="text",
                        input_mode="email",
                        auto_complete="off",
                    ),
                ),
                two_columns(
                    FIELDS.text("Phone", "phone", "member-phone", values.phone, type="tel", optional=True),
                    FIELDS.text(
                        "Date of birth",
                        "dateOfBirth",
                        "member-dob",
                        values.dateOfBirth,
                        type="date",
                        optional=True,
                    ),
                ),
                _select_field(
                    "Gender",
                    "gender",
                    "member-gender",
                    values.gender,
                    [
                        rx.select.item(label, value=value)
                        for value, label in zip(
                            GENDER_CHOICES, ("Not given", "Male", "Female", "Other"), strict=True
                        )
                    ],
                    optional=True,
                ),
                rx.separator(size="4"),
                rx.heading("Membership", size="3"),
                two_columns(
                    _admin_field(
                        "Starts", "membershipStart", "member-start", values.membershipStart, type="date"
                    ),
                    _admin_field("Ends", "membershipEnd", "member-end", values.membershipEnd, type="date"),
                ),
                _membership_fields(),
                _actions(),
            ),
            on_submit=MemberFormState.save,
            reset_on_submit=False,
            key=MemberFormState.form_key,
            id="member-form",
            width="100%",
        ),
        open=MemberFormState.open,
        on_close=MemberFormState.close,
        max_width="40rem",
    )
