"""The settings page's Profile and Password tabs: the signed-in user's own account."""

from __future__ import annotations

import reflex as rx

from thrust.auth.account_state import AccountPasswordState, AccountProfileState
from thrust.auth.passwords import PASSWORD_RULES
from thrust.ui.forms import Fields, settings_section, two_columns

SIGN_IN_ADDRESS = "You sign in with this address."


def profile_tab() -> rx.Component:
    state = AccountProfileState
    fields = Fields(state.errors, state.form_key)
    return settings_section(
        "Profile",
        "Your name and contact details, as the front desk and your trainer see them.",
        fields.form(
            two_columns(
                fields.text("Full name", "fullName", "profile-name", state.full_name, auto_complete="name"),
                fields.text(
                    "Phone",
                    "phone",
                    "profile-phone",
                    state.phone,
                    type="tel",
                    auto_complete="tel",
                    optional=True,
                ),
            ),
            fields.email(
                "Email",
                "email",
                "profile-email",
                state.email,
                auto_complete="email",
                hint=SIGN_IN_ADDRESS,
            ),
            submit="Save profile",
            on_submit=state.save_profile,
            form_id="profile-form",
        ),
        loaded=state.loaded,
    )


def password_tab() -> rx.Component:
    state = AccountPasswordState
    fields = Fields(state.errors, state.form_key)
    return settings_section(
        "Password",
        "Changing your password signs you out on every other device; this one stays signed in.",
        fields.form(
            fields.password(
                "Current password", "currentPassword", "password-current", auto_complete="current-password"
            ),
            two_columns(
                fields.password(
                    "New password",
                    "newPassword",
                    "password-new",
                    auto_complete="new-password",
                    hint=PASSWORD_RULES,
                ),
                fields.password(
                    "Repeat new password", "repeatPassword", "password-repeat", auto_complete="new-password"
                ),
            ),
            submit="Change password",
            submit_icon="key-round",
            on_submit=state.change_password,
            form_id="password-form",
        ),
    )
