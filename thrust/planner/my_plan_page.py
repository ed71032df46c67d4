"""The member's "My plan" page, phone first (members read it in the gym): where they stand, the week's
days as cards with today's marked, each exercise with its catalog details and inputs for what was done,
a button per day to mark it done, then the trainer's tips and the member's earlier plans."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.planner.capabilities import BUILD_PLANS
from thrust.planner.my_plan_rows import DayCard, EarlierRow, ExerciseRow, WeekTab
from thrust.planner.my_plan_state import MyPlanState
from thrust.ui import routes, styles
from thrust.ui.buttons import page_action, quiet_action
from thrust.ui.cards import empty_card, empty_panel, fact, notice, titled_card, wide_card
from thrust.ui.forms import error_line, loading_rows, text_input
from thrust.ui.layout import column, grid, row, stacked, toolbar
from thrust.ui.lists import list_row, name_lines
from thrust.ui.meter import meter
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import can
from thrust.ui.text import arrow_link, figure, fine_print, muted_text

S = MyPlanState
TAP = "2.75rem"  # the least height of anything tapped (44 px: a thumb in the gym)
# Long exercise names and notes wrap inside a phone's width rather than widen the page.
WRAP = {"overflow_wrap": "anywhere", "min_width": "0"}


# -- where the member stands -----------------------------------------------------------------------------


def _meter_line(title: str, percent: Any, words: Any, meter_id: str) -> rx.Component:
    return stacked(
        row(
            rx.text(title, size="2", weight="medium"),
            rx.spacer(),
            figure(percent.to_string() + "%", size="2"),
            width="100%",
        ),
        meter(f"{percent}%", "var(--accent-9)", label=title, value=percent, id=meter_id),
        fine_print(words, id=f"{meter_id}-words"),
        gap="1",
    )


def _overview() -> rx.Component:
    return wide_card(
        stacked(
            column(
                rx.heading(S.title, size="6", id="my-plan-title", style=WRAP),
                toolbar(
                    muted_text(S.starts, id="my-plan-start"),
                    rx.cond(S.author != "", muted_text("· ", S.author)),
                    gap="1",
                ),
                gap="1",
                width="100%",
            ),
            rx.cond(S.summary != "", rx.text(S.summary, size="2", white_space="pre-line", style=WRAP)),
            rx.cond(
                S.today_line != "",
                row(
                    rx.icon("calendar-days", size=16, color="var(--accent-11)"),
                    rx.text(S.today_line, size="2", weight="medium", id="my-plan-today"),
                    align="start",
                ),
            ),
            grid(
                _meter_line("Plan done", S.percent, S.overall, "my-plan-completion"),
                _meter_line("Adherence", S.adherence, S.adherence_words, "my-plan-adherence"),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="4",
            ),
            gap="4",
        ),
        size="3",
        id="my-plan-overview",
    )


def _week_button(tab: WeekTab) -> rx.Component:
    chosen = S.week == tab.number
    return rx.button(
        column(
            row(
                rx.text(tab.label, size="2", weight="bold"),
                rx.cond(tab.holds_today, rx.icon("calendar-check", size=13, aria_hidden="true")),
                gap="1",
                white_space="nowrap",
            ),
            rx.text(tab.progress, size="1", weight="regular", class_name="thrust-num"),
            gap="0",
            align="center",
        ),
        on_click=S.show_week(tab.number),
        variant=rx.cond(chosen, "solid", "soft"),
        color_scheme=rx.cond(chosen, styles.ACCENT, "gray"),
        aria_pressed=rx.cond(chosen, "true", "false"),
        aria_label=tab.label + ", " + tab.progress + rx.cond(tab.holds_today, ", this week", ""),
        height="auto",
        min_height="3.25rem",
        padding_y="0.4rem",
        padding_x="0.25rem",  # four across a phone: the label keeps to one line
        width="100%",
    )


def _week_switcher() -> rx.Component:
    return rx.el.nav(
        grid(
            rx.foreach(S.weeks, _week_button),
            columns=rx.breakpoints(initial="4"),
            gap="2",
            style={"grid-template-columns": "repeat(auto-fit, minmax(0, 1fr))"},
        ),
        aria_label="Weeks of the plan",
        width="100%",
        id="my-plan-weeks",
    )


# -- a day and its exercises ----------------------------------------------------------------------------


def _number_input(label: str, control_id: Any, name: Any, value: Any, error: Any, mode: str) -> rx.Component:
    """A labelled input of one logged number, its message under it (ids from the row: inside a foreach)."""
    return stacked(
        rx.el.label(
            label, html_for=control_id, style={"font_size": "var(--font-size-1)", "font_weight": "500"}
        ),
        text_input(
            name=name,
            control_id=control_id,
            error=error,
            default_value=value,
            input_mode=mode,
            auto_complete="off",
            height=TAP,
        ),
        error_line(error, control_id=control_id),
        gap="1",
        min_width="0",
    )


def _details(ex: ExerciseRow) -> rx.Component:
    """The catalog's word on the exercise, one tap away (kept closed: the list stays short on a phone)."""
    return rx.el.details(
        rx.el.summary(
            "How to do it",
            style={
                "cursor": "pointer",
                "min_height": TAP,
                "display": "flex",
                "align_items": "center",
                "color": "var(--accent-11)",
                "font_size": "var(--font-size-2)",
            },
        ),
        stacked(
            grid(
                fact("Level", ex.level),
                fact("Equipment", ex.equipment),
                columns=rx.breakpoints(initial="2"),
                gap="3",
            ),
            fact("Muscles", ex.muscles, style=WRAP),
            rx.cond(
                ex.instructions != "",
                rx.text(ex.instructions, size="2", white_space="pre-line", style=WRAP),
                fine_print("Ask your trainer to show you this one."),
            ),
            gap="2",
            padding_bottom="0.5rem",
        ),
        width="100%",
    )


