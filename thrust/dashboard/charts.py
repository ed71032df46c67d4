"""The staff dashboard's charts as plotly figures, each with its data as CSV, its one-line summary and
whether there is anything to draw yet. Pure: service results in, figures and text out (no Reflex, no
database), so the drawing rules are tested on hand-made results.

Times arrive as the service's spans (UTC with the gym's wall clock); the charts label them with the
gym's wall clock. A day with a clock change has 23 or 25 hours: the hour that repeats is labelled with
its zone abbreviation both times ("02:00 CEST", "02:00 CET"), the skipped one is simply not there.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import plotly.graph_objects as go

from thrust.analytics.forecast import Forecast
from thrust.analytics.occupancy import Point
from thrust.analytics.profile import WEEKDAY_NAMES, Day, Heatmap
from thrust.analytics.service import History, Mix
from thrust.models import MembershipTier
from thrust.ui.format import count_label

AVERAGE_DAYS = 7  # the visits chart's trailing average
# Below this share of the capacity all day, the capacity line would flatten the day's shape.
CAPACITY_IN_VIEW = 0.4

# Radix colours as plotly needs them (hex, not CSS variables): the accent, the gray and the signals.
# Orange and gray lines stand out 3:1 or more against the card in both modes (WCAG non-text contrast).
ORANGE = "#ef5f00"
ORANGE_SOFT = "rgba(239, 95, 0, 0.4)"
GRAY_LINE = "#8b8d98"
RED = "#e5484d"
TIER_COLOURS = {
    MembershipTier.BASIC: GRAY_LINE,
    MembershipTier.PREMIUM: "#5b5bd6",  # iris, as the tier badge
    MembershipTier.VIP: "#ffc53d",  # amber, as the tier badge
}
TIER_NAMES = {MembershipTier.BASIC: "Basic", MembershipTier.PREMIUM: "Premium", MembershipTier.VIP: "VIP"}
HEAT_SCALE = [[0.0, "rgba(239, 95, 0, 0.06)"], [0.5, "rgba(239, 95, 0, 0.55)"], [1.0, ORANGE]]


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart ready for the page: the figure, its data as CSV, a line that says what it shows."""

    figure: go.Figure
    csv: str
    summary: str
    empty: bool  # nothing recorded yet: the page says so instead of drawing zeros


def _figure(traces: Sequence[go.BaseTraceType], **layout: Any) -> go.Figure:
    """A figure with the shared layout; its template stays empty (the page sets it by colour mode)."""
    base: dict[str, Any] = {
        "template": {},
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "autosize": True,
        "dragmode": False,
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "xanchor": "left", "yanchor": "top"},
        "xaxis": {"fixedrange": True},
        "yaxis": {"fixedrange": True, "rangemode": "tozero"},
    }
    for key, value in layout.items():
        base[key] = {**base[key], **value} if isinstance(base.get(key), dict) else value
    return go.Figure(data=list(traces), layout=base)


def _visit_bars(x: Sequence[Any], y: Sequence[Any], color: str, *, hover: str, **props: Any) -> go.Bar:
    """Bars of visit counts, named "Visits" in the legend; `hover` their tooltip."""
    return go.Bar(x=x, y=y, name="Visits", marker={"color": color}, hovertemplate=hover, **props)


def blank() -> go.Figure:
    """A figure with nothing in it (a chart's value before it loads): no data, no template."""
    return go.Figure(layout={"template": {}})


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text: one header row, then the rows (None as an empty cell, floats as they are)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return out.getvalue()


def hour_labels(starts: Sequence[datetime]) -> list[str]:
    """ "07:00"… for local hour starts; an hour the clock repeats gets its zone abbreviation both times."""
    plain = [start.strftime("%H:%M") for start in starts]
    repeated = {label for label in plain if plain.count(label) > 1}
    return [
        f"{label} {start.tzname()}" if label in repeated else label
        for label, start in zip(plain, starts, strict=True)
    ]


