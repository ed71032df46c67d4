"""Charts every page shares: a plotly figure drawn in the page's colour mode, and the card around it (a
one-line summary, a CSV download, a placeholder while it loads, and a plain empty state).

The figures use plotly's cartesian bundle (bars, lines, heatmaps, pies), a fraction of the full one,
loaded lazily by the browser: a page's cards show before any chart code arrives.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import reflex as rx

from thrust.ui import styles
from thrust.ui.buttons import action_button
from thrust.ui.cards import dashed_box, titled_card

FONT = styles.FONT_STACK
# Plotly's interactive extras get in the way on a phone (a drag zooms instead of scrolling the page).
PLOT_CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True, "scrollZoom": False}


def theme(*, dark: bool) -> go.layout.Template:
    """The charts' look in light or dark mode: the card shows through, text and grid follow the mode
    (Radix slate 12, 11 and 6 as plotly needs them: colours, not CSS variables)."""
    text, muted, grid = ("#edeef0", "#b0b4ba", "#363a3f") if dark else ("#1c2024", "#60646c", "#d9d9e0")
    axis = {
        "gridcolor": grid,
        "linecolor": grid,
        "zerolinecolor": grid,
        "tickfont": {"color": muted, "size": 11},
        "title": {"font": {"color": muted, "size": 12}},
        "automargin": True,
    }
    return go.layout.Template(
        layout={
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": FONT, "color": text, "size": 12},
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"font": {"color": muted, "size": 11}},
            "hoverlabel": {
                "bgcolor": "#18191b" if dark else "#ffffff",
                "bordercolor": grid,
                "font": {"color": text, "family": FONT},
            },
        }
    )


def plot(figure: Any, *, height: str, label: Any, plot_id: str) -> rx.Component:
    """A figure from state, as wide as its container and `height` tall, in the page's colour mode.

    Screen readers get `label` (what the chart shows, in words) instead of plotly's drawing.
    """
    template = rx.color_mode_cond(light=theme(dark=False), dark=theme(dark=True))
    return rx.box(
        rx.plotly.cartesian(
            data=figure,
            template=template,
            config=PLOT_CONFIG,
            use_resize_handler=True,
            width="100%",
            height=height,
            id=plot_id,
        ),
        role="img",
        aria_label=label,
        class_name="thrust-plot",
        width="100%",
        min_height=height,
    )


def chart_card(
    chart_id: str,
    icon: str,
    title: str,
    figure: Any,
    *,
    summary: Any,
    empty: Any,
    loaded: Any,
    empty_text: str,
    on_download: Any,
    height: str = "18rem",
    controls: tuple[rx.Component, ...] = (),
    aside: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """A chart in a titled card with a CSV download of its data.

    Until `loaded` a placeholder of the chart's size; when `empty` (nothing recorded yet) `empty_text`
    instead of a drawing of zeros. `controls` sit under the title (a range picker), `aside` under the
    chart (the busiest hours in words). The card is `#<chart_id>` with `data-loaded`.
    """
    download = action_button(
        "download",
        "CSV",
        on_click=on_download,
        size="1",
        variant="soft",
        color_scheme="gray",
        disabled=~loaded,
        aria_label=f"Download the data of “{title}” as CSV",
        id=f"{chart_id}-csv",
    )
    drawing = rx.cond(
        empty,
        dashed_box(
            rx.vstack(
                rx.icon("chart-no-axes-column", size=26, color=styles.MUTED),
                rx.text(empty_text, size="2", color=styles.MUTED, text_align="center", max_width="26rem"),
                align="center",
                spacing="2",
            ),
            height=height,
            custom_attrs={"data-empty": "true"},
        ),
        plot(
            figure,
            height=height,
            label=rx.cond(summary != "", f"{title}: " + summary, title),
            plot_id=f"{chart_id}-plot",
        ),
    )
    return titled_card(
        icon,
        title,
        rx.cond(summary != "", rx.text(summary, size="2", color=styles.MUTED)),
        *controls,
        rx.cond(loaded, drawing, rx.skeleton(rx.box(height=height, width="100%"), loading=True)),
        *aside,
        trailing=(rx.spacer(), download),
        spacing="3",
        id=chart_id,
        custom_attrs={"data-loaded": loaded.to_string() if isinstance(loaded, rx.Var) else "true"},
    )
