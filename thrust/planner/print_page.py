"""A workout plan on paper: the plan's title, member, start and summary, then one printed page per week
(each day a table with a tick box per set), nutrition tips and progression notes at the end.

The print rules (one page per week, the shell hidden, black on white) live with the app's other global
styles in assets/thrust.css, under `@media print`."""

from __future__ import annotations

from typing import Any, cast

import reflex as rx
from reflex.vars.sequence import ArrayVar

from thrust.planner.print_state import PlanPrintState, PrintDay, PrintExercise, PrintWeek
from thrust.ui import routes
from thrust.ui.buttons import page_action
from thrust.ui.cards import empty_card, empty_panel, fact, notice
from thrust.ui.layout import column, row, stacked, toolbar
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text

# Marks what the print rules act on (assets/thrust.css): a week starts a new page; screen-only parts go.
WEEK_CLASS = "thrust-print-week"
DAY_CLASS = "thrust-print-day"
SCREEN_ONLY = "thrust-screen-only"
TICK_CLASS = "thrust-tick"
COLUMNS = ("Exercise", ("Sets", "4rem"), ("Reps", "5rem"), ("Rest", "5rem"), "Notes", ("Done", "9rem"))


def as_var(value: Any) -> ArrayVar:
    """A list field of a dataclass var, read in a page (an array Var at run time; a list to mypy)."""
    return cast(ArrayVar, value)


def _tick() -> rx.Component:
    """An empty box a member ticks with a pen."""
    return rx.el.span(class_name=TICK_CLASS, aria_hidden="true")


def _exercise_row(exercise: PrintExercise) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(exercise.name, weight="medium")),
        rx.table.cell(exercise.sets),
        rx.table.cell(exercise.reps),
        rx.table.cell(exercise.rest),
        rx.table.cell(exercise.notes),
        rx.table.cell(
            row(rx.foreach(exercise.boxes, lambda _n: _tick()), gap="1", wrap="wrap"),
            # What the boxes are, for a screen reader (they are only drawn for the pen).
            rx.el.span(exercise.sets, " tick boxes", class_name="thrust-sr-only"),
        ),
    )


def _day(day: PrintDay) -> rx.Component:
    return rx.box(
        row(
            rx.heading(day.heading, as_="h4", size="3"),
            rx.spacer(),
            muted_text(day.date, size="2"),
            row(muted_text("Done", size="2"), _tick(), gap="1"),
            gap="3",
            width="100%",
        ),
        captioned_table(day.heading, COLUMNS, as_var(day.exercises), _exercise_row, variant="surface"),
        class_name=DAY_CLASS,
        width="100%",
    )


def _week(week: PrintWeek) -> rx.Component:
    return rx.el.section(
        stacked(
            column(
                row(
                    rx.heading(week.heading, as_="h3", size="5"),
                    rx.cond(week.focus != "", rx.text(week.focus, size="4", color="var(--gray-11)")),
                    gap="3",
                    align="baseline",
                    wrap="wrap",
                ),
                rx.cond(week.dates != "", muted_text(week.dates)),
                gap="1",
            ),
            rx.foreach(week.days, _day),
            gap="4",
        ),
        class_name=WEEK_CLASS,
        width="100%",
    )


def _closing() -> rx.Component:
    plan = PlanPrintState.plan
    return rx.el.section(
        stacked(
            rx.cond(
                as_var(plan.tips).length() > 0,
                column(
                    rx.heading("Nutrition tips", as_="h3", size="4"),
                    rx.el.ul(
                        rx.foreach(plan.tips, lambda tip: rx.el.li(rx.text(tip, size="2"))),
                        list_style_type="disc",
                        padding_left="1.25rem",
                        margin="0",
                    ),
                    gap="1",
                ),
            ),
            rx.cond(
                plan.progression != "",
                column(
                    rx.heading("Progression notes", as_="h3", size="4"),
                    rx.text(plan.progression, size="2"),
                    gap="1",
                ),
            ),
            gap="4",
        ),
        class_name="thrust-print-closing",
        width="100%",
    )


def _plan() -> rx.Component:
    plan = PlanPrintState.plan
    return stacked(
        toolbar(
            muted_text("One printed page per week, with a box to tick for each set."),
            rx.spacer(),
            page_action("printer", "Print", on_click=rx.call_script("window.print()"), id="print-plan"),
            class_name=SCREEN_ONLY,
        ),
        column(
            rx.heading(plan.title, as_="h2", size="7", id="print-title"),
            row(
                fact("Member", plan.member_name, id="print-member"),
                fact("Starts", plan.starts, id="print-starts"),
                gap="6",
                align="start",
            ),
            rx.cond(plan.summary != "", rx.text(plan.summary, size="3", max_width="48rem")),
            gap="3",
        ),
        rx.foreach(plan.weeks, _week),
        _closing(),
        gap="6",
        id="plan-print",
    )


def _missing() -> rx.Component:
    return empty_card(
        empty_panel("file-x", "Plan not found", "It does not exist, or it is not one you can see."),
        id="plan-missing",
    )


# Anyone signed in: the planner's service decides which plans each viewer may see.
@page(routes.PLAN_PRINT, "Print plan", needs=SIGNED_IN, on_load=[PlanPrintState.open_print])
def plan_print_page() -> rx.Component:
    return rx.cond(
        ~PlanPrintState.loaded,
        rx.skeleton(rx.box(height="20rem", width="100%")),
        rx.cond(
            PlanPrintState.missing,
            _missing(),
            rx.cond(
                PlanPrintState.error != "",
                notice("triangle-alert", PlanPrintState.error, tone="red", icon_size=None, width="100%"),
                _plan(),
            ),
        ),
    )