def _people(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".removesuffix(".0")


# -- today over the typical day, with the forecast ----------------------------------------------------


def today_chart(day: Day, forecast: Forecast, now: datetime) -> Chart:
    """Occupancy by hour today (bars), the typical curve of this weekday, the capacity line and the
    forecast for the rest of the day, dashed from the current hour on."""
    labels = hour_labels([hour.span.local for hour in day.hours])
    weekday = WEEKDAY_NAMES[day.day.weekday()]
    expected = {e.span.start: e.people for e in forecast.hours}
    current = next((i for i, h in enumerate(day.hours) if h.span.start <= now < h.span.end), None)
    # The dashed line starts at the current hour's reading, so it continues the bars.
    forecast_y: list[float | None] = [expected.get(hour.span.start) for hour in day.hours]
    if current is not None and expected:
        forecast_y[current] = day.hours[current].average
    traces: list[go.BaseTraceType] = [
        go.Bar(
            x=labels,
            y=[hour.average for hour in day.hours],
            name="Today",
            marker={"color": ORANGE},
            customdata=[[hour.peak, hour.check_ins] for hour in day.hours],
            hovertemplate="%{y:.1f} people on average (peak %{customdata[0]}, %{customdata[1]} check-ins)"
            "<extra>Today</extra>",
        ),
        go.Scatter(
            x=labels,
            y=[hour.typical for hour in day.hours],
            name=f"Typical {weekday}",
            mode="lines",
            line={"color": GRAY_LINE, "width": 2, "shape": "spline"},
            fill="tozeroy",
            fillcolor="rgba(139, 141, 152, 0.12)",
            connectgaps=False,
            hovertemplate="%{y:.1f} people<extra>Typical</extra>",
        ),
    ]
    if expected:
        traces.append(
            go.Scatter(
                x=labels,
                y=forecast_y,
                name="Forecast",
                mode="lines+markers",
                line={"color": ORANGE, "width": 2, "dash": "dash"},
                marker={"size": 5},
                hovertemplate="about %{y:.0f} people<extra>Forecast</extra>",
            )
        )
    # The capacity line at its true height; when the day's crowd stays far below it, the line waits in the
    # legend (a tap shows it, and the axis grows to it) so the hours keep their shape.
    highest = max(
        [h.average or 0 for h in day.hours] + [h.typical or 0 for h in day.hours] + list(expected.values())
    )
    far_below = 0 < highest < day.capacity * CAPACITY_IN_VIEW
    traces.append(
        go.Scatter(
            x=labels,
            y=[day.capacity] * len(labels),
            name=f"Capacity ({day.capacity})" + (", tap to show" if far_below else ""),
            mode="lines",
            line={"color": RED, "width": 1.5, "dash": "dot"},
            hoverinfo="skip",
            visible="legendonly" if far_below else True,
        )
    )
    shapes = []
    if current is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": current,
                "x1": current,
                "y0": 0,
                "y1": 1,
                "line": {"color": GRAY_LINE, "width": 1, "dash": "dot"},
            }
        )
    figure = _figure(
        traces,
        hovermode="x unified",
        barmode="overlay",
        shapes=shapes,
        # Every fourth hour named: six labels fit a phone's width.
        xaxis={"type": "category", "tickangle": 0, "tickmode": "array", "tickvals": labels[::4]},
        yaxis={"title": {"text": "People inside"}},
    )
    rows = [
        [
            hour.span.local.isoformat(),
            _people(hour.average),
            hour.peak,
            hour.check_ins,
            _people(hour.typical),
            _people(expected.get(hour.span.start)),
        ]
        for hour in day.hours
    ]
    csv_text = to_csv(
        [
            "hour_start",
            "average_people",
            "peak_people",
            "check_ins",
            f"typical_{weekday.lower()}",
            "forecast",
        ],
        rows,
    )
    seen = any(h.check_ins or h.average for h in day.hours)
    empty = not seen and all(h.typical is None for h in day.hours) and not expected
    summary = forecast.hint
    if current is not None and day.hours[current].typical is not None:
        typical = day.hours[current].typical
        people = "person" if typical == 1 else "people"
        summary = f"Typical {weekday} at this hour: {_people(typical)} {people}." + (
            f" {forecast.hint}." if forecast.hint else ""
        )
    return Chart(figure, csv_text, summary, empty)


# -- visits per day ---------------------------------------------------------------------------------------


def trailing_average(
    counts: Sequence[int], lead_in: Sequence[int], days: int = AVERAGE_DAYS
) -> list[float | None]:
    """The mean of each day and the `days - 1` before it; `lead_in` holds the days before the first.

    Days before the first one with a visit are not history (the gym had no data yet): they get no
    average and never pull one down."""
    series = [*lead_in, *counts]
    first_visit = next((i for i, count in enumerate(series) if count), len(series))
    out: list[float | None] = []
    for i in range(len(lead_in), len(series)):
        if i < first_visit:
            out.append(None)
            continue
        window = series[max(first_visit, i - days + 1) : i + 1]
        out.append(round(sum(window) / len(window), 2))
    return out


def visits_chart(history: History, lead_in: Sequence[Point]) -> Chart:
    """Check-ins per day of the range (bars) with their 7-day average (a line); days not begun are left
    out of the line. `lead_in`: the days just before the range, for the first days' average."""
    begun = [p for p in history.points if p.average is not None]
    days = [p.span.local.date() for p in begun]
    counts = [p.check_ins for p in begun]
    average = trailing_average(counts, [p.check_ins for p in lead_in if p.average is not None])
    x = [day.isoformat() for day in days]
    figure = _figure(
        [
            _visit_bars(x, counts, ORANGE_SOFT, hover="%{y} visits<extra>%{x|%a %-d %b %Y}</extra>"),
            go.Scatter(
                x=x,
                y=average,
                name=f"{AVERAGE_DAYS}-day average",
                mode="lines",
                line={"color": ORANGE, "width": 2.5, "shape": "spline"},
                hovertemplate="%{y:.1f} a day<extra>7-day average</extra>",
            ),
        ],
        hovermode="x unified",
        bargap=0.15,
        xaxis={"type": "date", "tickformat": "%-d %b"},
        yaxis={"title": {"text": "Visits"}},
    )
    rows = [
        [p.span.local.date().isoformat(), p.check_ins, avg, _people(p.average), p.peak]
        for p, avg in zip(begun, average, strict=True)
    ]
    csv_text = to_csv(["day", "check_ins", "average_7_days", "average_people", "peak_people"], rows)
    total = sum(counts)
    summary = ""
    if begun:
        per_day = total / len(begun)
        summary = f"{count_label(total, 'visit')} in {count_label(len(begun), 'day')}, {per_day:.1f} a day."
    return Chart(figure, csv_text, summary, empty=total == 0)


