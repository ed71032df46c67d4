"""The front desk's widgets: a result row (an option of the results list), the card of the member just
checked in or out, and the keys the desk answers to."""

from __future__ import annotations

import reflex as rx

from thrust.checkins.state import DeskRow, FrontDeskState
from thrust.ui import styles
from thrust.ui.avatar import avatar
from thrust.ui.badges import tier_badge
from thrust.ui.buttons import quiet_button
from thrust.ui.cards import fact, wide_card
from thrust.ui.layout import column, grid, row, stacked
from thrust.ui.lists import list_row
from thrust.ui.text import muted_text

# The highlighted result row (arrow keys) and the card's flash when a check-in or out lands.
DESK_CSS = """
@keyframes thrust-flash { from { background: var(--grass-a5); } to { background: transparent; } }
.thrust-flash { animation: thrust-flash 1.6s ease-out; }
.thrust-desk-row[data-highlighted="true"] {
  background: var(--accent-a3); box-shadow: inset 3px 0 0 var(--accent-9); }
.thrust-desk-row { cursor: pointer; }
.thrust-desk-row:hover { background: var(--gray-a2); }
.thrust-desk-row[data-highlighted="true"]:hover { background: var(--accent-a4); }
"""


def desk_styles() -> rx.Component:
    return rx.el.style(DESK_CSS)


def kbd(text: str) -> rx.Component:
    return rx.el.kbd(
        text,
        style={
            "font_family": "inherit",
            "font_size": "0.72rem",
            "padding": "0.05rem 0.4rem",
            "border_radius": "var(--radius-2)",
            "border": "1px solid var(--gray-a6)",
            "border_bottom_width": "2px",
            "background": "var(--gray-a2)",
            # The surrounding text's colour: it also sits on the highlighted row's solid action.
            "color": "inherit",
        },
    )


def key_hint(*keys: str, says: str) -> rx.Component:
    """Keys and what they do, under the search box ("↑ ↓ move")."""
    return row(*[kbd(key) for key in keys], muted_text(says, size="1"), gap="1")


def desk_row(found: rx.Var[DeskRow], index: rx.Var[int]) -> rx.Component:
    highlighted = FrontDeskState.highlight == index
    return list_row(
        avatar(found.initials, "3", "orange"),
        column(
            row(
                rx.text(found.name, size="3", weight="bold", trim="both"),
                tier_badge(found.tier),
                rx.cond(
                    found.inside, rx.badge("Inside", color_scheme="grass", variant="soft", radius="full")
                ),
                rx.cond(
                    found.warning != "",
                    rx.badge(
                        rx.icon("circle-alert", size=12), found.warning, color_scheme="red", variant="soft"
                    ),
                ),
                wrap="wrap",
            ),
            rx.cond(
                found.contact != "",
                muted_text(found.contact, size="1", max_width="100%", **styles.ONE_LINE),
            ),
            gap="1",
            min_width="0",
            flex="1",
        ),
        rx.cond(
            found.detailed,
            column(
                muted_text("Until ", found.ends, size="1", white_space="nowrap"),
                muted_text(found.visits, " visits this month", size="1", white_space="nowrap"),
                align="end",
                gap="1",
                display=["none", "none", "flex"],
            ),
        ),
        # What a click (or Enter on the highlighted option) does. Not a button: an option may not hold
        # a control of its own, so the whole row is the click target.
        rx.badge(
            rx.cond(found.inside, rx.icon("log-out", size=15), rx.icon("log-in", size=15)),
            rx.cond(found.inside, "Check out", "Check in"),
            rx.cond(highlighted, kbd("↵")),
            variant=rx.cond(highlighted, "solid", "soft"),
            color_scheme=rx.cond(found.inside, "gray", rx.cond(found.warning != "", "red", "orange")),
            size="3",
            min_width="8.5rem",
            justify_content="center",
            class_name="thrust-desk-action",
        ),
        padding_x="1rem",
        padding_y="0.75rem",
        class_name="thrust-desk-row",
        on_click=FrontDeskState.act(found.id),
        role="option",
        aria_selected=rx.cond(highlighted, "true", "false"),
        custom_attrs={"data-highlighted": rx.cond(highlighted, "true", "false")},
    )


def member_card() -> rx.Component:
    card = FrontDeskState.card
    return rx.cond(
        FrontDeskState.has_card,
        wide_card(
            stacked(
                row(
                    rx.icon(
                        rx.cond(card.inside, "circle-check", "log-out"),
                        size=18,
                        color=rx.cond(card.inside, "var(--grass-11)", "var(--gray-11)"),
                    ),
                    rx.text(
                        card.headline,
                        size="2",
                        weight="bold",
                        color=rx.cond(card.inside, "var(--grass-11)", "var(--gray-11)"),
                        id="desk-flash",
                    ),
                ),
                row(
                    avatar(card.initials, "5", rx.cond(card.inside, "grass", "gray")),
                    column(
                        rx.text(card.name, size="5", weight="bold", id="desk-card-name"),
                        row(tier_badge(card.tier), muted_text(card.detail)),
                        gap="1",
                    ),
                    gap="3",
                ),
                rx.cond(
                    card.detailed,  # a member outside the user's scope: name, tier and status only
                    grid(
                        fact("Membership until", card.ends),
                        fact("Visits this month", card.visits, id="desk-card-visits"),
                        columns="2",
                        gap="3",
                    ),
                ),
                rx.cond(
                    card.plan_day != "",
                    rx.box(
                        row(
                            # Kept at its size beside the wrapping lines (a flex item would shrink).
                            rx.icon("dumbbell", size=18, color="var(--accent-11)", flex_shrink="0"),
                            column(
                                muted_text("Today's plan", size="1"),
                                rx.text(card.plan_day, size="2", weight="bold", id="desk-plan-day"),
                                muted_text(card.plan_exercises, size="2", id="desk-plan-exercises"),
                                gap="0",
                            ),
                            align="start",
                            gap="3",
                        ),
                        padding="0.75rem",
                        border_radius="var(--radius-3)",
                        background="var(--accent-a2)",
                        width="100%",
                        id="desk-plan",
                    ),
                ),
                rx.cond(
                    card.inside,
                    quiet_button(
                        rx.icon("log-out", size=14),
                        "Check out",
                        on_click=FrontDeskState.check_out_card,
                        size="1",
                    ),
                ),
                gap="3",
            ),
            key=FrontDeskState.flash,
            class_name="thrust-flash",
            size="3",
            id="desk-card",
            border_top=rx.cond(card.inside, "4px solid var(--grass-9)", "4px solid var(--gray-8)"),
        ),
    )
