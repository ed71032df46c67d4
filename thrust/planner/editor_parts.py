"""The planner's editor, piece by piece: the plan's header (title, start, active, save state), the week bar,
a day's card and an exercise's row with its inputs and their messages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.planner.editor_state import PlannerState as S
from thrust.planner.editor_view import DayCard, ExerciseRow, WeekTab
from thrust.planner.picker_state import PickerState
from thrust.planner.plan_actions import PlanActionsState as A
from thrust.ui import routes, styles
from thrust.ui.buttons import action_button, quiet_action, quiet_button
from thrust.ui.cards import notice, titled_card, wide_card
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.drag import drag_box, drop_zone
from thrust.ui.forms import error_line, labelled_switch
from thrust.ui.layout import column, row, stacked, toolbar
from thrust.ui.meter import meter
from thrust.ui.text import fine_print, muted_text

DAY_NUMBERS = [str(n) for n in range(1, 8)]
DEBOUNCE_MS = 400  # a pause in typing sends the field: each change is checked at once


def _invalid(error: Any) -> dict[str, Any]:
    return {"aria-invalid": rx.cond(error != "", "true", "false")}


def _live(value: Any, on_change: Any, label: Any) -> dict[str, Any]:
    """What ties a control to the plan: its value from state, sent back once typing pauses, and
    `label`, its name for screen readers (the caption above it is not a <label>)."""
    return {"value": value, "on_change": on_change, "debounce_timeout": DEBOUNCE_MS, "aria_label": label}


def _input(value: Any, on_change: Any, label: Any, error: Any = "", **props: Any) -> rx.Component:
    return rx.input(
        **_live(value, on_change, label),
        custom_attrs=_invalid(error),
        color_scheme=rx.cond(error != "", "red", "gray"),
        variant=rx.cond(error != "", "soft", "surface"),
        **props,
    )


def _whole_number_input(value: Any, on_change: Any, label: Any, error: Any, width: str) -> rx.Component:
    """An `_input` for a count (sets, seconds of rest): a phone shows its number keyboard."""
    return _input(value, on_change, label, error, width=width, input_mode="numeric")


def _labelled(caption: str, control: rx.Component, **props: Any) -> rx.Component:
    return column(fine_print(caption), control, gap="1", **props)


def _wide_field(label: str, value: Any, on_change: Any, error: Any, **props: Any) -> rx.Component:
    """A labelled text field that takes the row's free width (the plan's title, a week's focus)."""
    return _labelled(
        label, _input(value, on_change, label, error, **props, width="100%"), flex="1", min_width="14rem"
    )


def _date_field(label: str, value: Any, on_change: Any, **props: Any) -> rx.Component:
    """A labelled date picker, named by its label for screen readers; sent as soon as it changes."""
    return _labelled(
        label, rx.input(type="date", value=value, on_change=on_change, aria_label=label, **props)
    )


# -- the header ----------------------------------------------------------------------------------------


def _save_state() -> rx.Component:
    return row(
        rx.cond(
            S.dirty,
            rx.icon("circle-dot", size=16, color="var(--amber-10)"),
            rx.icon("circle-check", size=16, color="var(--green-10)"),
        ),
        rx.text(S.status, size="2", id="plan-save-state", role="status"),
        rx.cond(
            S.problem_count > 0,
            rx.badge(S.problem_count.to_string() + " to fix", color_scheme="red", id="plan-problems"),
        ),
        gap="2",
    )


def _conflict() -> rx.Component:
    return rx.cond(
        S.conflict != "",
        notice(
            "triangle-alert",
            S.conflict,
            quiet_action(
                "refresh-cw", "Load their version", on_click=A.reload_latest, id="plan-reload", size="2"
            ),
            tone="red",
            icon_size=None,
            role="alert",
            id="plan-conflict",
        ),
    )


def _delete() -> rx.Component:
    return rx.cond(
        S.may_delete,
        confirm_dialog(
            "Delete this plan?",
            "The plan and every day the member marked done in it are deleted. This cannot be undone.",
            rx.alert_dialog.action(
                rx.button("Delete plan", color_scheme="red", on_click=A.delete_plan, id="plan-delete-confirm")
            ),
            trigger=action_button(
                "trash-2", "Delete", variant="soft", color_scheme="red", id="plan-delete", size="2"
            ),
        ),
    )


