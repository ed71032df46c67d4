"""The UI kit's pieces build (as a page would call them) and keep the markup pages and tests rely on."""

from __future__ import annotations

import reflex as rx

from thrust.demo.state import DemoDataState
from thrust.ui import badges, cards, layout, styles, text
from thrust.ui.a11y import landmark
from thrust.ui.avatar import avatar
from thrust.ui.buttons import arrow_button, block_button, dismiss_button, page_action
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.forms import (
    SEARCH_DEBOUNCE_MS,
    Fields,
    checked_form,
    error_line,
    labelled_switch,
    search_input,
    submit_button,
    text_field,
)
from thrust.ui.lists import item_list, list_row
from thrust.ui.meter import meter
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text


def _html(component: rx.Component) -> str:
    return str(component.render())


def test_avatar_is_plain_hidden_initials_sized_and_coloured() -> None:
    out = _html(avatar(rx.Var.create("AB"), "3", "orange"))
    assert "thrust-avatar" in out and "aria-hidden" in out
    assert '"data-size"' in out and "var(--orange-a3)" in out


def test_badges_build() -> None:
    for make in (badges.tier_badge, badges.status_badge, badges.role_badge):
        assert "Badge" in _html(make(rx.Var.create("VIP")))
    assert "Deactivated" in _html(badges.active_badge(rx.Var.create(False)))
    assert "Live" in _html(badges.dot_pill("Live", "grass"))
    assert "Badge" in _html(badges.outcome_badge("Sent", rx.Var.create("sent"), {"sent": "green"}))


def test_cards_build() -> None:
    out = _html(cards.titled_card("mail", "Reminders", cards.empty_note("Nothing yet."), id="reminders"))
    assert "Reminders" in out and "Nothing yet." in out and "reminders" in out
    assert "Members" in _html(cards.stat_tile("users", "Members", 12, hint="active"))
    assert "No results" in _html(cards.empty_panel("search", "No results", "Try again"))
    assert "for staff" in _html(cards.locked_card("The desk is for staff."))


def test_notice_is_the_callout_pages_wrote_out() -> None:
    hand_rolled = rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert")),
        rx.callout.text("Changed by someone else", id="t"),
        rx.button("Reload"),
        color_scheme="red",
        role="alert",
    )
    made = cards.notice(
        "triangle-alert",
        "Changed by someone else",
        rx.button("Reload"),
        tone="red",
        icon_size=None,
        text_props={"id": "t"},
        role="alert",
    )
    assert _html(made) == _html(hand_rolled)
    icon = rx.cond(rx.Var.create(True), rx.icon("circle-check", size=16), rx.icon("info", size=16))
    assert "LucideCircleCheck" in _html(cards.notice(icon, "Connected", tone="green"))
    assert "size:16" in _html(cards.notice("info", "A hint", tone="gray"))


def test_confirm_dialog_has_a_cancel_without_a_handler_and_closes_through_on_open_change() -> None:
    dialog = confirm_dialog(
        "Remove?",
        "It cannot be undone.",
        rx.button("Remove", id="confirm-remove"),
        open=DemoDataState.dialog_open,
        on_open_change=DemoDataState.cancel_removal,
    )
    out = _html(dialog)
    assert "AlertDialog.Cancel" in out and "confirm-remove" in out and "onOpenChange" in out
    cancel = dialog.children[0].children[-1].children[0]  # content -> buttons row -> Cancel
    assert cancel.tag == "AlertDialog.Cancel"
    assert not cancel.children[0].event_triggers  # Cancel's button: no handler of its own


def test_text_field_ties_label_input_and_message() -> None:
    out = _html(text_field("Email", "email", errors=rx.Var.create({"email": "Taken"}), type="email"))
    assert '"email-error"' in out and "htmlFor" in out and '"aria-invalid"' in out


def test_an_error_line_shows_only_a_message_and_names_itself_for_its_control() -> None:
    out = _html(error_line(rx.Var.create("Too heavy"), control_id="load"))
    assert "Too heavy" in out and 'id:"load-error"' in out and 'role:"alert"' in out and "cond_state" in out
    # A row's id inside a foreach is a Var: the message's id stays one (a str id would get a React ref).
    row_id = rx.Var.create("sets-3")
    assert "ref:" not in _html(error_line(rx.Var.create("x"), control_id=row_id))


def test_an_empty_card_holds_an_empty_state_across_the_page() -> None:
    panel = cards.empty_panel("file-x", "Plan not found", "Gone.")
    assert _html(cards.empty_card(panel, id="plan-missing")) == _html(
        rx.card(panel, width="100%", id="plan-missing")
    )


