"""Dialogs: the confirmation every page asks before a change that is hard to undo, and the dialog that
holds work in progress (a form, an import, the planner's catalog picker)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui.buttons import dismiss_button, quiet_button


def cancel_button() -> rx.Component:
    """The dialog's Cancel. No handler of its own: Reflex would wrap it in a box that Radix then
    focuses instead of the button; the dialog's `on_open_change` (or Radix alone) closes it."""
    return rx.alert_dialog.cancel(quiet_button("Cancel"))


def confirm_dialog(
    title: Any,
    description: Any,
    *actions: rx.Component,
    open: Any = None,
    on_open_change: Any = None,
    trigger: rx.Component | None = None,
    max_width: str = "32rem",
    buttons: dict[str, Any] | None = None,
    description_size: str | None = None,
    **content_props: Any,
) -> rx.Component:
    """An alert dialog: a title, what will happen (`description`: text or components), then Cancel
    and the `actions` (the confirming buttons, with their own handlers and ids).

    Either controlled by state (`open` and `on_open_change`, the handler that closes it: it is only
    ever called to close, by Cancel or Escape), or opened by its `trigger` (Radix keeps it open; wrap
    an action in `rx.alert_dialog.action` to close on click). Radix moves the keyboard focus into the
    dialog and back to what opened it.
    `description_size`: the description's text size, when it is text.
    `buttons`: props for the row of buttons (default: right-aligned, 0.75rem apart, 1.25rem above).
    """
    row = {"gap": "0.75rem", "justify": "end", "margin_top": "1.25rem", **(buttons or {})}
    root_props: dict[str, Any] = {}
    if open is not None:
        root_props["open"] = open
    if on_open_change is not None:
        root_props["on_open_change"] = on_open_change
    return rx.alert_dialog.root(
        *([rx.alert_dialog.trigger(trigger)] if trigger is not None else []),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(
                description, **({"size": description_size} if description_size else {})
            ),
            rx.flex(cancel_button(), *actions, **row),
            max_width=max_width,
            **content_props,
        ),
        **root_props,
    )


def dialog_actions(*buttons: rx.Component) -> rx.Component:
    """A form dialog's buttons under its fields, at the right: Cancel first, then what saves."""
    return rx.hstack(*buttons, spacing="3", justify="end", width="100%", padding_top="0.5rem")


def work_dialog(
    *children: Any, open: Any, on_close: Any, max_width: str, **content_props: Any
) -> rx.Component:
    """A dialog holding work in progress (a form being filled, an import): Escape and its own buttons
    close it (`on_close`), a click outside does not, since that would throw away what was typed."""
    return rx.dialog.root(
        rx.dialog.content(
            *children,
            max_width=max_width,
            on_escape_key_down=on_close,
            on_interact_outside=rx.prevent_default,
            **content_props,
        ),
        open=open,
    )


def panel_dialog(
    title: Any, *children: rx.Component, open: Any, on_close: Any, max_width: str = "40rem", **props: Any
) -> rx.Component:
    """A `work_dialog` with its title and a ✕ (`on_close`) at the top, then `children`."""
    return work_dialog(
        rx.flex(
            rx.dialog.title(title, margin="0"),
            rx.spacer(),
            dismiss_button("Close", on_click=on_close),
            gap="3",
            align="center",
            width="100%",
            margin_bottom="0.75rem",
        ),
        *children,
        open=open,
        on_close=on_close,
        max_width=max_width,
        width="100%",
        **props,
    )