def plan_header() -> rx.Component:
    return wide_card(
        stacked(
            toolbar(
                _wide_field("Plan title", S.title, S.set_title, S.title_error, size="3", id="plan-title"),
                _date_field("Starts on", S.starts_on, S.set_starts_on, id="plan-starts", size="3"),
                align="start",
                gap="4",
            ),
            error_line(S.title_error, id="plan-title-error"),
            error_line(S.starts_on_error),
            _conflict(),
            rx.cond(
                S.awaiting_approval,
                notice(
                    "eye-off",
                    "Waiting for approval: the member does not see this plan yet.",
                    action_button("check", "Approve", on_click=A.approve, id="plan-approve", size="2"),
                    tone="amber",
                    icon_size=None,
                    id="plan-awaiting",
                ),
            ),
            rx.cond(
                S.origin != "",
                notice("sparkles", S.origin, tone="blue", icon_size=None, id="plan-origin"),
            ),
            toolbar(
                _save_state(),
                rx.spacer(),
                labelled_switch(
                    rx.text("Member's active plan", size="2"),
                    checked=rx.cond(S.plan_id != "", S.is_active, S.make_active),
                    on_change=A.set_active,
                    id="plan-active",
                ),
                rx.cond(
                    S.dirty,
                    quiet_button("Discard changes", on_click=A.discard_changes, id="plan-discard", size="2"),
                ),
                action_button(
                    "save",
                    "Save plan",
                    on_click=A.save,
                    loading=S.saving,
                    disabled=~S.dirty,
                    id="plan-save",
                    size="2",
                ),
            ),
            rx.cond(
                S.progress_label != "",
                stacked(
                    meter(
                        S.progress_percent.to_string() + "%",
                        "var(--green-9)",
                        label="Days done",
                        value=S.progress_percent,
                    ),
                    fine_print(S.progress_label, id="plan-progress"),
                    gap="1",
                ),
            ),
            toolbar(
                rx.cond(
                    S.plan_id != "",
                    rx.button(
                        rx.link(
                            rx.icon("printer", size=14),
                            "Print",
                            href=routes.PLANNER + "/print/" + S.plan_id,
                            id="plan-print",
                        ),
                        as_child=True,
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                    ),
                ),
                quiet_action(
                    "copy", "Save as template", on_click=A.save_as_template, id="plan-save-template", size="2"
                ),
                _delete(),
            ),
            gap="3",
        ),
    )


# -- weeks ---------------------------------------------------------------------------------------------


def _week_tab(tab: WeekTab) -> rx.Component:
    return rx.tabs.trigger(
        row(
            rx.text(tab.label),
            rx.cond(tab.note != "", rx.badge(tab.note, color_scheme="green", variant="soft", size="1")),
            rx.cond(
                tab.has_problem,
                rx.icon("circle-alert", size=14, color="var(--red-10)", aria_label="needs fixing"),
            ),
            gap="1",
        ),
        value=tab.value,
    )


def _week_tools() -> rx.Component:
    return stacked(
        toolbar(
            _wide_field("This week's focus", S.week_focus, S.set_focus, S.focus_error, id="plan-focus"),
            toolbar(
                quiet_action(
                    "copy-plus",
                    "Copy to next week",
                    on_click=S.copy_week_forward,
                    id="plan-copy-week",
                    size="2",
                ),
                quiet_action("plus", "Add week", on_click=S.add_week, id="plan-add-week", size="2"),
                rx.cond(
                    S.week_count > 1,
                    quiet_action(
                        "minus",
                        "Remove last week",
                        on_click=S.remove_last_week,
                        id="plan-remove-week",
                        size="2",
                    ),
                ),
            ),
            align="end",
        ),
        error_line(S.focus_error),
        gap="3",
    )


def weeks_editor() -> rx.Component:
    """The week tabs; under them the shown week: its focus, its tools and its days."""
    return rx.tabs.root(
        rx.tabs.list(rx.foreach(S.weeks, _week_tab), id="plan-weeks", wrap="wrap"),
        rx.tabs.content(
            stacked(_week_tools(), day_list(), gap="3", padding_top="0.75rem"),
            value=S.week.to_string(),
        ),
        value=S.week.to_string(),
        on_change=S.show_week,
        width="100%",
    )


# -- a day and its exercises ---------------------------------------------------------------------------


def _tool(icon: str, label: Any, on_click: Any, **props: Any) -> rx.Component:
    return rx.icon_button(
        rx.icon(icon, size=15), on_click=on_click, variant="ghost", aria_label=label, **props
    )


