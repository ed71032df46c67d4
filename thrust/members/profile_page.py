"""A member's profile page: header with actions, stats, details, visit history, reminders, and the
delete confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.members import components as ui
from thrust.members.form_dialog import member_form_dialog
from thrust.members.form_state import MemberFormState
from thrust.members.profile_state import MemberProfileState, PlanWeekBar, VisitRow
from thrust.reminders.components import reminders_card
from thrust.reminders.state import ReminderHistoryState
from thrust.ui import routes
from thrust.ui.badges import status_badge, tier_badge
from thrust.ui.buttons import arrow_button, page_action
from thrust.ui.cards import (
    empty_card,
    empty_note,
    empty_panel,
    fact,
    notice,
    stat_tile,
    titled_card,
    wide_card,
)
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.layout import actions, column, end_row, grid, header_bar, row, stacked
from thrust.ui.meter import meter
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text

# The status menu's entries: (the status it is hidden on, the action, its label, its icon).
STATUS_CHANGES = (
    ("ACTIVE", "activate", "Activate", "circle-check"),
    ("FROZEN", "freeze", "Freeze", "snowflake"),
    ("INACTIVE", "deactivate", "Deactivate", "circle-pause"),
)


def _status_actions() -> rx.Component:
    status = MemberProfileState.member.status
    return rx.cond(
        MemberProfileState.can_edit_membership,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("toggle-right", size=16),
                    "Status",
                    rx.icon("chevron-down", size=14),
                    variant="soft",
                )
            ),
            rx.menu.content(
                *[
                    rx.cond(
                        status != current,
                        rx.menu.item(
                            row(rx.icon(icon, size=15), rx.text(label), gap="3"),
                            on_select=MemberProfileState.change_status(action),
                        ),
                    )
                    for current, action, label, icon in STATUS_CHANGES
                ],
            ),
        ),
    )


def _profile_header() -> rx.Component:
    m = MemberProfileState.member
    return wide_card(
        header_bar(
            row(
                rx.avatar(fallback=m.initials, size="6", radius="full", variant="soft"),
                column(
                    row(
                        rx.heading(m.name, size="6", id="member-name-heading"),
                        rx.cond(
                            m.inside_now,
                            rx.badge(
                                rx.icon("map-pin", size=12),
                                "In the gym now",
                                color_scheme="green",
                                variant="solid",
                            ),
                        ),
                        gap="3",
                        wrap="wrap",
                    ),
                    row(
                        tier_badge(m.tier, size="2"),
                        status_badge(m.status, size="2"),
                        ui.cue_text(m.cue, m.cue_tone, size="2"),
                        wrap="wrap",
                    ),
                    muted_text(m.email, rx.cond(m.phone != "", " · " + m.phone, "")),
                    align="start",
                ),
                gap="4",
            ),
            rx.spacer(),
            actions(
                rx.cond(
                    MemberProfileState.can_edit,
                    page_action("pencil", "Edit", on_click=MemberFormState.open_edit(m.id), id="edit-member"),
                ),
                _status_actions(),
                rx.cond(
                    MemberProfileState.can_delete,
                    page_action(
                        "trash-2",
                        "Delete",
                        variant="soft",
                        color_scheme="red",
                        on_click=MemberProfileState.ask_delete,
                        id="delete-member",
                    ),
                ),
            ),
            gap="1rem",
            align=rx.breakpoints(initial="start", md="center"),
        ),
        size="3",
    )


def _stats() -> rx.Component:
    m = MemberProfileState.member
    return grid(
        stat_tile("calendar-check", "Visits, last 30 days", m.visits_30.to_string()),
        stat_tile("timer", "Average visit", m.average_visit, tone="iris"),
        stat_tile("history", "Last visit", m.last_visit, tone="green"),
        stat_tile(
            "calendar-clock",
            "Membership ends",
            m.end,
            m.ends_in,
            tone=rx.match(m.cue_tone, ("red", "red"), ("amber", "amber"), "gray"),
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        gap="3",
    )


def _section(title: str, icon: str, *children: rx.Component) -> rx.Component:
    return titled_card(icon, title, stacked(*children, gap="0"), icon_size=17, spacing="3")


def _details() -> rx.Component:
    m = MemberProfileState.member
    return grid(
        _section(
            "Personal details",
            "id-card",
            ui.detail_row("Email", m.email),
            ui.detail_row("Phone", m.phone),
            ui.detail_row("Date of birth", rx.cond(m.age != "", m.date_of_birth + " (" + m.age + ")", "")),
            ui.detail_row("Gender", m.gender),
            ui.detail_row("Member since", m.member_since),
        ),
        _section(
            "Membership",
            "badge-check",
            ui.detail_row("Tier", tier_badge(m.tier)),
            ui.detail_row("Status", status_badge(m.status)),
            ui.detail_row("Started", m.start),
            ui.detail_row(
                "Ends",
                row(
                    ui.cue_text(m.cue, m.cue_tone, quiet_too=False), rx.text(m.end, size="2", weight="medium")
                ),
            ),
            ui.detail_row("Trainer", rx.cond(m.trainer != "", m.trainer, "No trainer")),
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        gap="3",
    )


def _week_bar(week: PlanWeekBar) -> rx.Component:
    return row(
        rx.text(week.label, size="2", weight="medium", min_width="4.5rem"),
        meter(
            week.fill,
            "var(--accent-9)",
            label=week.label + " completion",
            value=week.done,
            maximum=week.planned,
            flex="1",
        ),
        muted_text(week.text, size="1", min_width="5.5rem", text_align="right"),
        gap="3",
        width="100%",
    )


def _plan_link(icon: str, label: str, href: Any, **props: Any) -> rx.Component:
    return rx.link(row(rx.icon(icon, size=15), rx.text(label, size="2"), gap="2"), href=href, **props)


def _plan_card() -> rx.Component:
    plan = MemberProfileState.plan
    planner_link = rx.cond(
        plan.planner_url != "",
        _plan_link(
            "notebook-pen",
            rx.cond(plan.has_plan, "Open in the planner", "Build a plan in the planner"),
            plan.planner_url,
            id="plan-planner-link",
        ),
    )
    return titled_card(
        "dumbbell",
        "Workout plan",
        rx.cond(
            plan.has_plan,
            stacked(
                column(
                    row(
                        rx.text(plan.title, size="4", weight="bold", id="plan-title"),
                        rx.badge("Active", color_scheme="grass", variant="soft"),
                        wrap="wrap",
                    ),
                    muted_text("Starts ", plan.starts),
                    gap="1",
                ),
                grid(
                    fact("Completion", plan.completion, id="plan-completion"),
                    fact("Adherence", plan.adherence, id="plan-adherence"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    gap="3",
                ),
                stacked(rx.foreach(plan.weeks, _week_bar), gap="2", id="plan-weeks"),
                row(
                    muted_text(plan.other_plans, id="plan-others"),
                    rx.spacer(),
                    _plan_link("printer", "Print view", plan.print_url, id="plan-print-link"),
                    planner_link,
                    gap="4",
                    wrap="wrap",
                    width="100%",
                ),
                gap="3",
            ),
            row(
                empty_note("No active workout plan. " + plan.other_plans + ".", id="plan-none"),
                rx.spacer(),
                planner_link,
                wrap="wrap",
                width="100%",
            ),
        ),
        icon_size=17,
        spacing="3",
        id="plan-card",
    )


def _visit_row(visit: VisitRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(visit.day, size="2", weight="medium")),
        rx.table.cell(visit.checked_in),
        rx.table.cell(
            rx.cond(
                visit.open,
                rx.badge("Still inside", color_scheme="green", variant="soft"),
                row(
                    rx.text(visit.checked_out),
                    rx.cond(
                        visit.automatic,
                        rx.tooltip(
                            rx.badge("auto", color_scheme="gray", variant="outline", size="1"),
                            content="Checked out automatically",
                        ),
                    ),
                ),
            )
        ),
        rx.table.cell(rx.cond(visit.duration != "", visit.duration, "—")),
        align="center",
    )


def _visits() -> rx.Component:
    page = MemberProfileState.visits_page
    return titled_card(
        "footprints",
        "Visit history",
        rx.cond(
            MemberProfileState.visits_total > 0,
            stacked(
                captioned_table(
                    "Visit history",
                    ("Day", "In", "Out", "Length"),
                    MemberProfileState.visits,
                    _visit_row,
                    id="visits-table",
                ),
                end_row(
                    arrow_button(
                        "left",
                        "Newer visits",
                        size="1",
                        disabled=page <= 1,
                        on_click=MemberProfileState.show_visits_page(page - 1),
                    ),
                    arrow_button(
                        "right",
                        "Older visits",
                        size="1",
                        disabled=page >= MemberProfileState.visits_pages,
                        on_click=MemberProfileState.show_visits_page(page + 1),
                    ),
                ),
                gap="2",
            ),
            muted_text("No visits yet. They appear here from the first check-in."),
        ),
        trailing=(rx.spacer(), muted_text(MemberProfileState.visits_label, id="visits-range")),
        icon_size=17,
        spacing="3",
    )


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        "Delete " + MemberProfileState.member.name + "?",
        column(
            rx.text(MemberProfileState.delete_summary, size="2", id="delete-impact"),
            notice(
                "lightbulb",
                "Leaving or taking a break? Deactivate instead: they can no longer check in, "
                "and their history stays.",
                tone="amber",
                size="1",
            ),
            gap="3",
        ),
        rx.spacer(),  # Cancel on the left, the two ways forward on the right
        page_action(
            "circle-pause",
            "Deactivate instead",
            variant="soft",
            on_click=MemberProfileState.deactivate_instead,
            id="deactivate-instead",
        ),
        page_action(
            "trash-2",
            "Delete for good",
            color_scheme="red",
            on_click=MemberProfileState.confirm_delete,
            id="confirm-delete",
        ),
        open=MemberProfileState.delete_open,
        on_open_change=MemberProfileState.cancel_delete,  # only ever called to close: Cancel or Escape
        buttons={"justify": "start", "wrap": "wrap"},
    )


def _back_link() -> rx.Component:
    return rx.link(
        row(rx.icon("arrow-left", size=15), rx.text("All members", size="2"), gap="1"),
        href=routes.MEMBERS,
        color_scheme="gray",
        underline="hover",
        id="back-to-members",
    )


def _profile_skeleton() -> rx.Component:
    return stacked(
        rx.skeleton(rx.box(height="7rem", width="100%")),
        grid(*[rx.skeleton(rx.box(height="4.5rem")) for _ in range(4)], columns="4", gap="3"),
        rx.skeleton(rx.box(height="14rem", width="100%")),
        gap="3",
    )


# Anyone signed in: the members service decides whose profile each viewer may see.
@page(
    routes.MEMBER,
    "Member",
    needs=SIGNED_IN,
    on_load=[MemberProfileState.open_profile, ReminderHistoryState.load_reminders],
)
def member_page() -> rx.Component:
    return stacked(
        ui.page_styles(),
        _back_link(),
        rx.cond(
            ~MemberProfileState.loaded,
            _profile_skeleton(),
            rx.cond(
                MemberProfileState.error != "",
                empty_card(
                    empty_panel(
                        "user-x",
                        "Member not available",
                        MemberProfileState.error,
                        page_action(
                            "arrow-left",
                            "Back to the members",
                            on_click=rx.redirect(routes.MEMBERS),
                        ),
                    ),
                    id="member-missing",
                ),
                stacked(_profile_header(), _stats(), _details(), _plan_card(), _visits(), reminders_card()),
            ),
        ),
        _delete_dialog(),
        member_form_dialog(),
    )