# -- weekday x hour ---------------------------------------------------------------------------------------


def heatmap_chart(heatmap: Heatmap) -> Chart:
    """Average occupancy per weekday (rows, Monday on top) and hour (columns, the hours anyone was in)."""
    busy_hours = [h for h in range(24) if any((row[h] or 0) > 0 for row in heatmap.cells)]
    hours = list(range(min(busy_hours), max(busy_hours) + 1)) if busy_hours else []
    short = [name[:3] for name in WEEKDAY_NAMES]
    z = [[row[h] for h in hours] for row in heatmap.cells]
    figure = _figure(
        [
            go.Heatmap(
                x=[f"{h:02d}:00" for h in hours],
                y=short,
                z=z,
                colorscale=HEAT_SCALE,
                zmin=0,
                xgap=2,
                ygap=2,
                customdata=[[name] * len(hours) for name in WEEKDAY_NAMES],
                hovertemplate="%{customdata} %{x}: %{z:.1f} people on average<extra></extra>",
                colorbar={"thickness": 10, "outlinewidth": 0, "title": {"text": "People", "side": "right"}},
            )
        ],
        showlegend=False,
        xaxis={"type": "category", "nticks": 8, "showgrid": False, "tickangle": 0},
        yaxis={"autorange": "reversed", "showgrid": False, "rangemode": "normal"},
    )
    rows = [
        [WEEKDAY_NAMES[d], f"{h:02d}:00", _people(heatmap.cells[d][h])] for d in range(7) for h in range(24)
    ]
    csv_text = to_csv(["weekday", "hour", "average_people"], rows)
    summary = f"Average over the last {count_label(heatmap.weeks, 'week')}." if heatmap.weeks else ""
    return Chart(figure, csv_text, summary, empty=not busy_hours)


# -- how visits are made up -------------------------------------------------------------------------------


def lengths_chart(mix: Mix) -> Chart:
    """Finished visits of the range by length: bars across, the shortest at the top (their labels stay
    readable on a phone)."""
    labels = [b.label for b in mix.lengths]
    counts = [b.visits for b in mix.lengths]
    figure = _figure(
        [_visit_bars(counts, labels, ORANGE, hover="%{x} visits<extra>%{y}</extra>", orientation="h")],
        showlegend=False,
        bargap=0.3,
        xaxis={"title": {"text": "Visits"}, "rangemode": "tozero"},
        yaxis={"type": "category", "autorange": "reversed", "rangemode": "normal", "showgrid": False},
    )
    total = sum(counts)
    summary = ""
    if total:
        top = max(mix.lengths, key=lambda b: b.visits)
        summary = f"Most visits last {top.label} ({round(100 * top.visits / total)} %)."
    csv_text = to_csv(["length", "visits"], [[b.label, b.visits] for b in mix.lengths])
    return Chart(figure, csv_text, summary, empty=total == 0)


def tiers_chart(mix: Mix) -> Chart:
    """The visits of the range by the member's tier (a ring)."""
    tiers = list(mix.tiers)
    counts = [mix.tiers[t] for t in tiers]
    total = sum(counts)
    figure = _figure(
        [
            go.Pie(
                labels=[TIER_NAMES[t] for t in tiers],
                values=counts,
                hole=0.6,
                sort=False,
                direction="clockwise",
                marker={"colors": [TIER_COLOURS[t] for t in tiers]},
                texttemplate="%{percent:.0%}",
                insidetextorientation="horizontal",
                textfont={"size": 12},
                hovertemplate="%{label}: %{value} visits (%{percent})<extra></extra>",
            )
        ],
        legend={"y": -0.05},
    )
    summary = " · ".join(
        f"{TIER_NAMES[t]} {round(100 * c / total)} %" for t, c in zip(tiers, counts, strict=True) if total
    )
    csv_text = to_csv(["tier", "visits"], [[t.value, c] for t, c in zip(tiers, counts, strict=True)])
    return Chart(figure, csv_text, summary, empty=total == 0)


def range_label(first: date, last: date) -> str:
    """ "1 Oct – 30 Oct 2026" (the year once when both ends share it)."""
    if first.year == last.year:
        return f"{first:%-d %b} – {last:%-d %b %Y}"
    return f"{first:%-d %b %Y} – {last:%-d %b %Y}"
