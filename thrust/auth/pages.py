"""The sign-in and sign-up pages.

Their forms have no Reflex handler: assets/thrust-auth.js posts them to /api/v1/auth/* (so passwords
never pass through the socket or state), shows the server's messages in the slots reserved here, and
on success reloads into the app.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.auth.passwords import PASSWORD_RULES
from thrust.auth.state import AuthState
from thrust.ui import routes, styles
from thrust.ui.forms import form_message_slot, text_field
from thrust.ui.pages import page
from thrust.ui.public import public_layout
from thrust.ui.registry import PUBLIC


def _field(label: str, name: str, **props: Any) -> rx.Component:
    """A field whose message page script fills (its slot is named for the field)."""
    return text_field(label, name, error_slot=name, **props)


def _auth_form(kind: str, *children: rx.Component, submit_label: str) -> rx.Component:
    """A form posted by thrust-auth.js (method=post so a password can never end up in a URL)."""
    return rx.el.form(
        rx.vstack(
            *children,
            form_message_slot(),
            rx.button(
                rx.el.span(submit_label, custom_attrs={"data-thrust-button-label": ""}),
                type="submit",
                size="3",
                width="100%",
                margin_top="0.25rem",
            ),
            spacing="4",
            width="100%",
        ),
        method="post",
        action=f"/api/v1/auth/{kind}",
        custom_attrs={"data-thrust-auth": kind},
        width="100%",
    )


def _switch_link(question: str, label: str, href: str) -> rx.Component:
    return rx.text(
        question,
        " ",
        rx.el.a(
            label,
            href=href,
            custom_attrs={"data-thrust-keep-next": ""},
            style={"color": "var(--accent-11)", "font_weight": "500", "text_decoration": "none"},
            _hover={"text_decoration": "underline"},
        ),
        size="2",
        color=styles.MUTED,
        align="center",
    )


def _auth_page(
    kind: str, heading: str, intro: str, *fields: rx.Component, submit_label: str, switch: rx.Component
) -> rx.Component:
    return public_layout(heading, intro, _auth_form(kind, *fields, submit_label=submit_label), switch)


@page(routes.LOGIN, "Sign in", needs=PUBLIC, on_load=[AuthState.redirect_if_signed_in])
def login_page() -> rx.Component:
    return _auth_page(
        "login",
        "Sign in to THRUST",
        "Welcome back. Sign in to open the front desk, your members and your plan.",
        _field(
            "Email",
            "email",
            type="email",
            placeholder="you@yourgym.com",
            auto_complete="username",
            required=True,
            auto_focus=True,
        ),
        _field("Password", "password", type="password", auto_complete="current-password", required=True),
        submit_label="Sign in",
        switch=_switch_link("New here?", "Create a member account", routes.SIGNUP),
    )


@page(routes.SIGNUP, "Join", needs=PUBLIC, on_load=[AuthState.redirect_if_signed_in])
def signup_page() -> rx.Component:
    new_password = {"type": "password", "auto_complete": "new-password", "required": True}
    return _auth_page(
        "signup",
        "Join THRUST",
        "Create your member account to check in, follow live traffic and get your training plan.",
        _field("Full name", "fullName", auto_complete="name", required=True, max_length=120, auto_focus=True),
        _field(
            "Email",
            "email",
            type="email",
            placeholder="you@example.com",
            auto_complete="email",
            required=True,
        ),
        _field("Phone", "phone", type="tel", auto_complete="tel", max_length=32, optional=True),
        _field("Password", "password", hint=PASSWORD_RULES, **new_password),
        _field("Repeat password", "confirmPassword", **new_password),
        submit_label="Create account",
        switch=_switch_link("Already have an account?", "Sign in", routes.LOGIN),
    )