def _exercise(ex: ExerciseRow) -> rx.Component:
    return stacked(
        rx.text(ex.name, size="3", weight="bold", style=WRAP),
        toolbar(
            rx.badge(ex.prescription, variant="soft", size="2", class_name="thrust-num"),
            muted_text(ex.rest),
            gap="2",
        ),
        rx.cond(ex.notes != "", muted_text(ex.notes, white_space="pre-line", style=WRAP)),
        rx.cond(ex.has_details, _details(ex)),
        rx.cond(
            S.can_log,
            grid(
                _number_input("Sets done", ex.sets_id, ex.sets_name, ex.sets_value, ex.sets_error, "numeric"),
                _number_input("Reps done", ex.reps_id, ex.reps_name, ex.reps_value, ex.reps_error, "numeric"),
                _number_input("Load (kg)", ex.load_id, ex.load_name, ex.load_value, ex.load_error, "decimal"),
                columns=rx.breakpoints(initial="3"),
                gap="2",
                style={"grid-template-columns": "repeat(3, minmax(0, 1fr))"},
            ),
            rx.cond(ex.logged != "", rx.text(ex.logged, size="2", weight="medium")),
        ),
        gap="1",
        padding_y="0.75rem",
        border_top=styles.BORDER,
        class_name="my-plan-exercise",
    )


def _day_actions(card: DayCard) -> rx.Component:
    return rx.cond(
        S.can_log,
        toolbar(
            page_action(
                rx.cond(card.done, "save", "circle-check"),
                rx.cond(card.done, "Save changes", "Mark day done"),
                type="submit",
                size="3",
                min_height=TAP,
            ),
            rx.cond(
                card.done,
                quiet_action(
                    "undo-2",
                    "Undo done",
                    on_click=S.undo_day(card.week, card.day),
                    type="button",
                    size="3",
                    min_height=TAP,
                ),
            ),
            gap="3",
        ),
    )


def _day(card: DayCard) -> rx.Component:
    heading_id = "day-" + card.key + "-title"
    return wide_card(
        rx.form(
            stacked(
                row(
                    column(
                        rx.heading(card.title, size="4", id=heading_id, style=WRAP),
                        rx.cond(card.date != "", muted_text(card.date)),
                        gap="0",
                        min_width="0",
                    ),
                    rx.spacer(),
                    rx.cond(card.is_today, rx.badge("Today", variant="solid", size="2")),
                    rx.cond(
                        card.done,
                        rx.badge(
                            rx.icon("check", size=14), "Done", color_scheme="green", variant="soft", size="2"
                        ),
                    ),
                    align="start",
                    width="100%",
                    wrap="wrap",
                ),
                rx.cond(card.done_note != "", fine_print(card.done_note)),
                rx.box(rx.foreach(card.exercises, _exercise), width="100%"),
                rx.el.input(type="hidden", name="week", default_value=card.week.to_string()),
                rx.el.input(type="hidden", name="day", default_value=card.day.to_string()),
                error_line(card.error),
                rx.box(
                    rx.cond(
                        card.saved_note != "",
                        row(
                            rx.icon("circle-check", size=16, color="var(--green-11)"),
                            rx.text(card.saved_note, size="2"),
                        ),
                    ),
                    role="status",
                    width="100%",
                ),
                _day_actions(card),
                gap="2",
            ),
            on_submit=S.save_day,
            reset_on_submit=False,
            no_validate=True,
            key=card.form_key,
            width="100%",
        ),
        size="2",
        id="day-" + card.key,
        class_name=rx.cond(card.is_today, "my-plan-day my-plan-today", "my-plan-day"),
        aria_labelledby=heading_id,
        role="region",
        custom_attrs={"aria-current": rx.cond(card.is_today, "date", "false")},
        # Today's card stands out: the accent's ring, not only a badge.
        box_shadow=rx.cond(card.is_today, "0 0 0 2px var(--accent-9)", "none"),
        key=card.key,
    )


