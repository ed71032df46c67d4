"""A person's initials in a circle: the one avatar every page draws."""

from __future__ import annotations

from typing import Any

import reflex as rx


def avatar(initials: Any, size: str = "2", color: Any = "gray", **props: Any) -> rx.Component:
    """Initials in a soft circle, sized like Radix's avatar ("1" to "5"); `color` a Radix colour name
    (or a Var holding one).

    Drawn by plain elements (styles `.thrust-avatar` in assets/thrust.css): the members directory redraws
    25 of them per keystroke, and Radix's avatar runs an image-loading effect for each. Hidden from
    screen readers: the name always stands next to it.
    """
    return rx.el.span(
        initials,
        class_name="thrust-avatar",
        aria_hidden="true",
        custom_attrs={"data-size": size},
        style={"background": f"var(--{color}-a3)", "color": f"var(--{color}-a11)"},
        **props,
    )
