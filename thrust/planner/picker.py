"""The planner's catalog picker dialog: a name search and the filters (equipment, muscle, level) to add an
exercise to a day, or the similar exercises (same main muscle and equipment) to swap one for."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.planner.picker_state import EQUIPMENT, LEVELS, MUSCLES, PickerState
from thrust.ui import styles
from thrust.ui.dialogs import panel_dialog
from thrust.ui.forms import search_input
from thrust.ui.layout import stacked, toolbar
from thrust.ui.lists import list_row
from thrust.ui.text import fine_print, muted_text

PICKER_ID = "catalog-picker"


def _filter(field: str, value: Any, options: list[list[str]], name: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=name, min_width="9rem"),
        rx.select.content(*(rx.select.item(text, value=key) for key, text in options)),
        value=value,
        on_change=lambda chosen: PickerState.set_filter(field, chosen),
        size="2",
    )


def _hit_row(hit: rx.Var) -> rx.Component:
    return list_row(
        stacked(rx.text(hit.name, weight="medium"), fine_print(hit.detail), gap="0", flex="1", min_width="0"),
        rx.button(
            rx.cond(PickerState.swapping, rx.icon("replace", size=14), rx.icon("plus", size=14)),
            rx.cond(PickerState.swapping, "Swap", "Add"),
            on_click=PickerState.pick(hit.id),
            size="2",
            variant="soft",
            aria_label=rx.cond(PickerState.swapping, "Swap in ", "Add ") + hit.name,
        ),
        gap="2",
        rule=styles.LIGHT_BORDER,
        justify="between",
    )


def catalog_picker() -> rx.Component:
    """The picker's dialog (one on the page, opened for a day or an exercise)."""
    return panel_dialog(
        PickerState.heading,
        stacked(
            rx.cond(
                ~PickerState.swapping,
                stacked(
                    search_input(
                        value=PickerState.query,
                        on_change=PickerState.set_query,
                        placeholder="Search the catalog by name",
                        aria_label="Search the catalog by name",
                        id="picker-search",
                    ),
                    toolbar(
                        _filter("equipment", PickerState.equipment, EQUIPMENT, "Equipment"),
                        _filter("muscle", PickerState.muscle, MUSCLES, "Muscle"),
                        _filter("level", PickerState.level, LEVELS, "Level"),
                    ),
                ),
            ),
            muted_text(PickerState.found, id="picker-found", aria_live="polite"),
            rx.box(
                rx.foreach(PickerState.hits, _hit_row),
                max_height="22rem",
                overflow_y="auto",
                width="100%",
                id="picker-hits",
            ),
            rx.cond(
                PickerState.added != "",
                rx.text(PickerState.added, color="var(--green-11)", role="status", id="picker-added"),
            ),
        ),
        open=PickerState.open,
        on_close=PickerState.close,
        id=PICKER_ID,
        aria_describedby=None,
    )