# -- tips, earlier plans, the page -------------------------------------------------------------------------


def _tips() -> rx.Component:
    return rx.cond(
        (S.nutrition_tips.length() > 0) | (S.progression_notes != ""),
        grid(
            rx.cond(
                S.nutrition_tips.length() > 0,
                titled_card(
                    "apple",
                    "Nutrition tips",
                    rx.el.ul(
                        rx.foreach(
                            S.nutrition_tips, lambda tip: rx.el.li(rx.text(tip, size="2", style=WRAP))
                        ),
                        style={"padding_left": "1.25rem", "margin": "0", "display": "grid", "gap": "0.4rem"},
                    ),
                    id="my-plan-tips",
                ),
            ),
            rx.cond(
                S.progression_notes != "",
                titled_card(
                    "trending-up",
                    "How to progress",
                    rx.text(S.progression_notes, size="2", white_space="pre-line", style=WRAP),
                    id="my-plan-progression",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="3",
        ),
    )


def _earlier_row(plan: EarlierRow) -> rx.Component:
    return list_row(
        name_lines(plan.title, fine_print(plan.dates), fine_print(plan.completion), flex="1"),
        quiet_action("eye", "Open", on_click=S.open_plan(plan.id), size="3", aria_label="Open " + plan.title),
        key=plan.id,
    )


def _earlier() -> rx.Component:
    return rx.cond(
        S.earlier.length() > 0,
        titled_card(
            "history",
            "Earlier plans",
            rx.box(rx.foreach(S.earlier, _earlier_row), width="100%"),
            id="my-plan-earlier",
        ),
    )


def _read_only_note() -> rx.Component:
    return rx.cond(
        ~S.current,
        notice(
            "history",
            "An earlier plan: read-only. ",
            rx.button("Back to my current plan", on_click=S.open_plan(""), variant="soft", size="3"),
            tone="gray",
            variant="surface",
            width="100%",
            id="my-plan-read-only",
        ),
    )


def _plan() -> rx.Component:
    return stacked(
        _read_only_note(),
        _overview(),
        _week_switcher(),
        rx.cond(S.week_focus != "", muted_text("Focus: ", S.week_focus, id="my-plan-focus")),
        stacked(rx.foreach(S.days, _day), gap="3", id="my-plan-days"),
        _tips(),
        _earlier(),
        gap="4",
    )


def _no_plan() -> rx.Component:
    return stacked(
        empty_card(
            empty_panel(
                "clipboard-list",
                "No plan yet",
                "Your trainer has not built a plan for you yet. When they have, it shows here: "
                "what to do each day, and a button to tick off each day you trained.",
                id="my-plan-empty",
            ),
        ),
        _earlier(),
    )


def _for_staff() -> rx.Component:
    return wide_card(
        stacked(
            row(
                rx.icon("info", size=18, color=styles.MUTED), rx.text("Plans here are for members.", size="3")
            ),
            muted_text(
                "Each member sees their own plan on this page. You build and follow your members' plans "
                "on the planner."
            ),
            arrow_link("Open the planner", routes.PLANNER, id="my-plan-planner-link"),
            gap="2",
        ),
        size="3",
        id="my-plan-staff",
    )


@page(
    routes.MY_PLAN,
    "My plan",
    needs=SIGNED_IN,
    on_load=[S.load_my_plan],
    nav=Nav(2, "clipboard-list", unless=BUILD_PLANS),
)
def my_plan_page() -> rx.Component:
    return rx.box(
        rx.cond(
            can(*BUILD_PLANS),
            _for_staff(),
            rx.cond(~S.loaded, loading_rows(4), rx.cond(S.has_plan, _plan(), _no_plan())),
        ),
        width="100%",
        max_width="56rem",
        margin_x="auto",
        id="my-plan",
    )
