"""Button presets: an action led by its icon (the shape most of the app's actions take), a page's own
action, the quiet secondary choice, a list's choice of a line or two, a pager's arrows and the ✕ that
closes or clears."""

from __future__ import annotations

from typing import Any

import reflex as rx


def action_button(icon: Any, label: Any, *, icon_size: int = 14, **props: Any) -> rx.Component:
    """An icon then its label ("⟳ Refresh"); `props` go to the button (on_click, size, variant, id…)."""
    return rx.button(rx.icon(icon, size=icon_size), label, **props)


def page_action(icon: Any, label: Any, **props: Any) -> rx.Component:
    """An action that stands on its own on a page or in a dialog (Add member, Edit, Print, Save): an
    `action_button` whose icon is drawn 16px across, a step up from the 14px of a card's toolbar."""
    return action_button(icon, label, icon_size=16, **props)


def quiet_action(icon: Any, label: Any, **props: Any) -> rx.Component:
    """`action_button` in soft gray: a secondary action next to a coloured one (Import, Back)."""
    return action_button(icon, label, variant="soft", color_scheme="gray", **props)


def quiet_button(*children: Any, **props: Any) -> rx.Component:
    """A soft gray button: the secondary choice next to a coloured one (Cancel, Check out)."""
    return rx.button(*children, variant="soft", color_scheme="gray", **props)


def block_button(*children: Any, **props: Any) -> rx.Component:
    """A button across its list's width whose content starts at the left and sets its height: a choice
    of a line or two (a member's name over their email, a plan's card). `props` go to the button
    (on_click, variant, padding…)."""
    return rx.button(*children, width="100%", height="auto", justify="start", **props)


def arrow_button(direction: str, label: str, **props: Any) -> rx.Component:
    """A soft gray chevron button of a pager: `direction` "left" (back) or "right" (on); `label` says
    what it shows next, for screen readers ("Next page")."""
    return rx.icon_button(
        rx.icon(f"chevron-{direction}", size=16),
        variant="soft",
        color_scheme="gray",
        aria_label=label,
        **props,
    )


def dismiss_button(label: str, *, icon_size: int = 16, **props: Any) -> rx.Component:
    """A ghost gray ✕ that closes or clears something; `label` says what, for screen readers."""
    return rx.icon_button(
        rx.icon("x", size=icon_size), variant="ghost", color_scheme="gray", aria_label=label, **props
    )
