"""The members directory's results: the sortable table of one page of rows, the pager, and the
empty and error panels."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.members import components as ui
from thrust.members.capabilities import CREATE_MEMBERS, MANAGE_MEMBERSHIPS
from thrust.members.directory_rows import PAGE_SIZES, MemberRow
from thrust.members.directory_state import MembersState
from thrust.members.form_state import MemberFormState
from thrust.members.import_state import ImportState
from thrust.ui import routes, styles
from thrust.ui.a11y import caption
from thrust.ui.avatar import avatar
from thrust.ui.badges import status_badge, tier_badge
from thrust.ui.buttons import arrow_button, page_action, quiet_action
from thrust.ui.cards import alert_notice, empty_card, empty_panel
from thrust.ui.layout import column, flow, row, toolbar
from thrust.ui.shell import can
from thrust.ui.text import muted_text


def member_href(member_id: Any) -> Any:
    return routes.MEMBERS + "/" + member_id


def _sort_header(label: str, column: str, **props: Any) -> rx.Component:
    active = MembersState.sort == column
    return rx.table.column_header_cell(
        rx.button(
            label,
            rx.cond(
                active,
                rx.cond(
                    MembersState.order == "asc", rx.icon("arrow-up", size=14), rx.icon("arrow-down", size=14)
                ),
                rx.icon("arrow-up-down", size=14, opacity="0.4"),
            ),
            variant="ghost",
            color_scheme=rx.cond(active, "orange", "gray"),
            size="1",
            on_click=MembersState.sort_by(column),
            aria_label=f"Sort by {label.lower()}",
            high_contrast=~active,
            style={"font_weight": "600", "margin": "0 -0.5rem"},
        ),
        aria_sort=rx.cond(active, rx.cond(MembersState.order == "asc", "ascending", "descending"), "none"),
        **props,
    )


def _header() -> rx.Component:
    return rx.table.header(
        rx.table.row(
            rx.cond(
                can(*MANAGE_MEMBERSHIPS),
                rx.table.column_header_cell(
                    rx.checkbox(
                        checked=MembersState.page_selected,
                        on_change=MembersState.toggle_page,
                        aria_label="Select every member on this page",
                        id="select-page",
                    ),
                    width="2.5rem",
                ),
            ),
            _sort_header("Name", "name"),
            rx.table.column_header_cell(rx.text("Tier", size="1", weight="bold")),
            rx.table.column_header_cell(rx.text("Status", size="1", weight="bold")),
            _sort_header("Membership end", "membershipEnd"),
            rx.table.column_header_cell(
                rx.text("Trainer", size="1", weight="bold"), display=["none", "none", "table-cell"]
            ),
            _sort_header("Last visit", "lastVisit", display=["none", "none", "table-cell"]),
        )
    )


def _inside_heading(member: MemberRow) -> rx.Component:
    """Above the first row a search found inside a word ("ston" in "Firestone"), not at its start."""
    return rx.cond(
        member.first_inside,
        rx.table.row(
            rx.table.cell(
                row(
                    rx.icon("text-search", size=14, aria_hidden="true"),
                    rx.text("Also matching inside names", size="1", weight="medium"),
                    gap="2",
                    color=styles.MUTED,
                ),
                col_span=7,
                padding_y="0.4rem",
                background=rx.color("gray", 2),
            ),
            id="members-inside-heading",
        ),
    )


def _row(member: MemberRow) -> rx.Component:
    return rx.fragment(_inside_heading(member), _member_row(member))


def _member_row(member: MemberRow) -> rx.Component:
    href = member_href(member.id)
    selected = MembersState.selected.contains(member.id)
    return rx.table.row(
        rx.cond(
            can(*MANAGE_MEMBERSHIPS),
            rx.table.cell(
                rx.box(
                    rx.checkbox(
                        checked=selected,
                        on_change=lambda checked: MembersState.toggle_row(member.id, checked),
                        aria_label="Select " + member.name,
                    ),
                    on_click=rx.stop_propagation,
                    display="flex",
                ),
            ),
        ),
        rx.table.cell(
            row(
                avatar(member.initials),
                column(
                    rx.link(
                        member.name,
                        href=href,
                        weight="medium",
                        size="2",
                        color_scheme="gray",
                        high_contrast=True,
                        underline="hover",
                        on_click=rx.stop_propagation,
                    ),
                    muted_text(member.email, size="1", class_name="member-email"),
                    gap="0",
                    min_width="0",
                ),
                gap="3",
            ),
        ),
        rx.table.cell(tier_badge(member.tier)),
        rx.table.cell(status_badge(member.status)),
        rx.table.cell(
            column(
                rx.text(member.end, size="2"),
                ui.cue_text(member.cue, member.cue_tone, quiet_too=False),
                gap="0",
            )
        ),
        rx.table.cell(
            rx.cond(
                member.trainer != "",
                rx.text(member.trainer, size="2", white_space="nowrap"),
                muted_text("—"),
            ),
            display=["none", "none", "table-cell"],
        ),
        rx.table.cell(
            # The exact time as the browser's own tooltip: a tooltip component per row would be mounted
            # again on every keystroke's new rows.
            rx.text(
                member.last_visit,
                size="2",
                white_space="nowrap",
                color=rx.cond(member.last_visit == "Never", styles.MUTED, "inherit"),
                custom_attrs={
                    "title": rx.cond(
                        member.last_visit_exact != "", member.last_visit_exact, "No visit recorded"
                    )
                },
            ),
            display=["none", "none", "table-cell"],
        ),
        on_click=rx.redirect(href),
        align="center",
        # Keyed by position (rx.foreach's default), so a new search updates the rows in place instead
        # of mounting new ones; every cell is controlled by the row's data, so nothing goes stale.
        custom_attrs={"data-href": href, "data-selected": rx.cond(selected, "true", "false")},
    )


def table() -> rx.Component:
    return rx.box(
        ui.busy_bar(MembersState.loading & MembersState.loaded),
        rx.table.root(
            caption(MembersState.count_summary),
            _header(),
            rx.table.body(
                rx.cond(
                    MembersState.loaded,
                    rx.foreach(MembersState.rows, _row),
                    ui.skeleton_rows(6),
                )
            ),
            variant="surface",
            size="2",
            width="100%",
            class_name="thrust-members-table",
            id="members-table",
            aria_busy=rx.cond(MembersState.loading, "true", "false"),
            style={
                "opacity": rx.cond(MembersState.loading & MembersState.loaded, "0.7", "1"),
                "transition": "opacity 0.2s",
            },
        ),
        width="100%",
    )


def no_members() -> rx.Component:
    return empty_card(
        rx.cond(
            MembersState.has_filters,
            empty_panel(
                "search-x",
                rx.cond(
                    MembersState.query != "",
                    "No members match “" + MembersState.query + "”",
                    "No members match these filters",
                ),
                "Check the spelling, search by phone or email instead, or clear the filters.",
                page_action("x", "Clear filters", on_click=MembersState.clear_filters, id="clear-filters"),
            ),
            empty_panel(
                "users",
                "No members yet",
                "Add your first member, or import everyone at once from your previous system's CSV.",
                rx.cond(
                    can(*CREATE_MEMBERS),
                    rx.hstack(
                        page_action("user-plus", "Add member", on_click=MemberFormState.open_create),
                        quiet_action("upload", "Import CSV", icon_size=16, on_click=ImportState.open_import),
                        spacing="3",
                    ),
                ),
                tone="accent",
            ),
        ),
        size="1",
        id="members-empty",
    )


def error_panel() -> rx.Component:
    return alert_notice(
        "triangle-alert",
        toolbar(
            rx.text(MembersState.error),
            rx.spacer(),
            rx.button("Try again", size="1", variant="soft", color_scheme="red", on_click=MembersState.retry),
            gap="3",
        ),
        icon_size=18,
        text_props={"width": "100%"},
        id="members-error",
    )


def pager() -> rx.Component:
    return flow(
        muted_text(MembersState.range_label, id="members-range"),
        rx.spacer(),
        row(
            muted_text("Rows per page", display=["none", "inline"]),
            rx.select.root(
                rx.select.trigger(aria_label="Rows per page", variant="ghost"),
                rx.select.content(*[rx.select.item(size, value=size) for size in PAGE_SIZES]),
                value=MembersState.limit.to_string(),
                on_change=MembersState.set_page_size,
                size="2",
            ),
            muted_text(MembersState.page_label, min_width="6rem", text_align="center"),
            arrow_button(
                "left",
                "Previous page",
                disabled=(MembersState.page <= 1) | MembersState.loading,
                on_click=MembersState.go_to_page(MembersState.page - 1),
            ),
            arrow_button(
                "right",
                "Next page",
                disabled=~MembersState.has_next | MembersState.loading,
                on_click=MembersState.go_to_page(MembersState.page + 1),
            ),
        ),
        gap="0.75rem",
    )
