"""Pages a visitor sees without the shell: their layout, and the page at an address nothing lives at."""

from __future__ import annotations

import reflex as rx

from thrust.ui import routes
from thrust.ui.cards import wide_card
from thrust.ui.layout import column, row, stacked
from thrust.ui.pages import page
from thrust.ui.registry import NOT_FOUND, PUBLIC
from thrust.ui.shell import logo
from thrust.ui.state import ShellState
from thrust.ui.text import muted_text


def public_layout(heading: str, subheading: str, card: rx.Component, footer: rx.Component) -> rx.Component:
    """A page without the shell: logo, heading, the gym's name, a card and a line under it."""
    return rx.center(
        stacked(
            column(
                logo("3.5rem"),
                rx.heading(heading, size="6", weight="bold", align="center"),
                muted_text(ShellState.gym_name, id="gym-name", weight="medium"),
                muted_text(subheading, align="center"),
                align="center",
            ),
            wide_card(card, size="4"),
            footer,
            rx.hstack(
                rx.color_mode.button(variant="ghost", aria_label="Toggle dark mode"),
                justify="center",
                width="100%",
            ),
            gap="5",
            max_width="26rem",
            align="center",
        ),
        min_height="100vh",
        padding="1.5rem",
        background="radial-gradient(ellipse at top, var(--accent-a3), transparent 60%)",
    )


@page(NOT_FOUND, "Page not found", needs=PUBLIC)
def not_found_page() -> rx.Component:
    """Any address no page has (Reflex's 404 page): say so, and offer the way back."""
    return public_layout(
        "Page not found",
        "There is nothing at this address.",
        stacked(
            rx.text(
                "The link may be mistyped, or the page may have moved. "
                "The dashboard asks you to sign in first if you are not signed in.",
                size="3",
            ),
            rx.link(
                row(rx.icon("arrow-left", size=16), rx.text("Back to the dashboard"), gap="3"),
                href=routes.DASHBOARD,
                id="not-found-home",
                weight="medium",
            ),
            align="start",
        ),
        rx.fragment(),
    )
