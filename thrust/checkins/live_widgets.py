"""The live traffic widgets: occupancy gauge, live status and its paused veil, the activity feed and who
is inside (also the dashboard's and the desk's occupancy block)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from thrust.checkins.bands import COLOURS, GREEN_BELOW, RED_FROM, WORDS
from thrust.checkins.live import STALE_AFTER_SECONDS
from thrust.checkins.snapshot import FeedRow, InsideRow
from thrust.checkins.state import LiveStaffState, LiveState
from thrust.core.reflex_compat import connection_lost_var
from thrust.ui import styles
from thrust.ui.a11y import announcement, scroll_region
from thrust.ui.avatar import avatar
from thrust.ui.badges import count_badge, dot_pill, tier_badge
from thrust.ui.cards import empty_note, icon_tile, titled_card
from thrust.ui.layout import column, row, stacked
from thrust.ui.lists import list_row, name_lines
from thrust.ui.meter import meter
from thrust.ui.text import figure, muted_text

PAUSED_TEXT = "Live updates paused — reconnecting…"

# The watchdog: elements keyed by the server clock of the last push are re-mounted by every push or
# heartbeat, which restarts these animations; if nothing arrives for STALE_AFTER_SECONDS they run out
# and the page says its numbers are stale, with no timer script and no server involved.
LIVE_CSS = f"""
@keyframes thrust-appear {{
  from {{ opacity: 0; visibility: hidden; }} to {{ opacity: 1; visibility: visible; }} }}
@keyframes thrust-vanish {{
  from {{ opacity: 1; visibility: visible; }} to {{ opacity: 0; visibility: hidden; }} }}
@keyframes thrust-pulse {{
  0% {{ box-shadow: 0 0 0 0 var(--grass-a8); }} 70% {{ box-shadow: 0 0 0 6px transparent; }}
  100% {{ box-shadow: 0 0 0 0 transparent; }} }}
@keyframes thrust-slide-in {{
  from {{ opacity: 0; transform: translateY(-6px); }} to {{ opacity: 1; transform: none; }} }}
.thrust-stale-after {{ opacity: 0; visibility: hidden;
  animation: thrust-appear 0.25s ease {STALE_AFTER_SECONDS}s forwards; }}
