"""The member dashboard's chart of today: people inside hour by hour so far (solid), then the forecast for
the rest of the day (dashed), with a line at "now"; and the same in words for screen readers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import plotly.graph_objects as go

from thrust.analytics.forecast import Expected
from thrust.analytics.occupancy import Point
from thrust.ui import styles

# Radix orange 9 (the accent) and its translucent fill; the gray of the "now" line reads on both themes.
LINE = "#e5560e"
FILL = "rgba(229, 86, 14, 0.14)"
NOW_LINE = "rgba(128, 128, 128, 0.7)"
GRID = "rgba(128, 128, 128, 0.18)"
HEIGHT = 230
# Plotly's config: no toolbar, no zoom or drag (a finger scrolling the page must not pan the chart).
CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False}


@dataclass(frozen=True, slots=True)
class DayChart:
    figure: go.Figure
    summary: str  # the chart in words


def _x(moment: datetime) -> float:
    """A local time as hours since midnight (14:30 -> 14.5)."""
    return moment.hour + moment.minute / 60


def _label(x: float) -> str:
    minutes = round(x * 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _window(opening: tuple[str, str] | None, xs: list[float]) -> tuple[float, float]:
    """The hours the chart spans: the opening hours, or the hours with data."""
    if opening is not None:
        opens, closes = (int(t[:2]) + int(t[3:]) / 60 for t in opening)
        return math.floor(opens), math.ceil(closes)
    return (math.floor(min(xs)), 24.0) if xs else (0.0, 24.0)


def day_chart(
    hours_so_far: list[Point],
    expected: list[Expected],
    *,
    current: int,
    now: datetime,
    opening: tuple[str, str] | None,
) -> DayChart:
    """Today's chart. `hours_so_far`: today's hours (those not begun are skipped); `expected`: the
    forecast's hours after now; `now` on the gym's clock; `opening`: today's opening hours, if known."""
    now_x = _x(now)
    past = [(_x(p.span.local) + 0.5, p.average) for p in hours_so_far if p.average is not None]
    # Whole hours at their middle, then the moment now (the current hour is only partly over).
    seen = [(x, people) for x, people in past if x < now_x] + [(now_x, float(current))]
    ahead = [(now_x, float(current))] + [(_x(e.span.local) + 0.5, e.people) for e in expected]
    start, end = _window(opening, [x for x, people in seen if people])
    # Before opening or after closing, the chart still reaches "now".
    start, end = min(start, math.floor(now_x)), max(end, min(24.0, math.ceil(now_x)))
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[x for x, _ in seen],
            y=[round(people or 0, 1) for _, people in seen],
            customdata=[_label(x) for x, _ in seen],
            name="Today so far",
            mode="lines",
            line={"color": LINE, "width": 3, "shape": "spline", "smoothing": 0.6},
            fill="tozeroy",
            fillcolor=FILL,
            hovertemplate="%{customdata}: %{y:.0f} inside<extra></extra>",
        )
    )
    if len(ahead) > 1:
        figure.add_trace(
            go.Scatter(
                x=[x for x, _ in ahead],
                y=[round(people, 1) for _, people in ahead],
                customdata=[_label(x) for x, _ in ahead],
                name="Expected",
                mode="lines",
                line={"color": LINE, "width": 2, "dash": "dash", "shape": "spline", "smoothing": 0.6},
                hovertemplate="%{customdata}: about %{y:.0f} expected<extra></extra>",
            )
        )
    step = 3 if end - start > 9 else 2
    ticks = list(range(math.ceil(start), math.floor(end) + 1, step))
    figure.update_layout(
        height=HEIGHT,
        margin={"l": 32, "r": 8, "t": 20, "b": 28},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": styles.FONT_STACK, "size": 12},
        showlegend=False,  # the card says in words which line is which
        hovermode="x",
        xaxis={
            "range": [start, end],
            "tickvals": ticks,
            "ticktext": [_label(t) for t in ticks],
            "showgrid": False,
            "fixedrange": True,
        },
        yaxis={"rangemode": "tozero", "gridcolor": GRID, "fixedrange": True, "zeroline": False},
        shapes=[
            {
                "type": "line",
                "x0": now_x,
                "x1": now_x,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": NOW_LINE, "width": 1, "dash": "dot"},
            }
        ],
        annotations=[
            {
                "x": now_x,
                "y": 1,
                "yref": "paper",
                "text": "now",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11, "color": NOW_LINE},
            }
        ],
    )
    return DayChart(figure, _summary(current, now, expected))


def _summary(current: int, now: datetime, expected: list[Expected]) -> str:
    """The chart in words: now, and the expected number at each coming hour."""
    words = f"At {now:%H:%M}, {current} {'person' if current == 1 else 'people'} inside."
    if expected:
        ahead = ", ".join(f"{e.span.local:%H:%M} about {e.people:.0f}" for e in expected)
        words += f" Expected: {ahead}."
    return words