def test_a_metric_card_is_one_link_to_what_explains_it() -> None:
    to_list = _html(cards.metric_card("active", "user-check", "Active", 12, href="/members?status=ACTIVE"))
    assert (
        "metric-active" in to_list
        and "/members?status=ACTIVE" in to_list
        and "thrust-metric-value" in to_list
    )
    to_chart = _html(
        cards.metric_card("visits", "door-open", "Visits", 3, href="#visits-chart", hint="today")
    )
    assert "#visits-chart" in to_chart and "today" in to_chart


def test_a_chart_card_has_its_download_its_placeholder_and_its_empty_state() -> None:
    import plotly.graph_objects as go

    from thrust.ui.charts import chart_card

    out = _html(
        chart_card(
            "visits-chart",
            "chart-column",
            "Visits per day",
            go.Figure(),
            summary=rx.Var.create("12 visits"),
            empty=rx.Var.create(False),
            loaded=rx.Var.create(True),
            empty_text="No visits yet.",
            on_download=rx.console_log("csv"),
        )
    )
    assert "visits-chart-csv" in out and "as CSV" in out and "No visits yet." in out
    assert "visits-chart-plot" in out and "Skeleton" in out


def test_layout_presets_are_the_stacks_pages_used_to_write_out() -> None:
    assert _html(layout.row("a", "b")) == _html(rx.hstack("a", "b", align="center", spacing="2"))
    assert _html(layout.row("a", gap="3", align="end", id="r")) == _html(
        rx.hstack("a", align="end", spacing="3", id="r")
    )
    assert _html(layout.stacked("a")) == _html(rx.vstack("a", spacing="4", width="100%"))
    assert _html(layout.toolbar("a")) == _html(
        rx.hstack("a", align="center", spacing="2", wrap="wrap", width="100%")
    )
    assert _html(layout.end_row("a")) == _html(rx.hstack(rx.spacer(), "a", width="100%"))
    assert _html(layout.flow("a", justify="between")) == _html(
        rx.flex("a", align="center", gap="1rem", wrap="wrap", width="100%", justify="between")
    )
    assert _html(muted_text("12 rows", size="1")) == _html(
        rx.text("12 rows", size="1", color="var(--gray-11)")
    )


def test_icon_buttons_say_what_they_do() -> None:
    assert '"aria-label":"Next page"' in _html(arrow_button("right", "Next page"))
    assert "ChevronRight" in _html(arrow_button("right", "Next page"))
    out = _html(dismiss_button("Close", on_click=DemoDataState.cancel_removal))
    assert '"aria-label":"Close"' in out and "LucideX" in out


def test_a_block_button_is_a_full_width_choice_its_lines_set_the_height_of() -> None:
    assert _html(block_button("Ann", variant="ghost")) == _html(
        rx.button("Ann", width="100%", height="auto", justify="start", variant="ghost")
    )


def test_a_list_row_takes_its_gap_and_rule() -> None:
    assert _html(list_row("a", gap="2", rule="1px solid red", id="r")) == _html(
        rx.hstack(
            "a",
            align="center",
            spacing="2",
            width="100%",
            padding_y="0.5rem",
            border_bottom="1px solid red",
            id="r",
        )
    )


def test_an_item_list_says_when_it_is_empty() -> None:
    names = rx.Var.create(["Ann", "Bo"])
    boxed = _html(item_list(names, rx.text, empty="Nobody yet.", id="names"))
    assert "Nobody yet." in boxed and "names" in boxed and "Box" in boxed
    spaced = _html(item_list(names, rx.text, gap="2"))
    assert "'gap:\"2\"'" in spaced and "'direction:\"column\"'" in spaced
    assert "Nobody" not in spaced


def test_captioned_table_takes_names_widths_and_header_cells() -> None:
    header = rx.table.column_header_cell("Actions", justify="end")
    out = _html(
        captioned_table(
            "Staff", ("Name", ("Line", "4rem"), header), rx.Var.create([1]), lambda n: rx.table.row()
        )
    )
    assert "Staff" in out and "Name" in out and "4rem" in out and "Actions" in out


def test_fields_tie_each_input_to_its_message_in_the_forms_errors() -> None:
    fields = Fields(rx.Var.create({"email": "Taken"}))
    out = _html(fields.email("Email", "email", "profile-email", "a@b.c", auto_complete="email"))
    assert '"profile-email-error"' in out and "Taken" in out and '"aria-invalid"' in out
    assert 'inputMode:"email"' in out and 'defaultValue:"a@b.c"' in out
    assert 'type:"number"' in _html(fields.number("Capacity", "maxCapacity", "gym-capacity", "20"))


