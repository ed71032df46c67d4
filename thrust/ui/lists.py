"""Lists every page shares: a row of a list of people or events (what the live lists, the desk results,
the directory and the planner share), a name over its details, and a list that says when it is empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from thrust.ui import styles
from thrust.ui.cards import empty_note
from thrust.ui.layout import stacked


def list_row(
    *children: rx.Component,
    padding_y: str = "0.5rem",
    gap: str = "3",
    rule: str = styles.BORDER,
    **props: Any,
) -> rx.Component:
    """Children side by side, `gap` apart, centred, across the list's width, with `rule` under the row.

    `props` go to the row (key, id, class_name, role, justify, on_click…).
    """
    return rx.hstack(
        *children,
        align="center",
        spacing=gap,
        width="100%",
        padding_y=padding_y,
        border_bottom=rule,
        **props,
    )


def name_lines(
    name: Any, *below: rx.Component, size: str = "2", weight: str = "medium", **props: Any
) -> rx.Component:
    """A person's name over a line or two about them, shrinking before the row overflows."""
    return rx.vstack(
        rx.text(name, size=size, weight=weight, trim="both"), *below, spacing="1", min_width="0", **props
    )


def item_list(
    items: rx.Var,
    render: Callable[[Any], rx.Component],
    *,
    empty: Any = None,
    gap: str | None = None,
    **props: Any,
) -> rx.Component:
    """One `render` per item across the full width: in a plain box, or with `gap` in a column spaced by it.

    With no items, `empty` shows instead: a text becomes the muted "nothing here yet" line, a component
    stands as it is, None shows nothing. `props` go to the list's box (id, role…).
    """
    rows = rx.foreach(items, render)
    listed = rx.box(rows, width="100%", **props) if gap is None else stacked(rows, gap=gap, **props)
    if empty is None:
        return rx.cond(items.length() > 0, listed)
    instead = empty if isinstance(empty, rx.Component) else empty_note(empty)
    return rx.cond(items.length() > 0, listed, instead)
