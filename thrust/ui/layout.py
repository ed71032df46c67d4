"""Layout presets: the rows and columns pages are built of, named for what they are.

Each is a Radix stack with the spacing and alignment the app uses everywhere; `props` go to the stack
(id, wrap, padding…) and may override the preset's alignment. `gap` is a Radix spacing step ("0"-"9").
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def row(*children: Any, gap: str = "2", align: str = "center", **props: Any) -> rx.Component:
    """Children side by side, centred on one line (an icon and its label, badges, buttons)."""
    return rx.hstack(*children, align=align, spacing=gap, **props)


def column(*children: Any, gap: str = "2", **props: Any) -> rx.Component:
    """Children one above the other, as wide as they need (a name over its details)."""
    return rx.vstack(*children, spacing=gap, **props)


def stacked(*children: Any, gap: str = "4", **props: Any) -> rx.Component:
    """Children one above the other across the full width: a page's sections, a form's fields."""
    return rx.vstack(*children, spacing=gap, width="100%", **props)


def toolbar(*children: Any, gap: str = "2", align: str = "center", **props: Any) -> rx.Component:
    """A row across the full width that wraps on a narrow screen (filters, actions, a list row, fields
    side by side: `align="start"` or `"end"` lines up fields whose labels or messages differ)."""
    return rx.hstack(*children, align=align, spacing=gap, wrap="wrap", width="100%", **props)


def end_row(*children: Any, **props: Any) -> rx.Component:
    """Children pushed to the right edge of a full-width row (a form's or a list's buttons)."""
    return rx.hstack(rx.spacer(), *children, width="100%", **props)


def grid(*children: Any, columns: Any, gap: str = "4", **props: Any) -> rx.Component:
    """Children in `columns` across the full width (`rx.breakpoints(...)`: fewer on a phone)."""
    return rx.grid(*children, columns=columns, spacing=gap, width="100%", **props)


def flow(*children: Any, gap: str = "1rem", **props: Any) -> rx.Component:
    """A full-width line of blocks, centred, that wraps onto more lines when narrow (a banner's text
    and its button, a pager's count and its arrows); `gap` a CSS length."""
    return rx.flex(*children, align="center", gap=gap, wrap="wrap", width="100%", **props)


def actions(*children: Any, gap: str = "2", **props: Any) -> rx.Component:
    """Buttons side by side, as wide as they need, that wrap onto a second line when narrow (a page's or
    a bar's actions)."""
    return rx.hstack(*children, spacing=gap, wrap="wrap", **props)


def header_bar(*children: Any, **props: Any) -> rx.Component:
    """A full-width row from the `md` breakpoint up that stacks on a phone (a page or card header: what
    it is on one side, its controls on the other); `props` set the gap and each layout's alignment."""
    return rx.flex(*children, direction=rx.breakpoints(initial="column", md="row"), width="100%", **props)