.thrust-fresh-until {{ animation: thrust-vanish 0.25s ease {STALE_AFTER_SECONDS}s forwards; }}
.thrust-live-dot {{ animation: thrust-pulse 2s infinite; }}
.thrust-slide-in {{ animation: thrust-slide-in 0.35s ease-out; }}
.thrust-bar-fill {{ transition: width 0.6s cubic-bezier(.2,.8,.2,1), background-color 0.6s; }}
"""


def live_styles() -> rx.Component:
    return rx.el.style(LIVE_CSS)


def _band(step: int) -> rx.Var:
    return rx.match(
        LiveState.band,
        ("green", f"var(--grass-{step})"),
        ("amber", f"var(--amber-{step})"),
        f"var(--red-{step})",
    )


def _band_word() -> rx.Var:
    return rx.cond(
        ~LiveState.loaded,
        "",
        rx.cond(
            LiveState.current > LiveState.maximum,
            "Over capacity",
            rx.cond(
                LiveState.current == LiveState.maximum,
                "Full",
                rx.match(
                    LiveState.band,
                    *[(COLOURS[band], WORDS[band]) for band in ("quiet", "busy")],
                    WORDS["full"],
                ),
            ),
        ),
    )


# -- live status -------------------------------------------------------------------------------------------

# Paused right now: the socket is down, this worker lost the bus, or nothing loaded yet.
PAUSED_NOW = connection_lost_var() | LiveState.paused


def live_status() -> rx.Component:
    """ "Live" while pushes keep arriving; "Paused" when the socket or the bus is down or pushes stopped."""
    paused = dot_pill("Paused", "amber")
    return rx.box(
        rx.cond(
            PAUSED_NOW,
            paused,
            rx.cond(
                ~LiveState.loaded,
                dot_pill("Connecting", "gray"),
                rx.box(
                    rx.box(
                        dot_pill("Live", "grass", dot_class="thrust-live-dot"),
                        class_name="thrust-fresh-until",
                    ),
                    rx.box(paused, class_name="thrust-stale-after", position="absolute", top="0", right="0"),
                    key=LiveState.now_ms,
                    position="relative",
                ),
            ),
        ),
        id="live-status",
    )


def paused_overlay(*, say: bool = True) -> rx.Component:
    """Covers live numbers that may be stale, saying so (immediately when known, else after the silence).

    `say=False`: the veil alone (the lists under the occupancy panel, which says it once).
    """
    chip = row(
        rx.spinner(size="2"),
        rx.text(PAUSED_TEXT, size="2", weight="medium"),
        padding_x="1rem",
        padding_y="0.6rem",
        border_radius="var(--radius-3)",
        background="var(--color-panel-solid)",
        box_shadow="var(--shadow-3)",
    )
    veil = rx.center(
        *([chip] if say else []),
        **styles.COVER,
        background="var(--gray-a4)",
        backdrop_filter="blur(1.5px) grayscale(1)",
        border_radius="inherit",
        z_index="2",
        role="status",
        class_name="thrust-live-paused",
    )
    return rx.cond(
        PAUSED_NOW,
        veil,
        rx.box(veil, key=LiveState.now_ms, class_name="thrust-stale-after", **styles.COVER),
    )


# -- occupancy ---------------------------------------------------------------------------------------------

# A dash until the page has read the number: never a 0 that looks real.
SHOWN_CURRENT = rx.cond(LiveState.loaded, LiveState.current.to_string(), "–")
SHOWN_PERCENT = rx.cond(LiveState.loaded, LiveState.percent.to_string() + "%", "–")


def _tick(percent: int) -> rx.Component:
    return rx.box(
        position="absolute",
        left=f"{percent}%",
        top="-3px",
        bottom="-3px",
        width="2px",
        background="var(--color-background)",
        opacity="0.9",
    )


def capacity_bar(height: str = "0.9rem") -> rx.Component:
    return meter(
        LiveState.fill,
        _band(9),
        _tick(GREEN_BELOW),
        _tick(RED_FROM),
        label="Occupancy",
        value=LiveState.current,
        maximum=LiveState.maximum,
        height=height,
        fill_class="thrust-bar-fill",
        position="relative",
    )


def _live_header(title: rx.Component) -> rx.Component:
    """A live block's title, with the live status at the right."""
    return row(title, rx.spacer(), live_status(), gap="3", width="100%")


def _live_numbers(frame: Callable[..., rx.Component], content: rx.Component, **props: Any) -> rx.Component:
    """Numbers that pushes keep current, in `frame`: veiled while paused, announced when they change."""
    return frame(
        content,
        paused_overlay(),
        announcement(LiveState.announcement, id="occupancy-announcement"),
        position="relative",
        width="100%",
        **props,
    )


def occupancy_panel() -> rx.Component:
    """The big number against the gym's maximum, its bar and colour band, and the live status."""
    return _live_numbers(
        rx.card,
        stacked(
            _live_header(
                row(
                    rx.icon("users", size=18, color=styles.MUTED),
                    muted_text("Occupancy now", weight="medium"),
                )
            ),
            rx.hstack(
                figure(SHOWN_CURRENT, size="9", id="occupancy-current", line_height="1"),
                column(
                    muted_text(
                        "of ",
                        rx.el.span(LiveState.maximum, id="occupancy-max", class_name="thrust-num"),
                        " max",
                        size="4",
                    ),
                    muted_text("people inside"),
                    gap="0",
                ),
                rx.spacer(),
                column(
                    figure(SHOWN_PERCENT, size="8", color=_band(11), id="occupancy-percent", line_height="1"),
                    rx.text(_band_word(), size="2", weight="medium", color=_band(11), id="occupancy-band"),
                    align="end",
                    gap="1",
                ),
                align="end",
                width="100%",
                spacing="4",
            ),
            capacity_bar(),
            rx.hstack(
                muted_text("0", size="1"),
                rx.spacer(),
                muted_text(rx.cond(LiveState.as_of != "", "As of " + LiveState.as_of, ""), size="1"),
                rx.spacer(),
                muted_text(LiveState.maximum, size="1", class_name="thrust-num"),
                width="100%",
            ),
        ),
        size="3",
        id="occupancy-panel",
        custom_attrs={"data-band": LiveState.band, "data-loaded": LiveState.loaded.to_string()},
    )


