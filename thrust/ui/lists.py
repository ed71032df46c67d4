"""A row of a list of people or events: what the live lists, the desk results and the directory share."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui import styles


def list_row(*children: rx.Component, padding_y: str = "0.5rem", **props: Any) -> rx.Component:
    """Children side by side, centred, across the list's width, with a rule under the row.

    `props` go to the row (key, id, class_name, role, on_click…).
    """
    return rx.hstack(
        *children,
        align="center",
        spacing="3",
        width="100%",
        padding_y=padding_y,
        border_bottom=styles.BORDER,
        **props,
    )


def name_lines(
    name: Any, *below: rx.Component, size: str = "2", weight: str = "medium", **props: Any
) -> rx.Component:
    """A person's name over a line or two about them, shrinking before the row overflows."""
    return rx.vstack(
        rx.text(name, size=size, weight=weight, trim="both"), *below, spacing="1", min_width="0", **props
    )
