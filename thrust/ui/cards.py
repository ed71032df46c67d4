"""Cards and panels every page shares: a titled card, a stat tile, a metric card that links to what explains
it, the empty and the "not yet" states."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ui import styles
from thrust.ui.layout import column, row, stacked
from thrust.ui.text import muted_text


def wide_card(*children: Any, **props: Any) -> rx.Component:
    """A card across its column, the width most of the app's cards take; `props` go to the card (size,
    id…)."""
    return rx.card(*children, width="100%", **props)


def card_title(
    icon: str, title: Any, *trailing: rx.Component, icon_size: int = 18, heading: bool = True, gap: str = "2"
) -> rx.Component:
    """A card's title row: an accent icon, the title (a heading, or bold text with `heading=False`),
    then anything `trailing` (a count, a spacer and a note, a button)."""
    text = rx.heading(title, size="3") if heading else rx.text(title, weight="bold", size="3")
    return row(
        rx.icon(icon, size=icon_size, color="var(--accent-11)"),
        text,
        *trailing,
        gap=gap,
        # Full width only when something trails, so a spacer can push it to the right edge.
        **({"width": "100%"} if trailing else {}),
    )


def titled_card(
    icon: str,
    title: Any,
    *children: rx.Component,
    trailing: tuple[rx.Component, ...] = (),
    icon_size: int = 18,
    heading: bool = True,
    title_gap: str = "2",
    spacing: str = "2",
    overlay: tuple[rx.Component, ...] = (),
    **props: Any,
) -> rx.Component:
    """A card with a title row (see `card_title`) above its content.

    `overlay`: components placed after the content, outside its column (a veil over stale numbers).
    `props` go to the card (id, position…); it is size 2 and full width unless they say otherwise.
    """
    props = {"size": "2", "width": "100%", **props}
    return rx.card(
        stacked(
            card_title(icon, title, *trailing, icon_size=icon_size, heading=heading, gap=title_gap),
            *children,
            gap=spacing,
            align="start",
        ),
        *overlay,
        **props,
    )


def icon_tile(
    icon: Any,
    *,
    tone: Any = "accent",
    box: str = "2.5rem",
    icon_size: int = 18,
    radius: str = "var(--radius-3)",
) -> rx.Component:
    """An icon on a tinted square (or circle, `radius="50%"`) of `box` across, in the `tone` colour."""
    return rx.center(
        rx.icon(icon, size=icon_size, color=f"var(--{tone}-11)"),
        width=box,
        height=box,
        min_width=box,
        border_radius=radius,
        background=f"var(--{tone}-a3)",
    )


def stat_tile(icon: str, label: str, value: Any, hint: Any = None, tone: str = "accent") -> rx.Component:
    """A number with its label and an icon in a tinted square; `hint` a line under it."""
    return wide_card(
        row(
            icon_tile(icon, tone=tone),
            column(
                muted_text(label, size="1", weight="medium"),
                rx.text(value, size="5", weight="bold", line_height="1.2"),
                *([muted_text(hint, size="1")] if hint is not None else []),
                gap="0",
                min_width="0",
            ),
            gap="3",
        ),
        size="2",
    )


def metric_card(
    metric: str,
    icon: str,
    label: str,
    value: Any,
    *,
    href: str,
    hint: Any = None,
    hint_color: Any = styles.MUTED,
    tone: str = "accent",
    loaded: Any = True,
) -> rx.Component:
    """A dashboard number that opens what explains it (the list it counts, the chart it sums up).

    The whole card is the link. `metric` names it for pages and tests (`#metric-<metric>`, the number
    in `.thrust-metric-value`); until `loaded` the number is a placeholder bar, never a made-up zero.
    """
    number = rx.text(
        value, size="7", weight="bold", line_height="1.1", class_name="thrust-metric-value thrust-num"
    )
    card = wide_card(
        rx.vstack(
            rx.hstack(
                icon_tile(icon, tone=tone, box="2rem", icon_size=16),
                rx.text(label, size="2", weight="medium", color=styles.MUTED, trim="both"),
                rx.spacer(),
                rx.icon("arrow-up-right", size=14, color=styles.MUTED, class_name="thrust-metric-arrow"),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.cond(loaded, number, rx.skeleton(rx.box(height="2.25rem", width="4rem"), loading=True)),
            *([rx.text(hint, size="1", color=hint_color, weight="medium")] if hint is not None else []),
            spacing="2",
            width="100%",
            align="start",
        ),
        size="2",
        height="100%",
        class_name="thrust-metric",
    )
    return rx.link(
        card,
        href=href,
        underline="none",
        color="inherit",
        display="block",
        height="100%",
        id=f"metric-{metric}",
    )


def notice(
    icon: str | rx.Component,
    text: Any,
    *after: rx.Component,
    tone: Any,
    icon_size: int | None = 16,
    text_props: dict[str, Any] | None = None,
    **props: Any,
) -> rx.Component:
    """A callout: an icon and a line of text on the `tone` colour (a problem, a warning, a hint).

    `icon` is a name (drawn `icon_size` across; None, the icon's own size) or a component (an `rx.cond`
    of icons); `after` follow the text (a button that answers it); `text_props` go to the text, `props`
    to the callout (size, variant, role, width, id…).
    """
    glyph = icon if isinstance(icon, rx.Component) else _icon(icon, icon_size)
    return rx.callout.root(
        rx.callout.icon(glyph),
        rx.callout.text(text, **(text_props or {})),
        *after,
        color_scheme=tone,
        **props,
    )


def alert_notice(icon: str, text: Any, *after: rx.Component, tone: Any = "red", **props: Any) -> rx.Component:
    """A `notice` across its column that screen readers announce at once (role="alert"): a problem to see
    now (a list that did not load, a file the import cannot read, a form the server refused)."""
    return notice(icon, text, *after, tone=tone, role="alert", width="100%", **props)


def _icon(name: str, size: int | None) -> rx.Component:
    return rx.icon(name) if size is None else rx.icon(name, size=size)


def fact(label: str, value: Any, **props: Any) -> rx.Component:
    """A small muted label over its value ("Membership until / 12 Mar 2027"); `props` go to the value."""
    return column(muted_text(label, size="1"), rx.text(value, size="2", weight="medium", **props), gap="0")


def empty_note(text: Any, **props: Any) -> rx.Component:
    """The plain "nothing here yet" line of an empty list inside a card."""
    return muted_text(text, **props)


def dashed_box(*children: rx.Component, padding: str = "2rem", **props: Any) -> rx.Component:
    """A dashed frame where a list will appear (no results yet, nothing typed yet)."""
    return rx.center(
        *children,
        padding=padding,
        width="100%",
        border=styles.BORDER,
        border_style="dashed",
        border_radius="var(--radius-4)",
        **props,
    )


def empty_panel(
    icon: str, title: str, text: Any, *actions: rx.Component, tone: str = "gray", **props: Any
) -> rx.Component:
    """A centred message with an icon and actions: empty results, a missing record, an error."""
    return rx.center(
        column(
            icon_tile(icon, tone=tone, box="3.5rem", icon_size=26, radius="50%"),
            rx.heading(title, size="4", text_align="center"),
            muted_text(text, text_align="center", max_width="30rem"),
            rx.hstack(*actions, spacing="3", padding_top="0.5rem", justify="center", wrap="wrap"),
            align="center",
        ),
        padding_y="3.5rem",
        padding_x="1rem",
        width="100%",
        **props,
    )


def empty_card(panel: rx.Component, **props: Any) -> rx.Component:
    """An empty state (`empty_panel`, or an `rx.cond` of them) in a card across the page, standing where
    the page's content would be (no members yet, a plan not found). `props` go to the card (id, size…)."""
    return wide_card(panel, **props)


def locked_card(what: str) -> rx.Component:
    """A page part the user may not see, said plainly ("The front desk is for staff.")."""
    return wide_card(
        row(rx.icon("lock", size=18, color=styles.MUTED), muted_text(what, size="3"), gap="3"),
        size="3",
    )
