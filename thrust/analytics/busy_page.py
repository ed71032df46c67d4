"""The public page /busy: how full the gym is now, whether it is filling up, and the next hours; small
enough for a gym to show inside its own website (an <iframe>), and refreshed every 30 s by itself.

Served only while the gym publishes it (Settings > Gym): otherwise the server answers 404 and refuses
framing (thrust/analytics/busy_door.py), and the page says there is nothing here.
"""

from __future__ import annotations

import reflex as rx

from thrust.analytics.busy_state import REFRESH_SECONDS, BusyHour, BusyState
from thrust.analytics.public import SWITCHED_OFF
from thrust.ui import routes, styles
from thrust.ui.cards import wide_card
from thrust.ui.forms import loading_rows
from thrust.ui.layout import column, row, stacked
from thrust.ui.meter import meter
from thrust.ui.pages import page
from thrust.ui.public import public_layout
from thrust.ui.registry import PUBLIC
from thrust.ui.shell import logo
from thrust.ui.text import figure, fine_print, icon_line, muted_text
from thrust.ui.timers import every

NOW = BusyState.now


def _tone(step: int, tone: rx.Var | None = None) -> rx.Var:
    """A step of the band's Radix colour (`tone`: an hour's, else now's)."""
    return rx.Var.create("var(--") + (NOW.tone if tone is None else tone) + f"-{step})"


def _trend() -> rx.Component:
    icon = rx.match(
        NOW.trend,
        ("filling up", rx.icon("trending-up", size=16)),
        ("emptying", rx.icon("trending-down", size=16)),
        rx.icon("move-right", size=16),
    )
    return icon_line(icon, rx.text(NOW.trend_words, size="2"), gap="1", color=styles.MUTED, id="busy-trend")


def _bar() -> rx.Component:
    return meter(
        rx.cond(NOW.percent > 100, 100, NOW.percent).to_string() + "%",
        _tone(9),
        label="How full the gym is",
        value=NOW.percent,
    )


def _column(label: rx.Var | str, percent: rx.Var, height: rx.Var, tone: rx.Var, now: bool) -> rx.Component:
    """One bar of the next hours: its percentage above, its time below, out of a track that is full
    at the capacity."""
    return rx.el.li(
        stacked(
            rx.text(
                percent.to_string() + "%",
                size="1",
                weight="bold" if now else "medium",
                class_name="thrust-num",
            ),
            rx.box(
                rx.box(
                    height=height,
                    width="100%",
                    background=_tone(9 if now else 7, tone),
                    border_radius="var(--radius-2)",
                ),
                height="3rem",
                width="100%",
                display="flex",
                align_items="flex-end",
                background="var(--gray-a3)",
                border_radius="var(--radius-2)",
                overflow="hidden",
            ),
            fine_print(label, weight="bold" if now else "regular"),
            gap="1",
            align="center",
        ),
        flex="1",
        list_style="none",
        class_name="busy-now" if now else "busy-hour",
    )


def _hour(hour: BusyHour) -> rx.Component:
    return _column(hour.label, hour.percent, hour.height, hour.tone, now=False)


def _next_hours() -> rx.Component:
    return stacked(
        fine_print("Now and the next hours (expected)", weight="medium"),
        rx.cond(
            NOW.hours.length() > 0,
            rx.el.ul(
                _column("Now", NOW.percent, NOW.height, NOW.tone, now=True),
                rx.foreach(NOW.hours, _hour),
                display="flex",
                gap="0.6rem",
                width="100%",
                margin="0",
                padding="0",
                id="busy-hours",
            ),
            muted_text("No forecast for the rest of today.", id="busy-hours"),
        ),
        gap="2",
    )


def _now() -> rx.Component:
    return stacked(
        row(
            figure(
                NOW.percent.to_string() + "%", size="9", line_height="1", color=_tone(11), id="busy-percent"
            ),
            column(
                rx.text(NOW.words, size="3", weight="bold", color=_tone(11), id="busy-band"),
                _trend(),
                gap="1",
                align="start",
            ),
            gap="4",
        ),
        _bar(),
        rx.cond(
            NOW.hint != "",
            icon_line(
                "clock",
                rx.text(NOW.hint, size="2", weight="medium", id="busy-hint"),
                icon_size=15,
                icon_color="var(--accent-11)",
            ),
        ),
        gap="3",
    )


def _card() -> rx.Component:
    return wide_card(
        stacked(
            row(
                logo("1.75rem"),
                column(
                    rx.text(NOW.gym, size="3", weight="bold", id="busy-gym"),
                    fine_print("How busy is it now?"),
                    gap="0",
                    min_width="0",
                ),
                gap="3",
            ),
            _now(),
            _next_hours(),
            fine_print(
                "Updated ", rx.el.span(NOW.as_of, id="busy-as-of"), f" · refreshes every {REFRESH_SECONDS} s"
            ),
        ),
        size="3",
        id="busy-card",
        custom_attrs={"data-tone": NOW.tone},
    )


def _not_published() -> rx.Component:
    return public_layout(
        "Page not found",
        "There is nothing at this address.",
        rx.text(SWITCHED_OFF + ".", size="3", id="busy-off"),
        rx.fragment(),
    )


@page(routes.BUSY, "How busy is it", needs=PUBLIC, on_load=[BusyState.load_busy])
def busy_page() -> rx.Component:
    """For anyone, inside another site too: no sign-in, no cookie, no one's personal data."""
    return rx.box(
        every(REFRESH_SECONDS, BusyState.load_busy),
        rx.cond(
            BusyState.loaded & ~BusyState.published,
            _not_published(),
            rx.center(
                rx.box(
                    rx.cond(BusyState.loaded, _card(), wide_card(loading_rows(4), size="3")),
                    width="100%",
                    max_width="26rem",
                ),
                min_height="100vh",
                padding="0.75rem",
            ),
        ),
        custom_attrs={"data-loaded": BusyState.loaded.to_string()},
        id="busy-page",
    )
