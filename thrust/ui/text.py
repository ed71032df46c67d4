"""Text presets: the quiet line that explains, counts or dates something next to what matters, a
section's heading, a figure, an icon leading its words, and the link that leads on with an arrow."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui import styles
from thrust.ui.layout import row


def muted_text(*children: Any, size: str = "2", **props: Any) -> rx.Component:
    """Secondary text in the muted gray ("12 rows", "since 18:05", a hint); `props` go to the text."""
    return rx.text(*children, size=size, color=styles.MUTED, **props)


def fine_print(*children: Any, **props: Any) -> rx.Component:
    """`muted_text` at the smallest size: a caption under a chart, a row's details, "updated 18:05"."""
    return muted_text(*children, size="1", **props)


def figure(value: Any, *, size: str, **props: Any) -> rx.Component:
    """A number set bold in the app's tabular digits ("42", "68%"), so it keeps its width as it changes;
    `props` go to the text (line_height="1" for a headline figure, color, id…)."""
    return rx.text(value, size=size, weight="bold", class_name="thrust-num", **props)


def section_heading(title: str, *notes: Any, **props: Any) -> rx.Component:
    """A page section's heading ("Members"); `notes` stand beside it in fine print, on its baseline,
    and wrap under it when narrow. `props` go to the row (or to the heading, without notes)."""
    heading = rx.heading(title, size="3", weight="bold")
    if not notes:
        return heading
    return row(heading, *[fine_print(note) for note in notes], align="baseline", wrap="wrap", **props)


def icon_line(
    icon: Any, *children: Any, icon_size: int = 16, icon_color: Any = None, **props: Any
) -> rx.Component:
    """An icon (a Lucide name, or a component that picks one) leading its words on one line;
    `icon_color` tints only the icon, `props` go to the row (gap, color, id…)."""
    if not isinstance(icon, rx.Component):
        icon = rx.icon(icon, size=icon_size, **({"color": icon_color} if icon_color is not None else {}))
    return row(icon, *children, **props)


def arrow_link(label: str, href: str, **props: Any) -> rx.Component:
    """A link that leads on to a page ("Open live traffic →"); `props` go to the link (id…)."""
    return rx.link(
        row(rx.text(label, size="2"), rx.icon("arrow-right", size=14), gap="3"), href=href, size="2", **props
    )


def name_link(name: Any, href: Any, **props: Any) -> rx.Component:
    """A person's name that opens their page: the text's own colour, underlined on hover."""
    return rx.link(name, href=href, color_scheme="gray", high_contrast=True, underline="hover", **props)
