"""Pieces the members pages share: badges for tier and status, the membership cue, avatars, stat
tiles, empty and error panels, skeleton rows."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui import styles

TIER_LABELS = {"BASIC": "Basic", "PREMIUM": "Premium", "VIP": "VIP"}
STATUS_LABELS = {"ACTIVE": "Active", "INACTIVE": "Inactive", "FROZEN": "Frozen"}

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
.thrust-initials {
  display: inline-flex; align-items: center; justify-content: center; flex-shrink: 0;
  width: var(--space-6); height: var(--space-6); border-radius: 9999px;
  background: var(--gray-a3); color: var(--gray-a11); font-size: var(--font-size-2); font-weight: 500;
}
.thrust-dropzone { transition: border-color 0.15s, background 0.15s; }
.thrust-dropzone:hover { border-color: var(--accent-8) !important; background: var(--accent-a2); }
"""


def page_styles() -> rx.Component:
    return rx.el.style(PAGE_CSS)


def tier_badge(tier: rx.Var, size: str = "1") -> rx.Component:
    return rx.match(
        tier,
        ("VIP", rx.badge(rx.icon("crown", size=12), "VIP", color_scheme="amber", variant="soft", size=size)),
        (
            "PREMIUM",
            rx.badge(rx.icon("gem", size=12), "Premium", color_scheme="iris", variant="soft", size=size),
        ),
        rx.badge("Basic", color_scheme="gray", variant="soft", size=size),
    )


def status_badge(status: rx.Var, size: str = "1") -> rx.Component:
    return rx.match(
        status,
        (
            "ACTIVE",
            rx.badge(
                rx.icon("circle-check", size=12), "Active", color_scheme="green", variant="soft", size=size
            ),
        ),
        (
            "FROZEN",
            rx.badge(rx.icon("snowflake", size=12), "Frozen", color_scheme="cyan", variant="soft", size=size),
        ),
        rx.badge(
            rx.icon("circle-pause", size=12), "Inactive", color_scheme="gray", variant="outline", size=size
        ),
    )


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


def avatar(initials: rx.Var) -> rx.Component:
    """A member's initials in a circle, drawn by plain elements: the directory redraws 25 of them per
    keystroke, and Radix's avatar runs an image-loading effect for each."""
    return rx.el.span(initials, class_name="thrust-initials", aria_hidden="true")


def stat_tile(icon: str, label: str, value: Any, hint: Any = None, tone: str = "accent") -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(
                rx.icon(icon, size=18, color=f"var(--{tone}-11)"),
                width="2.5rem",
                height="2.5rem",
                min_width="2.5rem",
                border_radius="var(--radius-3)",
                background=f"var(--{tone}-a3)",
            ),
            rx.vstack(
                rx.text(label, size="1", color=styles.MUTED, weight="medium"),
                rx.text(value, size="5", weight="bold", line_height="1.2"),
                *([rx.text(hint, size="1", color=styles.MUTED)] if hint is not None else []),
                spacing="0",
                min_width="0",
            ),
            align="center",
            spacing="3",
        ),
        size="2",
        width="100%",
    )


def detail_row(label: str, value: Any) -> rx.Component:
    """A label on the left, its value on the right: a text var (a dash when empty) or a component."""
    shown = (
        rx.text(rx.cond(value != "", value, "—"), size="2", weight="medium", text_align="right")
        if isinstance(value, rx.Var)
        else value
    )
    return rx.hstack(
        rx.text(label, size="2", color=styles.MUTED, min_width="8rem"),
        shown,
        justify="between",
        align="center",
        width="100%",
        padding_y="0.6rem",
        border_bottom=styles.BORDER,
    )


def panel(
    icon: str, title: str, text: Any, *actions: rx.Component, tone: str = "gray", **props: Any
) -> rx.Component:
    """A centred message with an icon and actions: empty results, a missing member, an error."""
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=26, color=f"var(--{tone}-11)"),
                width="3.5rem",
                height="3.5rem",
                border_radius="50%",
                background=f"var(--{tone}-a3)",
            ),
            rx.heading(title, size="4", text_align="center"),
            rx.text(text, size="2", color=styles.MUTED, text_align="center", max_width="30rem"),
            rx.hstack(*actions, spacing="3", padding_top="0.5rem", justify="center", wrap="wrap"),
            align="center",
            spacing="2",
        ),
        padding_y="3.5rem",
        padding_x="1rem",
        width="100%",
        **props,
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