def _exercise_row(item: ExerciseRow, e: Any, d: Any) -> rx.Component:
    def change(field: str) -> Any:
        return lambda value: S.set_exercise_field(d, e, field, value)

    name = item.name
    return drag_box(
        row(
            rx.icon("grip-vertical", size=16, color="var(--gray-9)", aria_hidden="true", cursor="grab"),
            rx.text(name, weight="medium", flex="1", min_width="0"),
            rx.hstack(
                _tool("arrow-up", "Move " + name + " up", S.move_exercise(d, e, -1), disabled=item.first),
                _tool("arrow-down", "Move " + name + " down", S.move_exercise(d, e, 1), disabled=item.last),
                _tool(
                    "replace",
                    "Swap " + name + " for a similar exercise",
                    PickerState.open_swap(d, e),
                    disabled=item.exercise_id == "",
                ),
                _tool("trash-2", "Remove " + name, S.remove_exercise(d, e), color_scheme="red"),
                spacing="3",
            ),
            width="100%",
        ),
        error_line(item.error),
        toolbar(
            _labelled(
                "Sets",
                _whole_number_input(item.sets, change("sets"), "Sets of " + name, item.sets_error, "4rem"),
            ),
            _labelled(
                "Reps", _input(item.reps, change("reps"), "Reps of " + name, item.reps_error, width="5.5rem")
            ),
            _labelled(
                "Rest (s)",
                _whole_number_input(
                    item.rest, change("rest"), "Rest in seconds after " + name, item.rest_error, "4.5rem"
                ),
            ),
            _labelled(
                "Notes",
                _input(item.notes, change("notes"), "Notes on " + name, item.notes_error, width="100%"),
                flex="1",
                min_width="10rem",
            ),
            align="end",
            gap="3",
            padding_left="1.5rem",
        ),
        stacked(
            error_line(item.sets_error),
            error_line(item.reps_error),
            error_line(item.rest_error),
            error_line(item.notes_error),
            gap="0",
        ),
        on_drag_start=S.drag_exercise(d, e),
        on_drop=S.drop_exercise(d, e),
        class_name="plan-exercise",
        padding_y="0.5rem",
        border_bottom=styles.LIGHT_BORDER,
        width="100%",
    )


def _day_card(day: DayCard, d: Any) -> rx.Component:
    return wide_card(
        stacked(
            row(
                rx.select.root(
                    rx.select.trigger(aria_label="Day of the week", variant="ghost"),
                    rx.select.content(*(rx.select.item(f"Day {n}", value=n) for n in DAY_NUMBERS)),
                    value=day.day_number,
                    on_change=lambda value: S.set_day_number(d, value),
                ),
                muted_text(day.when),
                rx.cond(
                    day.done, rx.badge(rx.icon("check", size=12), "Done by the member", color_scheme="green")
                ),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("x", size=14),
                    on_click=S.remove_day(d),
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Remove " + day.heading,
                ),
                width="100%",
            ),
            _input(
                day.title,
                lambda value: S.set_day_title(d, value),
                "Title of " + day.heading,
                day.title_error,
                placeholder="Title, e.g. Upper body",
                width="100%",
            ),
            error_line(day.title_error),
            rx.box(rx.foreach(day.exercises, lambda item, e: _exercise_row(item, e, d)), width="100%"),
            # Dropping on the day's foot puts the exercise at the day's end.
            drop_zone(
                row(
                    action_button(
                        "plus",
                        "Add exercise",
                        on_click=PickerState.open_add(d),
                        variant="soft",
                        size="2",
                        aria_label="Add exercise to " + day.heading,
                    ),
                    error_line(day.error),
                    wrap="wrap",
                ),
                on_drop=S.drop_exercise(d, day.exercises.length()),
                width="100%",
            ),
            gap="2",
        ),
        class_name="plan-day",
    )


def day_list() -> rx.Component:
    return stacked(
        rx.foreach(S.days, _day_card),
        rx.cond(
            S.can_add_day,
            quiet_action("calendar-plus", "Add a training day", on_click=S.add_day, id="plan-add-day"),
        ),
        gap="3",
        id="plan-days",
    )


def plan_texts() -> rx.Component:
    def area(label: str, value: Any, field: str, hint: str) -> rx.Component:
        return _labelled(
            label,
            rx.text_area(
                **_live(value, lambda text: S.set_plan_text(field, text), label),
                placeholder=hint,
                rows="3",
                width="100%",
            ),
            width="100%",
        )

    return titled_card(
        "notebook-pen",
        "Summary and notes",
        area("Summary", S.summary, "planSummary", "What the plan is for, in a sentence or two"),
        area("Nutrition tips", S.tips, "nutritionTips", "One tip a line"),
        area(
            "Progression notes", S.progression_notes, "progressionNotes", "How to make it harder week by week"
        ),
        error_line(S.plan_error),
        muted_text("The member sees these with their plan."),
    )
