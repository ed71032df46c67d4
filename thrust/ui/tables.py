"""Tables every page shares: a header of column names, one row per item, named for screen readers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx

from thrust.ui.a11y import caption

# A column: its name, (its name, its width), or a header cell built by the caller.
Column = str | tuple[str, str] | rx.Component


def _header_cell(column: Column) -> rx.Component:
    if isinstance(column, str):
        return rx.table.column_header_cell(column)
    if isinstance(column, tuple):
        return rx.table.column_header_cell(column[0], width=column[1])
    return column


def captioned_table(
    title: Any,
    columns: Sequence[Column],
    items: rx.Var,
    row: Callable[[Any], rx.Component],
    *,
    size: str = "1",
    **props: Any,
) -> rx.Component:
    """A table named for screen readers by `title` (the card's heading already says it on screen): a
    header of `columns`, then one `row` per item. `props` go to the table (id, variant…)."""
    return rx.table.root(
        caption(title),
        rx.table.header(rx.table.row(*[_header_cell(column) for column in columns])),
        rx.table.body(rx.foreach(items, row)),
        size=size,
        width="100%",
        **props,
    )
