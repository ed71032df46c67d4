"""The trainer's planner: pick a member (only those you may see), see their plans, start one from scratch or
from a template, and write it week by week with the catalog at hand."""

from __future__ import annotations

import reflex as rx

from thrust.ai.generate_dialog import generate_button, generate_dialog
from thrust.planner.capabilities import USE_TEMPLATES
from thrust.planner.editor_io import MemberOption, TemplateOption
from thrust.planner.editor_parts import plan_header, plan_texts, weeks_editor
from thrust.planner.editor_state import PlannerState as S
from thrust.planner.editor_view import PlanCard
from thrust.planner.picker import catalog_picker
from thrust.ui import routes
from thrust.ui.badges import active_badge
from thrust.ui.buttons import block_button
from thrust.ui.cards import empty_panel, titled_card
from thrust.ui.forms import search_input, submit_button
from thrust.ui.layout import row, stacked
from thrust.ui.lists import item_list
from thrust.ui.pages import page
from thrust.ui.registry import Nav
from thrust.ui.text import fine_print, muted_text, name_link

BLANK = "blank"


def _member_option(option: MemberOption) -> rx.Component:
    return block_button(
        stacked(rx.text(option.name, weight="medium"), fine_print(option.email), gap="0", align="start"),
        on_click=S.choose_member(option.id),
        variant="ghost",
        padding_y="0.4rem",
    )


def _member_picker() -> rx.Component:
    return titled_card(
        "user-search",
        "Member",
        rx.cond(
            S.member_id != "",
            row(
                name_link(S.member_name, routes.MEMBERS + "/" + S.member_id, id="planner-member", size="4"),
                rx.spacer(),
                width="100%",
            ),
        ),
        search_input(
            value=S.member_query,
            on_change=S.search_members,
            placeholder=rx.cond(
                S.member_id != "", "Plan for another member…", "Find a member by name or email"
            ),
            aria_label="Find a member",
            id="planner-member-search",
        ),
        item_list(
            S.member_options,
            _member_option,
            empty=rx.cond(S.member_query != "", muted_text("No member you may plan for matches.")),
            id="planner-member-options",
        ),
    )


def _plan_card(plan: PlanCard) -> rx.Component:
    return block_button(
        stacked(
            row(rx.text(plan.title, weight="medium"), rx.cond(plan.active, active_badge(plan.active))),
            fine_print(plan.detail),
            fine_print(plan.updated),
            gap="1",
            align="start",
        ),
        on_click=S.open_plan(plan.id),
        variant=rx.cond(plan.id == S.plan_id, "soft", "outline"),
        color_scheme="gray",
        padding="0.6rem",
        text_align="left",
        aria_current=rx.cond(plan.id == S.plan_id, "true", "false"),
    )


def _template_option(template: TemplateOption) -> rx.Component:
    return rx.select.item(template.title, value=template.id)


def _new_plan() -> rx.Component:
    return rx.form(
        stacked(
            rx.select.root(
                rx.select.trigger(aria_label="Start from", width="100%"),
                rx.select.content(
                    rx.select.item("A blank plan (4 weeks, 3 days a week)", value=BLANK),
                    rx.foreach(S.templates, _template_option),
                ),
                name="source",
                default_value=BLANK,
            ),
            stacked(
                fine_print("Starts on (optional)"),
                rx.input(
                    type="date", name="startsOn", aria_label="Starts on (optional)", id="planner-new-starts"
                ),
                gap="1",
            ),
            submit_button("New plan", "plus", id="planner-new-plan", width="100%"),
            gap="2",
        ),
        on_submit=S.start_plan,
        width="100%",
    )


def _plans() -> rx.Component:
    return titled_card(
        "list-checks",
        "Plans",
        item_list(S.plans, _plan_card, empty="No plans yet for this member.", gap="2", id="planner-plans"),
        rx.divider(),
        _new_plan(),
        generate_button(),
    )


def _editor() -> rx.Component:
    return rx.cond(
        S.editing,
        stacked(plan_header(), weeks_editor(), plan_texts(), gap="4", id="plan-editor"),
        empty_panel(
            "clipboard-list",
            "No plan open",
            "Open one of the member's plans, or start a new one from scratch or from a template.",
        ),
    )


@page(routes.PLANNER, "Planner", needs=USE_TEMPLATES, on_load=(S.load_planner,), nav=Nav(5, "dumbbell"))
def planner_page() -> rx.Component:
    return stacked(
        rx.flex(
            rx.box(
                stacked(_member_picker(), rx.cond(S.member_id != "", _plans()), gap="4"),
                width=["100%", "100%", "100%", "20rem"],
                flex_shrink="0",
            ),
            rx.cond(
                S.member_id != "",
                _editor(),
                empty_panel(
                    "users",
                    "Pick a member",
                    "Plans are written for one member at a time: find them on the left.",
                ),
            ),
            direction=rx.breakpoints(initial="column", lg="row"),
            gap="5",
            align="start",
            width="100%",
        ),
        catalog_picker(),
        generate_dialog(),
    )
