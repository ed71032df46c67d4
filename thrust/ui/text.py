"""Text presets: the quiet line that explains, counts or dates something next to what matters."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui import styles


def muted_text(*children: Any, size: str = "2", **props: Any) -> rx.Component:
    """Secondary text in the muted gray ("12 rows", "since 18:05", a hint); `props` go to the text."""
    return rx.text(*children, size=size, color=styles.MUTED, **props)
