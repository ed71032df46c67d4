"""The "Demo data is loaded" banner above every page (admins, while demo accounts exist) and its dialog."""

from __future__ import annotations

import reflex as rx

from thrust.demo.state import DemoDataState
from thrust.ui import styles
from thrust.ui.a11y import landmark
from thrust.ui.buttons import page_action
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.layout import column, flow, row
from thrust.ui.text import muted_text

BANNER_TITLE = "Demo data is loaded"
REMOVE_LABEL = "Remove demo data"


def _dialog() -> rx.Component:
    return confirm_dialog(
        "Remove demo data?",
        column(
            rx.text("This permanently deletes ", DemoDataState.summary, ".", size="2", id="demo-impact"),
            rx.text(
                "Your admin account, the gym's settings and everything added since the demo was "
                "loaded stay. Demo users are signed out at once. It cannot be undone.",
                size="2",
            ),
            gap="3",
        ),
        page_action(
            "trash-2",
            REMOVE_LABEL,
            color_scheme="red",
            loading=DemoDataState.busy,
            on_click=DemoDataState.confirm_removal(DemoDataState.accounts),
            id="confirm-remove-demo",
        ),
        open=DemoDataState.dialog_open,
        on_open_change=DemoDataState.cancel_removal,  # only ever called to close: Cancel or Escape
    )


def demo_banner() -> rx.Component:
    """Shown to admins while the demo's trainers and members (with published passwords) exist."""
    return rx.cond(
        DemoDataState.loaded,
        rx.box(
            rx.callout.root(
                flow(
                    row(
                        rx.callout.icon(rx.icon("flask-conical", size=18)),
                        column(
                            rx.text(BANNER_TITLE, weight="bold", size="2"),
                            muted_text(
                                "Its trainers and members sign in with published passwords. Remove them "
                                "before the gym goes live; your admin account and anything added since stay."
                            ),
                            gap="1",
                        ),
                        align="start",
                        gap="3",
                        flex="1 1 28rem",
                    ),
                    rx.button(
                        REMOVE_LABEL,
                        variant="soft",
                        color_scheme="amber",
                        on_click=DemoDataState.ask_removal,
                        id="remove-demo-data",
                        flex_shrink="0",
                    ),
                    justify="between",
                ),
                color_scheme="amber",
                variant="surface",
                width="100%",
                id="demo-banner",
                **landmark("Demo data"),
            ),
            _dialog(),
            **styles.CONTENT_COLUMN,
            padding_x=styles.PAGE_PADDING,
            padding_top="1rem",
        ),
    )
