"""The settings page's Profile and Password tabs: the signed-in user's own account."""

from __future__ import annotations

import reflex as rx

from thrust.auth.account_state import AccountPasswordState, AccountProfileState
from thrust.auth.passwords import PASSWORD_RULES
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


def profile_tab() -> rx.Component:
    errors = AccountProfileState.errors
    return section(
        "Profile",
        "Your name and contact details, as the front desk and your trainer see them.",
        rx.cond(
            ~AccountProfileState.loaded,
            loading_rows(3),
            rx.form(
                rx.vstack(
                    two_columns(
                        field(
                            "Full name",
                            text_input(
                                name="fullName",
                                control_id="profile-name",
                                error=field_error(errors, "fullName"),
                                default_value=AccountProfileState.full_name,
                                auto_complete="name",
                            ),
                            control_id="profile-name",
                            error=field_error(errors, "fullName"),
                        ),
                        field(
                            "Phone",
                            text_input(
                                name="phone",
                                control_id="profile-phone",
                                error=field_error(errors, "phone"),
                                default_value=AccountProfileState.phone,
                                type="tel",
                                auto_complete="tel",
                            ),
                            control_id="profile-phone",
                            error=field_error(errors, "phone"),
                            optional=True,
                        ),
                    ),
                    field(
                        "Email",
                        text_input(
                            name="email",
                            control_id="profile-email",
                            error=field_error(errors, "email"),
                            default_value=AccountProfileState.email,
                            type="text",
                            input_mode="email",
                            auto_complete="email",
                        ),
                        control_id="profile-email",
                        error=field_error(errors, "email"),
                        hint="You sign in with this address.",
                    ),
                    submit_row("Save profile"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=AccountProfileState.save_profile,
                reset_on_submit=False,
                no_validate=True,  # the server's messages, in our words, next to each field
                key=AccountProfileState.form_key,
                width="100%",
                id="profile-form",
            ),
        ),
        max_width=FORM_WIDTH,
    )


def _password_input(name: str, control_id: str, autocomplete: str) -> rx.Component:
    return text_input(
        name=name,
        control_id=control_id,
        error=field_error(AccountPasswordState.errors, name),
        type="password",
        auto_complete=autocomplete,
    )


def password_tab() -> rx.Component:
    errors = AccountPasswordState.errors
    return section(
        "Password",
        "Changing your password signs you out on every other device; this one stays signed in.",
        rx.form(
            rx.vstack(
                field(
                    "Current password",
                    _password_input("currentPassword", "password-current", "current-password"),
                    control_id="password-current",
                    error=field_error(errors, "currentPassword"),
                ),
                two_columns(
                    field(
                        "New password",
                        _password_input("newPassword", "password-new", "new-password"),
                        control_id="password-new",
                        error=field_error(errors, "newPassword"),
                        hint=PASSWORD_RULES,
                    ),
                    field(
                        "Repeat new password",
                        _password_input("repeatPassword", "password-repeat", "new-password"),
                        control_id="password-repeat",
                        error=field_error(errors, "repeatPassword"),
                    ),
                ),
                submit_row("Change password", "key-round"),
                spacing="4",
                width="100%",
            ),
            on_submit=AccountPasswordState.change_password,
            reset_on_submit=False,
            no_validate=True,  # the server's messages, in our words, next to each field
            key=AccountPasswordState.form_key,
            width="100%",
            id="password-form",
        ),
        max_width=FORM_WIDTH,
    )
