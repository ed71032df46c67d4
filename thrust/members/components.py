"""Pieces only the members pages use: their styles, the membership cue, a profile's detail rows,
skeleton rows and the busy bar. Avatars, badges, stat tiles, panels and tables are the UI kit's
(thrust/ui/)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui import styles
from thrust.ui.lists import list_row

# Keyframes and the few rules Radix props cannot express, for these pages only.
PAGE_CSS = """
@keyframes thrust-slide { from { transform: translateX(-100%); } to { transform: translateX(250%); } }
@keyframes thrust-appear { from { opacity: 0; } to { opacity: 1; } }
.thrust-busy-bar { position: absolute; inset: 0 auto auto 0; height: 2px; width: 40%;
  background: var(--accent-9); animation: thrust-slide 1s ease-in-out infinite; }
.thrust-delayed { animation: thrust-appear 0.2s ease 0.25s both; }
.thrust-members-table tbody tr[data-href] { cursor: pointer; }
.thrust-members-table tbody tr[data-href]:hover { background: var(--gray-a2); }
.thrust-members-table tbody tr[data-selected="true"] { background: var(--accent-a2); }
.thrust-dropzone { transition: border-color 0.15s, background 0.15s; }
.thrust-dropzone:hover { border-color: var(--accent-8) !important; background: var(--accent-a2); }
"""


def page_styles() -> rx.Component:
    return rx.el.style(PAGE_CSS)


def cue_text(cue: rx.Var, tone: rx.Var, size: str = "1", *, quiet_too: bool = True) -> rx.Component:
    """ "expires in 5 days" (amber), "expired 3 days ago" (red), "until 12 Mar 2027" (muted; left out
    with `quiet_too=False` where the date already shows)."""
    text = rx.text(
        rx.cond(tone == "red", rx.icon("circle-alert", size=12), rx.fragment()),
        rx.cond(tone == "amber", rx.icon("clock-alert", size=12), rx.fragment()),
        cue,
        size=size,
        weight=rx.cond(tone == "gray", "regular", "medium"),
        color=rx.match(tone, ("red", "var(--red-11)"), ("amber", "var(--amber-11)"), styles.MUTED),
        display="inline-flex",
        align_items="center",
        gap="0.25rem",
        white_space="nowrap",
    )
    return text if quiet_too else rx.cond(tone != "gray", text)


def detail_row(label: str, value: Any) -> rx.Component:
    """A label on the left, its value on the right: a text var (a dash when empty) or a component."""
    shown = (
        rx.text(rx.cond(value != "", value, "—"), size="2", weight="medium", text_align="right")
        if isinstance(value, rx.Var)
        else value
    )
    return list_row(
        rx.text(label, size="2", color=styles.MUTED, min_width="8rem"),
        shown,
        padding_y="0.6rem",
        justify="between",
    )


def skeleton_rows(columns: int, rows: int = 8) -> rx.Component:
    return rx.fragment(
        *[
            rx.table.row(
                *[
                    rx.table.cell(rx.skeleton(rx.box(height="1rem", width=f"{60 + (r * 7 + c * 13) % 35}%")))
                    for c in range(columns)
                ]
            )
            for r in range(rows)
        ]
    )


def busy_bar(active: rx.Var) -> rx.Component:
    """A thin sliding bar while a query runs (appears only if it takes a moment)."""
    return rx.box(
        rx.cond(active, rx.box(class_name="thrust-busy-bar thrust-delayed")),
        position="relative",
        overflow="hidden",
        height="2px",
        width="100%",
        aria_hidden="true",
    )