def test_search_input_waits_for_a_pause_in_typing() -> None:
    out = _html(search_input(value=rx.Var.create("ana"), on_change=DemoDataState.cancel_removal, id="s"))
    assert f"debounceTimeout:{SEARCH_DEBOUNCE_MS}" in out and 'autoComplete:"off"' in out
    assert "LucideSearch" in out  # the magnifier every search box shows


def test_search_input_puts_its_magnifier_before_the_other_slots() -> None:
    box = search_input(
        rx.input.slot(rx.text("clear"), side="right"),
        value=rx.Var.create("ana"),
        on_change=DemoDataState.cancel_removal,
        icon_size=20,
    )
    assert "size:20" in _html(box.children[0]) and "clear" in _html(box.children[1])


def test_text_presets_build_the_lines_pages_used_to_write_out() -> None:
    assert _html(text.fine_print("Updated 18:05")) == _html(
        rx.text("Updated 18:05", size="1", color="var(--gray-11)")
    )
    assert _html(text.section_heading("Renewals")) == _html(rx.heading("Renewals", size="3", weight="bold"))
    with_note = _html(text.section_heading("Members", "all of them"))
    assert "Members" in with_note and "all of them" in with_note and 'align:"baseline"' in with_note
    line = _html(
        text.icon_line("clock", rx.text("Quiet at 14:00"), icon_size=15, icon_color="var(--accent-11)")
    )
    assert "LucideClock" in line and "size:15" in line and "Quiet at 14:00" in line
    link = _html(text.arrow_link("Open live traffic", "/live"))
    assert '"/live"' in link and "Open live traffic" in link and "ArrowRight" in link
    name = _html(text.name_link("Ana", "/members/1"))
    assert '"/members/1"' in name and "highContrast" in name


def test_a_meter_is_a_named_progress_bar_filled_to_its_value() -> None:
    out = _html(meter("40%", "var(--grass-9)", label="Occupancy", value=8, maximum=20))
    assert '"progressbar"' in out and '"aria-label":"Occupancy"' in out
    assert '"aria-valuenow":8' in out and '"aria-valuemax":20' in out and '"40%"' in out


def test_a_checked_form_leaves_the_checks_to_the_server_and_keeps_the_values() -> None:
    out = _html(
        checked_form(
            submit_button("Show", "calendar-search"),
            on_submit=DemoDataState.cancel_removal,
            key="k",
            form_id="f",
        )
    )
    assert "noValidate:true" in out and 'type:"submit"' in out and "CalendarSearch" in out
    assert 'id:"f"' in out and '"100%"' in out


def test_a_page_action_is_an_action_button_with_a_16px_icon() -> None:
    assert _html(page_action("user-plus", "Add member", id="add")) == _html(
        rx.button(rx.icon("user-plus", size=16), "Add member", id="add")
    )


def test_an_alert_notice_is_read_out_at_once_across_its_column() -> None:
    assert _html(cards.alert_notice("circle-alert", "No file", size="1")) == _html(
        cards.notice("circle-alert", "No file", tone="red", size="1", width="100%", role="alert")
    )
    assert "amber" in _html(cards.alert_notice("shield-alert", "Last admin", tone="amber"))


def test_a_figure_is_bold_in_tabular_digits() -> None:
    assert _html(text.figure("42", size="9", line_height="1")) == _html(
        rx.text("42", size="9", weight="bold", class_name="thrust-num", line_height="1")
    )


def test_a_landmark_and_a_cover_are_the_attributes_pages_wrote_out() -> None:
    assert _html(rx.box("Demo", **landmark("Demo data"))) == _html(
        rx.box("Demo", role="region", aria_label="Demo data")
    )
    assert _html(rx.box(**styles.COVER, z_index="2")) == _html(
        rx.box(position="absolute", inset="0", z_index="2")
    )


def test_a_wide_card_is_a_card_across_its_column() -> None:
    assert _html(cards.wide_card(rx.text("Plan"), size="3", id="c")) == _html(
        rx.card(rx.text("Plan"), width="100%", size="3", id="c")
    )


def test_a_labelled_switch_is_flipped_by_its_text() -> None:
    # The text sits inside the same <label> as the switch: clicking it flips the switch, and it names it.
    out = _html(labelled_switch(rx.text("Show on a public page"), gap="3", id="public-switch"))
    assert out == _html(
        rx.el.label(
            rx.hstack(
                rx.switch(id="public-switch"), rx.text("Show on a public page"), align="center", spacing="3"
            )
        )
    )
