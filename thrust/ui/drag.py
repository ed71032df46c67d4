"""A box that can be dragged and dropped on (HTML drag and drop): Reflex's elements have no drag events,
so this one declares them. Dragging is the mouse's way; every draggable list also offers buttons."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler, no_args_event_spec


class DragBox(rx.el.Div):
    """A div with drag and drop events (each handler gets no arguments: bind the place it stands for)."""

    on_drag_start: EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # Reflex reads it at run time
    on_drag_end: EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # (same)
    on_drag_over: EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # (same)
    on_drop: EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # (same)


def drag_box(*children: Any, on_drag_start: Any, on_drop: Any, **props: Any) -> rx.Component:
    """`children` in a box the mouse can drag (`on_drag_start`) and drop another such box on (`on_drop`);
    the browser only allows a drop where the dragover's default is prevented."""
    return DragBox.create(
        *children,
        draggable=True,
        on_drag_start=on_drag_start,
        on_drag_over=rx.prevent_default,
        on_drop=[rx.prevent_default, on_drop],
        **props,
    )


def drop_zone(*children: Any, on_drop: Any, **props: Any) -> rx.Component:
    """`children` in a box a dragged `drag_box` may be dropped on (it cannot be dragged itself)."""
    return DragBox.create(
        *children, on_drag_over=rx.prevent_default, on_drop=[rx.prevent_default, on_drop], **props
    )
