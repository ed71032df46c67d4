"""Accessibility pieces every page shares: the skip link, text for screen readers only, captions,
keyboard-reachable scroll regions, progress bars and throttled live announcements (styles in
assets/thrust.css)."""

from __future__ import annotations

from typing import Any

import reflex as rx

MAIN_ID = "main-content"
SR_ONLY = "thrust-sr-only"


def skip_link() -> rx.Component:
    """ "Skip to content": the first thing the keyboard reaches, shown only while focused."""
    return rx.el.a("Skip to content", href=f"#{MAIN_ID}", class_name="thrust-skip-link", id="skip-link")


def sr_only(*children: Any, **props: Any) -> rx.Component:
    """Text for screen readers, not shown on screen."""
    return rx.el.span(*children, class_name=SR_ONLY, **props)


def caption(text: Any) -> rx.Component:
    """A table's caption, read by screen readers (the card's heading already says it on screen).

    The first child of `rx.table.root(...)`.
    """
    return rx.el.caption(text, class_name=SR_ONLY)


def landmark(label: str) -> dict[str, str]:
    """The attributes of a named region: screen readers list it among the page's landmarks by `label`
    and can jump to it (a banner, a bar of bulk actions, a scrolling list)."""
    return {"role": "region", "aria_label": label}


def scroll_region(label: str, *children: rx.Component, **props: Any) -> rx.Component:
    """A box that scrolls on its own, reachable with the keyboard (Tab, then the arrow keys) and
    named for screen readers: a scrolling list without focusable content is otherwise out of reach."""
    return rx.box(
        *children,
        tab_index=0,
        class_name="thrust-scroll",
        **landmark(label),
        **props,
    )


def progressbar(label: Any, value: Any, maximum: Any = 100) -> dict[str, Any]:
    """The attributes that make a drawn bar a progress bar for screen readers: named `label`, at `value`
    of 0 to `maximum`. Spread them into the bar's props."""
    return {
        "role": "progressbar",
        "aria_label": label,
        "aria_valuemin": 0,
        "aria_valuemax": maximum,
        "aria_valuenow": value,
    }


def announcement(text: rx.Var, **props: Any) -> rx.Component:
    """A polite live region: screen readers say `text` when it changes, after what they are reading.

    The state decides how often it changes (see LiveState.announcement): never bind a number that
    every push updates.
    """
    return rx.el.div(text, role="status", aria_live="polite", aria_atomic="true", class_name=SR_ONLY, **props)
