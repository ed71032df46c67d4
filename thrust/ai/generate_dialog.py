"""The planner's "Generate with AI" dialog: the seed's request as a form (age and gender from the member's
profile), then the generation's stages as they happen, with Cancel."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.ai.draft import (
    DAYS_PER_WEEK_RANGE,
    MAX_INJURIES_TEXT,
    SESSION_MINUTES,
    EquipmentAccess,
    FitnessLevel,
    Goal,
)
from thrust.ai.generate_state import GenerateState as G
from thrust.ui.buttons import action_button, quiet_button
from thrust.ui.dialogs import panel_dialog
from thrust.ui.forms import ERROR_STYLE, field, field_error, select_field, submit_button, text_field
from thrust.ui.layout import end_row, grid, row, stacked
from thrust.ui.text import fine_print, muted_text

LEVELS = {
    FitnessLevel.BEGINNER: "Beginner",
    FitnessLevel.INTERMEDIATE: "Intermediate",
    FitnessLevel.ADVANCED: "Advanced",
}
GOALS = {
    Goal.MUSCLE_GAIN: "Muscle gain",
    Goal.STRENGTH: "Strength",
    Goal.WEIGHT_LOSS: "Weight loss",
    Goal.ENDURANCE: "Endurance",
    Goal.FLEXIBILITY: "Flexibility",
}
EQUIPMENT = {
    EquipmentAccess.FULL_GYM: "Full gym",
    EquipmentAccess.HOME_BASIC: "Home, basic kit (dumbbells, kettlebells, bands)",
    EquipmentAccess.HOME_BODYWEIGHT: "Home, body weight only",
}
DAYS = {n: str(n) for n in range(DAYS_PER_WEEK_RANGE[0], DAYS_PER_WEEK_RANGE[1] + 1)}
MINUTES = {n: f"{n} min" for n in SESSION_MINUTES}
GENDERS = {"female": "Female", "male": "Male", "other": "Other", "unspecified": "Not said"}


def _items(choices: dict[Any, str]) -> list[rx.Component]:
    return [rx.select.item(label, value=str(value)) for value, label in choices.items()]


def _choice(
    label: str, name: str, control_id: str, choices: dict[Any, str], default: str | rx.Var
) -> rx.Component:
    """One of the form's drop-downs, its error under it (from the dialog's errors); `default` is a
    choice's key (an enum member reads as its value) or the state's var."""
    value = default if isinstance(default, rx.Var) else str(default)
    return select_field(
        label, name, *_items(choices), control_id=control_id, errors=G.errors, default_value=value
    )


def _goals() -> rx.Component:
    error = field_error(G.errors, "goals")
    return rx.el.fieldset(
        rx.el.legend(
            "Goals (the first ticked is the main one)",
            style={"font_size": "var(--font-size-2)", "font_weight": "500"},
        ),
        rx.flex(
            *(
                rx.el.label(
                    row(
                        # Named itself: a label around Radix's checkbox (a button) does not name it.
                        rx.checkbox(name=f"goal_{goal.value}", value="yes", aria_label=label, size="3"),
                        rx.text(label, size="2"),
                    ),
                    style={"padding": "0.3rem 0"},
                )
                for goal, label in GOALS.items()
            ),
            wrap="wrap",
            gap="4",
            padding_top="0.35rem",
        ),
        rx.cond(error != "", rx.el.p(error, role="alert", style=ERROR_STYLE, id="ai-goals-error")),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _form() -> rx.Component:
    return rx.form(
        stacked(
            muted_text(
                "For ", rx.text.strong(G.member_name), ". Answered by: ", G.provider, id="ai-provider"
            ),
            grid(
                text_field(
                    "Age",
                    "age",
                    control_id="ai-age",
                    errors=G.errors,
                    default_value=G.age,
                    input_mode="numeric",
                ),
                _choice("Gender", "gender", "ai-gender", GENDERS, G.gender),
                _choice("Fitness level", "currentFitnessLevel", "ai-level", LEVELS, FitnessLevel.BEGINNER),
                _choice("Days a week", "daysPerWeek", "ai-days", DAYS, "3"),
                _choice("Minutes a session", "minutesPerSession", "ai-minutes", MINUTES, "60"),
                _choice("Equipment", "equipment", "ai-equipment", EQUIPMENT, EquipmentAccess.FULL_GYM),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="3",
            ),
            _goals(),
            field(
                "Injuries or limits",
                rx.text_area(
                    name="injuries", id="ai-injuries", max_length=MAX_INJURIES_TEXT, rows="2", width="100%"
                ),
                control_id="ai-injuries",
                hint="For example: sore left knee, lower back. Only used to leave exercises out.",
                error=field_error(G.errors, "injuries"),
                optional=True,
            ),
            end_row(submit_button("Generate", "sparkles", id="ai-generate")),
            gap="3",
        ),
        on_submit=G.generate,
    )


def _stage_done(text: rx.Var) -> rx.Component:
    return row(rx.icon("circle-check", size=16, color="var(--green-10)"), rx.text(text, size="2"))


def _running() -> rx.Component:
    return stacked(
        rx.box(rx.foreach(G.stages_done, _stage_done), width="100%"),
        row(rx.spinner(size="2"), rx.text(G.stage, size="3", weight="medium"), id="ai-stage", role="status"),
        fine_print(
            "A local model may take a few minutes. Cancel at any time: nothing is saved until you save."
        ),
        end_row(quiet_button("Cancel", on_click=G.cancel, id="ai-cancel")),
        gap="3",
    )


def generate_dialog() -> rx.Component:
    return panel_dialog(
        "Generate a four-week plan",
        # The form stays mounted while the plan is generated, so a cancel gives back what was filled in.
        rx.box(_form(), display=rx.cond(G.running, "none", "block")),
        rx.cond(G.running, _running()),
        open=G.open,
        on_close=G.close_generator,
        id="ai-dialog",
    )


def generate_button() -> rx.Component:
    return action_button(
        "sparkles",
        "Generate with AI",
        on_click=G.open_generator,
        variant="soft",
        id="planner-generate",
        width="100%",
    )
