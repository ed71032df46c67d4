"""The dashboard's charts drawn from hand-made service results: what each figure plots, its CSV, its line
in words, its empty state, and hours labelled as the gym's wall clock shows them (clock changes too)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import plotly.io as pio
import pytest

from thrust.analytics.buckets import BucketSize, Span, spans
from thrust.analytics.distribution import Bin
from thrust.analytics.forecast import Expected, Forecast
from thrust.analytics.occupancy import Point
from thrust.analytics.profile import Day, Heatmap, HourOfDay
from thrust.analytics.service import History, Mix
from thrust.dashboard import charts
from thrust.models import MembershipTier
from thrust.ui.charts import theme

MADRID = ZoneInfo("Europe/Madrid")
UTC_ZONE = ZoneInfo("UTC")


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def hours_of(zone: ZoneInfo, day: date) -> list[Span]:
    return spans(zone, day, day, BucketSize.HOUR)


def a_day(zone: ZoneInfo, day: date, now: datetime, typical: float | None = 4.0) -> Day:
    """A day whose begun hours had 2 people on average (peak 3, 5 check-ins), the rest not begun."""
    hours = [
        HourOfDay(span, 2.0, 3, 5, typical) if span.start < now else HourOfDay(span, None, None, 0, typical)
        for span in hours_of(zone, day)
    ]
    return Day(day, 40, hours)


def trace(figure, name: str):
    return next(t for t in figure.data if t.name == name)


# -- today -------------------------------------------------------------------------------------------------


def test_today_draws_the_day_over_its_typical_curve_the_capacity_and_a_dashed_forecast() -> None:
    now = datetime(2026, 11, 18, 14, 20, tzinfo=UTC)  # Wednesday 14:20 (the gym keeps UTC)
    day = a_day(UTC_ZONE, now.date(), now)
    later = [span for span in hours_of(UTC_ZONE, now.date()) if span.start > now]
    forecast = Forecast(2, 40, [Expected(span, 1.5) for span in later], "Quieter after 15:00", 1.0)

    chart = charts.today_chart(day, forecast, now)

    assert not chart.empty
    today = trace(chart.figure, "Today")
    assert list(today.x)[:3] == ["00:00", "01:00", "02:00"] and len(today.x) == 24
    assert list(chart.figure.layout.xaxis.tickvals) == ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"]
    assert list(today.y)[14] == 2.0 and list(today.y)[15] is None  # 15:00 has not begun
    assert set(trace(chart.figure, "Typical Wednesday").y) == {4.0}
    # A crowd far below the capacity keeps the line in the legend, where a tap shows it.
    capacity = trace(chart.figure, "Capacity (40), tap to show")
    assert set(capacity.y) == {40} and capacity.visible == "legendonly"
    dashed = trace(chart.figure, "Forecast")
    assert dashed.line.dash == "dash"
    # Nothing before the current hour; from it the line continues the bars, then the forecast.
    assert list(dashed.y)[:14] == [None] * 14 and list(dashed.y)[14:16] == [2.0, 1.5]
    assert chart.figure.layout.shapes[0].x0 == 14  # "now", on the current hour
    assert chart.summary == "Typical Wednesday at this hour: 4 people. Quieter after 15:00."

    table = rows(chart.csv)
    assert table[0] == [
        "hour_start",
        "average_people",
        "peak_people",
        "check_ins",
        "typical_wednesday",
        "forecast",
    ]
    assert table[15] == ["2026-11-18T14:00:00+00:00", "2", "3", "5", "4", ""]
    assert table[16] == ["2026-11-18T15:00:00+00:00", "", "", "0", "4", "1.5"]
    assert len(table) == 25


def test_a_day_with_a_clock_change_has_25_or_23_hours_each_labelled_as_the_wall_clock_shows_it() -> None:
    autumn = date(2026, 10, 25)  # Madrid: 03:00 CEST becomes 02:00 CET
    now = datetime(2026, 10, 25, 23, tzinfo=UTC)
    quiet = Forecast(0, 40, [], "", 1.0)
    labels = list(trace(charts.today_chart(a_day(MADRID, autumn, now), quiet, now).figure, "Today").x)
    assert len(labels) == 25 and len(set(labels)) == 25
    assert labels[1:5] == ["01:00", "02:00 CEST", "02:00 CET", "03:00"]

    spring = date(2026, 3, 29)  # 02:00 CET becomes 03:00 CEST: there is no 02:00
    now = datetime(2026, 3, 29, 23, tzinfo=UTC)
    labels = list(trace(charts.today_chart(a_day(MADRID, spring, now), quiet, now).figure, "Today").x)
    assert len(labels) == 23 and labels[1:3] == ["01:00", "03:00"]


def test_a_gym_without_visits_gets_an_empty_today_chart() -> None:
    now = datetime(2026, 11, 18, 9, tzinfo=UTC)
    day = Day(
        now.date(),
        40,
        [HourOfDay(s, 0.0 if s.start < now else None, 0, 0, None) for s in hours_of(UTC_ZONE, now.date())],
    )
    chart = charts.today_chart(day, Forecast(0, 40, [], "", 1.0), now)
    assert chart.empty and chart.summary == ""
    assert "Forecast" not in {t.name for t in chart.figure.data}  # no forecast without history


# -- visits per day ------------------------------------------------------------------------------------------


def day_points(first: date, counts: list[int | None]) -> list[Point]:
    """Days from `first`; None for a day that has not begun."""
    out = []
    for i, count in enumerate(counts):
        span = spans(UTC_ZONE, first + timedelta(days=i), first + timedelta(days=i), BucketSize.DAY)[0]
        out.append(Point(span, count or 0, None if count is None else 1.5, None if count is None else 4))
    return out


def test_visits_per_day_with_a_trailing_7_day_average_that_reads_the_days_before() -> None:
    first = date(2026, 11, 1)
    lead_in = day_points(first - timedelta(days=6), [7] * 6)
    points = day_points(first, [14, 0, 7, None])  # the last day has not begun
    history = History(first, first + timedelta(days=3), BucketSize.DAY, "UTC", points)

    chart = charts.visits_chart(history, lead_in)

    bars = trace(chart.figure, "Visits")
    assert list(bars.x) == ["2026-11-01", "2026-11-02", "2026-11-03"] and list(bars.y) == [14, 0, 7]
    assert list(trace(chart.figure, "7-day average").y) == [8.0, 7.0, 7.0]  # (6*7+14)/7, (5*7+14)/7, ...
    assert chart.summary == "21 visits in 3 days, 7.0 a day."
    assert rows(chart.csv)[1] == ["2026-11-01", "14", "8.0", "1.5", "4"]
    assert not chart.empty


def test_the_trailing_average_of_the_first_days_ever_counts_only_the_days_there_are() -> None:
    assert charts.trailing_average([7, 14], []) == [7.0, 10.5]
    assert charts.trailing_average([0] * 8, [70] * 6) == [60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 0.0, 0.0]
    # The days before the first visit ever shown are not history: no average, and none pulled down.
    assert charts.trailing_average([0, 7, 14], [0, 0]) == [None, 7.0, 10.5]


def test_a_period_without_visits_is_empty() -> None:
    first = date(2026, 11, 1)
    history = History(first, first + timedelta(days=2), BucketSize.DAY, "UTC", day_points(first, [0, 0, 0]))
    assert charts.visits_chart(history, []).empty


# -- weekday x hour ------------------------------------------------------------------------------------------


def test_the_heatmap_shows_the_hours_anyone_was_in_monday_on_top() -> None:
    cells: list[list[float | None]] = [[0.0] * 24 for _ in range(7)]
    cells[0][7], cells[4][18], cells[6][20] = 3.0, 12.5, 1.0
    chart = charts.heatmap_chart(Heatmap(8, cells, ["Friday 18:00"], ["Sunday 20:00"]))
    heat = chart.figure.data[0]
    assert list(heat.x) == [f"{h:02d}:00" for h in range(7, 21)]  # 07:00 to 20:00
    assert list(heat.y) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert chart.figure.layout.yaxis.autorange == "reversed"
    assert heat.z[4][18 - 7] == 12.5
    assert chart.summary == "Average over the last 8 weeks."
    table = rows(chart.csv)
    assert len(table) == 1 + 7 * 24 and ["Friday", "18:00", "12.5"] in table
    assert not chart.empty


def test_a_heatmap_without_visits_is_empty() -> None:
    assert charts.heatmap_chart(Heatmap(0, [[None] * 24 for _ in range(7)], [], [])).empty
    assert charts.heatmap_chart(Heatmap(3, [[0.0] * 24 for _ in range(7)], [], [])).empty


# -- visit lengths and tiers ---------------------------------------------------------------------------------


def a_mix(lengths: list[int], tiers: list[int]) -> Mix:
    labels = ["under 30 min", "30-45 min", "45-60 min", "60-75 min", "75-90 min", "90-120 min", "2 h or more"]
    return Mix(
        date(2026, 10, 20),
        date(2026, 11, 18),
        [Bin(label, count) for label, count in zip(labels, lengths, strict=True)],
        dict(zip(MembershipTier, tiers, strict=True)),
    )


def test_visit_lengths_and_the_tier_mix_say_what_stands_out() -> None:
    mix = a_mix([1, 2, 5, 2, 0, 0, 0], [50, 30, 20])
    lengths = charts.lengths_chart(mix)
    assert list(lengths.figure.data[0].x) == [1, 2, 5, 2, 0, 0, 0]
    assert (
        lengths.figure.data[0].y[0] == "under 30 min" and lengths.figure.layout.yaxis.autorange == "reversed"
    )
    assert lengths.summary == "Most visits last 45-60 min (50 %)."
    assert rows(lengths.csv)[3] == ["45-60 min", "5"]

    tiers = charts.tiers_chart(mix)
    ring = tiers.figure.data[0]
    assert list(ring.labels) == ["Basic", "Premium", "VIP"] and list(ring.values) == [50, 30, 20]
    assert tiers.summary == "Basic 50 % · Premium 30 % · VIP 20 %"
    assert rows(tiers.csv) == [["tier", "visits"], ["BASIC", "50"], ["PREMIUM", "30"], ["VIP", "20"]]


def test_no_visits_no_mix() -> None:
    mix = a_mix([0] * 7, [0, 0, 0])
    assert charts.lengths_chart(mix).empty and charts.lengths_chart(mix).summary == ""
    assert charts.tiers_chart(mix).empty and charts.tiers_chart(mix).summary == ""


# -- look ----------------------------------------------------------------------------------------------------


def test_figures_leave_their_look_to_the_page_which_follows_the_colour_mode() -> None:
    now = datetime(2026, 11, 18, 14, 20, tzinfo=UTC)
    figure = charts.today_chart(a_day(UTC_ZONE, now.date(), now), Forecast(2, 40, [], "", 1.0), now).figure
    sent = pio.to_json(figure)
    assert "layout" not in json.loads(sent)["layout"]["template"]  # plotly's default look stays out
    assert len(sent) < 12_000
    light, dark = theme(dark=False), theme(dark=True)
    assert (
        light.layout.paper_bgcolor == dark.layout.paper_bgcolor == "rgba(0,0,0,0)"
    )  # the card shows through
    assert light.layout.font.color != dark.layout.font.color


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (date(2026, 10, 1), date(2026, 10, 30), "1 Oct – 30 Oct 2026"),
        (date(2025, 12, 1), date(2026, 1, 5), "1 Dec 2025 – 5 Jan 2026"),
    ],
)
def test_range_labels(first: date, last: date, label: str) -> None:
    assert charts.range_label(first, last) == label


def test_the_capacity_line_is_drawn_when_the_day_comes_near_it() -> None:
    now = datetime(2026, 11, 18, 14, 20, tzinfo=UTC)
    day = a_day(UTC_ZONE, now.date(), now, typical=18.0)  # 18 of 40: near enough
    chart = charts.today_chart(day, Forecast(2, 40, [], "", 1.0), now)
    capacity = trace(chart.figure, "Capacity (40)")
    assert capacity.visible is True and capacity.line.dash == "dot"


def test_a_blank_chart_is_small() -> None:
    """Every client receives the charts' values when it connects, before any chart loads."""
    assert len(pio.to_json(charts.blank())) < 100
