"""The sign-in page."""

from __future__ import annotations

import reflex as rx

from thrust.ui import styles
from thrust.ui.forms import field
from thrust.ui.shell import logo
from thrust.ui.state import ShellState


class LoginFormState(rx.State):
    """The sign-in form; accounts and sessions arrive with the authentication release."""

    message: str = ""

    @rx.event
    def submit(self, form_data: dict) -> None:
        # No credentials are checked or stored yet: say so plainly rather than pretend.
        self.message = "Sign-in is not available yet: accounts arrive with the authentication release."


def login_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.vstack(
                logo("3.5rem"),
                rx.heading("Sign in to THRUST", size="6", weight="bold"),
                rx.text(ShellState.gym_name, size="2", color=styles.MUTED, id="gym-name"),
                align="center",
                spacing="2",
            ),
            rx.card(
                rx.form(
                    rx.vstack(
                        field(
                            "Email",
                            rx.input(
                                id="email",
                                name="email",
                                type="email",
                                placeholder="you@yourgym.com",
                                auto_complete="username",
                                required=True,
                                size="3",
                                width="100%",
                            ),
                            control_id="email",
                        ),
                        field(
                            "Password",
                            rx.input(
                                id="password",
                                name="password",
                                type="password",
                                auto_complete="current-password",
                                required=True,
                                size="3",
                                width="100%",
                            ),
                            control_id="password",
                        ),
                        rx.cond(
                            LoginFormState.message != "",
                            rx.callout(
                                LoginFormState.message,
                                icon="info",
                                color_scheme="gray",
                                size="1",
                                width="100%",
                            ),
                        ),
                        rx.button("Sign in", type="submit", size="3", width="100%"),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=LoginFormState.submit,
                    reset_on_submit=False,
                    width="100%",
                ),
                size="4",
                width="100%",
            ),
            rx.hstack(
                rx.color_mode.button(variant="ghost", aria_label="Toggle dark mode"),
                justify="center",
                width="100%",
            ),
            spacing="5",
            width="100%",
            max_width="24rem",
            align="center",
        ),
        min_height="100vh",
        padding="1.5rem",
        background="radial-gradient(ellipse at top, var(--accent-a3), transparent 60%)",
    )
