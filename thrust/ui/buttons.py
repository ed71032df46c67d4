"""A button led by its icon, the shape most of the app's actions take."""

from __future__ import annotations

from typing import Any

import reflex as rx


def action_button(icon: Any, label: Any, *, icon_size: int = 14, **props: Any) -> rx.Component:
    """An icon then its label ("⟳ Refresh"); `props` go to the button (on_click, size, variant, id…)."""
    return rx.button(rx.icon(icon, size=icon_size), label, **props)


def quiet_button(*children: Any, **props: Any) -> rx.Component:
    """A soft gray button: the secondary choice next to a coloured one (Cancel, Check out)."""
    return rx.button(*children, variant="soft", color_scheme="gray", **props)