def capacity_summary() -> rx.Component:
    """A compact occupancy block (the desk's side panel, the dashboard card)."""
    return _live_numbers(
        rx.box,
        stacked(
            _live_header(muted_text("Inside now", weight="medium")),
            rx.hstack(
                figure(SHOWN_CURRENT, size="8", id="summary-current"),
                muted_text("/ ", LiveState.maximum, size="4", class_name="thrust-num"),
                rx.spacer(),
                figure(SHOWN_PERCENT, size="4", color=_band(11)),
                align="baseline",
                spacing="2",
                width="100%",
            ),
            capacity_bar("0.6rem"),
            rx.text(_band_word(), size="1", color=_band(11), weight="medium"),
            gap="3",
        ),
        border_radius="var(--radius-3)",
        custom_attrs={"data-loaded": LiveState.loaded.to_string()},
        id="capacity-summary",
    )


# -- names (staff) -------------------------------------------------------------------------------------------

LIST_HEIGHT = "30rem"


def _feed_row(entry: rx.Var[FeedRow]) -> rx.Component:
    came_in = entry.kind == "in"
    return list_row(
        icon_tile(
            rx.cond(came_in, "log-in", "log-out"),
            tone=rx.cond(came_in, "grass", "gray"),
            box="2rem",
            icon_size=15,
            radius="50%",
        ),
        name_lines(
            entry.name,
            muted_text(
                rx.cond(
                    came_in,
                    "Checked in",
                    rx.cond(entry.automatic, "Checked out automatically", "Checked out"),
                ),
                size="1",
            ),
        ),
        rx.spacer(),
        muted_text(entry.at, class_name="thrust-num"),
        padding_y="0.55rem",
        key=entry.key,
        class_name="thrust-slide-in",
        custom_attrs={"data-kind": entry.kind},
    )


def _live_list(
    icon: str,
    title: str,
    note: str,
    rows: rx.Var,
    row: Callable[[rx.Var], rx.Component],
    list_id: str,
    empty: str,
    *trailing: rx.Component,
) -> rx.Component:
    """A card of names that pushes keep current: its rows scroll on their own, veiled while paused."""
    return titled_card(
        icon,
        title,
        rx.cond(
            rows.length() > 0,
            scroll_region(title, rx.foreach(rows, row), width="100%", max_height=LIST_HEIGHT, id=list_id),
            empty_note(empty, padding_y="1rem"),
        ),
        trailing=(*trailing, rx.spacer(), muted_text(note, size="1")),
        overlay=(paused_overlay(say=False),),
        position="relative",
    )


def activity_feed() -> rx.Component:
    return _live_list(
        "activity",
        "Latest activity",
        "newest first",
        LiveStaffState.feed,
        _feed_row,
        "activity-feed",
        "No check-ins yet.",
    )


def _time_inside(row: rx.Var[InsideRow]) -> rx.Component:
    """Minutes since check-in against the server clock of the last push (refreshed by every heartbeat)."""
    elapsed = (LiveState.now_ms - row.since_ms.to(int)) // 60000
    minutes = rx.cond(elapsed > 0, elapsed, 0).to(int)
    hours = minutes // 60
    rest = minutes % 60
    return rx.text(
        rx.cond(
            minutes >= 60,
            rx.fragment(hours, " h ", rx.cond(rest < 10, "0", ""), rest, " min"),
            rx.fragment(minutes, " min"),
        ),
        size="2",
        weight="medium",
        class_name="thrust-num",
        white_space="nowrap",
    )


def _inside_row(visit: rx.Var[InsideRow]) -> rx.Component:
    return list_row(
        avatar(visit.initials),
        name_lines(
            visit.name,
            row(tier_badge(visit.tier), muted_text("since ", visit.since, size="1")),
        ),
        rx.spacer(),
        _time_inside(visit),
        key=visit.visit_id,
    )


def who_is_inside() -> rx.Component:
    return _live_list(
        "door-open",
        "Inside now",
        "longest first",
        LiveStaffState.inside,
        _inside_row,
        "inside-list",
        "Nobody is inside.",
        count_badge(LiveStaffState.inside.length(), id="inside-count"),
    )
