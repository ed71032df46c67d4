"""The rounded bar that shows how full something is (the gym's occupancy): a gray track, a coloured
fill from the left, named for screen readers as a progress bar."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui.a11y import progressbar

PILL = "999px"
# The gray track, its ends round; what overflows it (the fill past 100 %, a mark's ends) is cut off.
TRACK_STYLE = {"width": "100%", "border_radius": PILL, "background": "var(--gray-a4)", "overflow": "hidden"}


def meter(
    fill: Any,
    color: Any,
    *marks: rx.Component,
    label: Any,
    value: Any,
    maximum: Any = 100,
    height: str = "0.6rem",
    fill_class: str | None = None,
    **props: Any,
) -> rx.Component:
    """A track `height` tall, filled to `fill` (a CSS width) in `color`; `marks` stand over it (ticks at
    the bands' edges). Screen readers hear `label` and `value` out of `maximum`. `props` go to the track."""
    filled = rx.box(height="100%", width=fill, background=color, border_radius=PILL, class_name=fill_class)
    return rx.box(filled, *marks, height=height, **progressbar(label, value, maximum), **TRACK_STYLE, **props)
