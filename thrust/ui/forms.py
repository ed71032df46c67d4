"""Form pieces shared by every page: a labelled field whose label really belongs to its input."""

from __future__ import annotations

import reflex as rx


def field(label: str, control: rx.Component, *, control_id: str, hint: str | None = None) -> rx.Component:
    """A label (a real <label for=...>, so screen readers and tests find the input) above a control."""
    return rx.vstack(
        rx.el.label(
            label,
            html_for=control_id,
            style={"font_size": "var(--font-size-2)", "font_weight": "500"},
        ),
        control,
        *([rx.text(hint, size="1", color="var(--gray-11)")] if hint else []),
        spacing="1",
        width="100%",
    )
