"""The settings page's Profile and Password tabs: the signed-in user's own account."""

from __future__ import annotations

import reflex as rx

from thrust.auth.account_state import AccountPasswordState, AccountProfileState
from thrust.auth.passwords import PASSWORD_RULES
from thrust.ui.forms import (
    FORM_WIDTH,
    email_field,
    loading_rows,
    password_field,
    section,
    server_form,
    text_field,
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
            server_form(
                two_columns(
                    text_field(
                        "Full name",
                        "fullName",
                        control_id="profile-name",
                        errors=errors,
                        default_value=AccountProfileState.full_name,
                        auto_complete="name",
                    ),
                    text_field(
                        "Phone",
                        "phone",
                        control_id="profile-phone",
                        errors=errors,
                        default_value=AccountProfileState.phone,
                        type="tel",
                        auto_complete="tel",
                        optional=True,
                    ),
                ),
                email_field(
                    "Email",
                    "email",
                    control_id="profile-email",
                    errors=errors,
                    default_value=AccountProfileState.email,
                    auto_complete="email",
                    hint="You sign in with this address.",
                ),
                submit="Save profile",
                on_submit=AccountProfileState.save_profile,
                key=AccountProfileState.form_key,
                form_id="profile-form",
            ),
        ),
        max_width=FORM_WIDTH,
    )


def password_tab() -> rx.Component:
    errors = AccountPasswordState.errors
    return section(
        "Password",
        "Changing your password signs you out on every other device; this one stays signed in.",
        server_form(
            password_field(
                "Current password",
                "currentPassword",
                control_id="password-current",
                errors=errors,
                auto_complete="current-password",
            ),
            two_columns(
                password_field(
                    "New password",
                    "newPassword",
                    control_id="password-new",
                    errors=errors,
                    auto_complete="new-password",
                    hint=PASSWORD_RULES,
                ),
                password_field(
                    "Repeat new password",
                    "repeatPassword",
                    control_id="password-repeat",
                    errors=errors,
                    auto_complete="new-password",
                ),
            ),
            submit="Change password",
            submit_icon="key-round",
            on_submit=AccountPasswordState.change_password,
            key=AccountPasswordState.form_key,
            form_id="password-form",
        ),
        max_width=FORM_WIDTH,
    )
