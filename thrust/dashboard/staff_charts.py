"""The staff dashboard's charts: today over the typical day with the forecast, visits per day with its range,
the weekday x hour heatmap with the busiest and quietest hours in words, visit lengths and the tier mix."""

from __future__ import annotations

import reflex as rx

from thrust.dashboard.state import PERIODS, StaffChartsState
from thrust.ui.charts import chart_card
from thrust.ui.forms import checked_form, submit_button, text_field
from thrust.ui.layout import column, grid, header_bar, stacked
from thrust.ui.text import fine_print, icon_line, section_heading

C = StaffChartsState
NO_VISITS_YET = "No visits recorded yet. This chart fills in as members check in."


def _chart(chart_id: str, icon: str, title: str, name: str, empty_text: str, **props: object) -> rx.Component:
    return chart_card(
        f"{chart_id}-chart",
        icon,
        title,
        getattr(C, f"{name}_fig"),
        summary=C.summaries.get(name, "").to(str),
        empty=C.empty.get(name, False).to(bool),
        loaded=C.loaded,
        empty_text=empty_text,
        on_download=C.download_csv(name),
        **props,  # height, controls, aside: chart_card's keywords
    )


def today_chart() -> rx.Component:
    return _chart(
        "today",
        "activity",
        "Today, hour by hour",
        "today",
        "No visits recorded yet: today's hours and the typical curve appear once members check in.",
        height="20rem",
    )


def _date_field(label: str, name: str) -> rx.Component:
    return rx.box(
        text_field(
            label,
            name,
            control_id=f"visits-{name}",
            errors=C.range_errors,
            type="date",
            default_value=getattr(C, f"range_{name}"),
        ),
        # A phone's date input needs the card's width (its calendar button would be cut off).
        width=rx.breakpoints(initial="100%", sm="11rem"),
    )


def _range_picker() -> rx.Component:
    """30 / 90 / 365 days, or two dates; a bad range gets the service's message under its field."""
    periods = rx.segmented_control.root(
        *[rx.segmented_control.item(f"{days} days", value=days) for days in PERIODS],
        value=C.period,
        on_change=C.choose_period,
        size="2",
        aria_label="Period",
    )
    show = submit_button("Show", "calendar-search", variant="soft", loading=C.range_busy, margin_top="1.5rem")
    dates = checked_form(
        rx.flex(
            _date_field("From", "from"), _date_field("To", "to"), show, align="start", gap="2", wrap="wrap"
        ),
        on_submit=C.apply_range,
        # New values from the server re-mount the uncontrolled date inputs.
        key=C.range_from + C.range_to,
        form_id="visits-range",
        width=rx.breakpoints(initial="100%", md="auto"),
    )
    return header_bar(
        column(periods, rx.text(C.range_label, size="2", weight="medium", id="visits-range-label")),
        dates,
        justify="between",
        align=rx.breakpoints(initial="start", md="end"),
        gap="4",
    )


def visits_chart() -> rx.Component:
    return _chart(
        "visits",
        "chart-column",
        "Visits per day",
        "visits",
        "No visits in this period yet.",
        height="18rem",
        controls=(_range_picker(),),
    )


def _hours_in_words(title: str, icon: str, hours: rx.Var[list[str]], list_id: str) -> rx.Component:
    return column(
        icon_line(
            icon,
            rx.text(title, size="2", weight="bold"),
            icon_color="var(--accent-11)",
            align="start",
            gap="3",
        ),
        rx.el.ol(
            rx.foreach(hours, lambda hour: rx.el.li(rx.text(hour, size="2"))),
            id=list_id,
            style={"padding_left": "1.25rem", "margin": "0", "list_style": "decimal"},
        ),
        gap="1",
        align="start",
        min_width="10rem",
    )


def heatmap_chart() -> rx.Component:
    words = rx.cond(
        C.busiest.length() > 0,
        rx.flex(
            _hours_in_words("Busiest hours", "flame", C.busiest, "busiest-hours"),
            _hours_in_words("Quietest hours", "moon", C.quietest, "quietest-hours"),
            gap="5",
            wrap="wrap",
            width="100%",
        ),
    )
    return _chart(
        "heatmap",
        "grid-3x3",
        "Busy hours by weekday",
        "heatmap",
        "No visits recorded yet: the heatmap shows the average crowd per weekday and hour once there "
        "are some.",
        height="17rem",
        aside=(words,),
    )


def _period_note(what: str) -> rx.Component:
    return fine_print(what, C.range_label)


def _mix_chart(name: str, icon: str, title: str, counted: str) -> rx.Component:
    """How the period's visits are made up (by length, by tier); `counted` says which visits, before
    the period ("Finished visits, ")."""
    return _chart(name, icon, title, name, NO_VISITS_YET, height="15rem", controls=(_period_note(counted),))


def lengths_chart() -> rx.Component:
    return _mix_chart("lengths", "timer", "How long visits last", "Finished visits, ")


def tiers_chart() -> rx.Component:
    return _mix_chart("tiers", "chart-pie", "Visits by tier", "Visits, ")


def staff_charts() -> rx.Component:
    """The charts, in the order an owner reads them: today, the trend, the week's rhythm, the visits."""
    return stacked(
        section_heading("The whole gym", "Occupancy and visits of everyone, in the gym's time zone"),
        today_chart(),
        visits_chart(),
        grid(lengths_chart(), tiers_chart(), columns=rx.breakpoints(initial="1", md="2")),
        heatmap_chart(),
        id="dashboard-charts",
        custom_attrs={"data-loaded": C.loaded.to_string()},
    )
