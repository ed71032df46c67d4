"""The members directory page: search, filters, the selection's bulk actions, export, and the results
(thrust/members/directory_table.py), with the add and import dialogs."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.members import components as ui
from thrust.members.capabilities import CREATE_MEMBERS, MANAGE_MEMBERSHIPS, VIEW_MEMBERS
from thrust.members.directory_rows import ALL, EXPIRED, EXPIRING_DAYS, NO_TRAINER, STARTED_THIS_MONTH
from thrust.members.directory_state import MembersState
from thrust.members.directory_table import error_panel, no_members, pager, table
from thrust.members.form_dialog import member_form_dialog
from thrust.members.form_state import MemberFormState
from thrust.members.import_dialog import import_dialog
from thrust.members.import_state import ImportState
from thrust.models import MembershipTier, MemberStatus
from thrust.ui import routes, styles
from thrust.ui.a11y import landmark
from thrust.ui.badges import STATUS_LABELS, TIER_LABELS
from thrust.ui.buttons import action_button, dismiss_button, page_action, quiet_action, quiet_button
from thrust.ui.cards import empty_panel
from thrust.ui.dialogs import confirm_dialog
from thrust.ui.forms import search_input
from thrust.ui.layout import actions, column, flow, header_bar, row, stacked, toolbar
from thrust.ui.pages import page
from thrust.ui.registry import Nav
from thrust.ui.shell import can
from thrust.ui.text import muted_text

# The bulk actions on a selection: (action, label, icon, colour), in the status badges' colours.
BULK_BUTTONS = (
    ("activate", "Activate", "circle-check", "green"),
    ("deactivate", "Deactivate", "circle-pause", "gray"),
    ("freeze", "Freeze", "snowflake", "cyan"),
)


def _search_box() -> rx.Component:
    return search_input(
        rx.input.slot(
            rx.cond(
                MembersState.loading,
                rx.spinner(size="2", class_name="thrust-delayed"),
                rx.cond(
                    MembersState.query != "",
                    dismiss_button(
                        "Clear the search", icon_size=14, size="1", on_click=MembersState.search("")
                    ),
                ),
            ),
            side="right",
        ),
        value=MembersState.query,
        on_change=MembersState.search,
        placeholder="Search name, email or phone…",
        aria_label="Search members",
        id="member-search",
        type="search",
        max_width=["100%", "100%", "26rem"],
    )


def _export_button() -> rx.Component:
    return quiet_button(
        rx.el.a(
            rx.icon("download", size=16),
            "Export CSV",
            href=MembersState.export_href,
            download="",
            id="export-members",
            # Reflex renders internal links as router links; this one must reach the server (a download).
            custom_attrs={"reloadDocument": True},
        ),
        as_child=True,
        size="2",
    )


def _toolbar() -> rx.Component:
    return header_bar(
        _search_box(),
        rx.spacer(display=["none", "none", "block"]),
        actions(
            _export_button(),
            rx.cond(
                can(*CREATE_MEMBERS),
                rx.hstack(
                    quiet_action(
                        "upload",
                        "Import",
                        icon_size=16,
                        on_click=ImportState.open_import,
                        id="import-members",
                    ),
                    page_action(
                        "user-plus",
                        "Add member",
                        on_click=MemberFormState.open_create,
                        id="add-member",
                    ),
                    spacing="2",
                ),
            ),
        ),
        gap="0.75rem",
        align="center",
        align_items=rx.breakpoints(initial="stretch", md="center"),
    )


def _filter(
    label: str, value: rx.Var, on_change: Any, items: list[rx.Component], control_id: str
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=control_id, variant="surface", min_width="9.5rem"),
        rx.select.content(*items, position="popper"),
        value=value,
        on_change=on_change,
        size="2",
    )


def _filters() -> rx.Component:
    return toolbar(
        rx.icon("sliders-horizontal", size=16, color=styles.MUTED),
        _filter(
            "Status",
            MembersState.status,
            MembersState.filter_status,
            [
                rx.select.item("All statuses", value=ALL),
                *[rx.select.item(STATUS_LABELS[s.value], value=s.value) for s in MemberStatus],
            ],
            "filter-status",
        ),
        _filter(
            "Tier",
            MembersState.tier,
            MembersState.filter_tier,
            [
                rx.select.item("All tiers", value=ALL),
                *[rx.select.item(TIER_LABELS[t.value], value=t.value) for t in MembershipTier],
            ],
            "filter-tier",
        ),
        rx.select.root(
            rx.select.trigger(
                aria_label="Trainer", id="filter-trainer", variant="surface", min_width="10rem"
            ),
            rx.select.content(
                rx.select.item("All trainers", value=ALL),
                rx.select.item("No trainer", value=NO_TRAINER),
                rx.select.separator(),
                rx.foreach(MembersState.trainers, lambda t: rx.select.item(t.name, value=t.id)),
                position="popper",
            ),
            value=MembersState.trainer,
            on_change=MembersState.filter_trainer,
            size="2",
        ),
        _filter(
            "Membership",
            MembersState.membership,
            MembersState.filter_membership,
            [
                rx.select.item("Any end date", value=ALL),
                *[rx.select.item(f"Ends within {d} days", value=d) for d in EXPIRING_DAYS],
                rx.select.item("Expired", value=EXPIRED),
                rx.select.item("Started this month", value=STARTED_THIS_MONTH),
            ],
            "filter-membership",
        ),
        rx.cond(
            MembersState.has_filters,
            action_button(
                "x",
                "Clear filters",
                variant="ghost",
                color_scheme="gray",
                size="2",
                on_click=MembersState.clear_filters,
            ),
        ),
        rx.spacer(),
        muted_text(MembersState.count_summary, weight="medium", id="members-count"),
    )


# -- the directory: selection and bulk actions -----------------------------------------------------------


def _bulk_bar() -> rx.Component:
    has_selection = (MembersState.selected.length() > 0) | MembersState.all_matching
    return rx.cond(
        can(*MANAGE_MEMBERSHIPS) & has_selection,
        flow(
            row(
                rx.icon("list-checks", size=18, color="var(--accent-11)"),
                rx.text(MembersState.selection_label, size="2", weight="medium", id="selection-label"),
                rx.cond(
                    MembersState.page_selected
                    & ~MembersState.all_matching
                    & (~MembersState.total_exact | (MembersState.total > MembersState.rows.length())),
                    rx.button(
                        MembersState.select_all_label,
                        variant="ghost",
                        size="1",
                        on_click=MembersState.select_all_matching,
                        id="select-all-matching",
                    ),
                ),
                wrap="wrap",
            ),
            rx.spacer(),
            actions(
                *[
                    action_button(
                        icon,
                        label,
                        icon_size=15,
                        variant="soft",
                        color_scheme=tone,
                        size="2",
                        on_click=MembersState.ask_bulk(action),
                    )
                    for action, label, icon, tone in BULK_BUTTONS
                ],
                dismiss_button(
                    "Clear the selection", icon_size=15, size="2", on_click=MembersState.clear_selection
                ),
            ),
            gap="0.75rem",
            padding="0.6rem 0.9rem",
            border_radius="var(--radius-4)",
            background="var(--accent-a3)",
            border="1px solid var(--accent-a6)",
            **landmark("Bulk actions"),
        ),
    )


def _bulk_dialog() -> rx.Component:
    what = rx.match(
        MembersState.bulk_action,
        ("activate", "They become active at once and can check in again."),
        ("freeze", "Their memberships are paused: they cannot check in until activated again."),
        "They become inactive and cannot check in. Their history stays; you can activate them later.",
    )
    return confirm_dialog(
        MembersState.bulk_title,
        column(rx.text(what, size="2"), muted_text("All of them change together, in one step.")),
        rx.button(
            rx.match(MembersState.bulk_action, ("activate", "Activate"), ("freeze", "Freeze"), "Deactivate"),
            " ",
            MembersState.bulk_count.to_string(),
            color_scheme=rx.match(MembersState.bulk_action, ("activate", "green"), ("freeze", "cyan"), "red"),
            loading=MembersState.bulk_busy,
            on_click=MembersState.confirm_bulk,
            id="confirm-bulk",
        ),
        open=MembersState.bulk_open,
        on_open_change=MembersState.cancel_bulk,  # only ever called to close: Cancel or Escape
        max_width="30rem",
    )


def _results() -> rx.Component:
    return rx.box(_result_body(), **_result_attrs())


def _result_attrs() -> dict[str, Any]:
    # What the results shown answer, rows or none (for browser tests and the keystroke benchmark).
    return {
        "id": "members-results",
        "width": "100%",
        "aria_busy": rx.cond(MembersState.loading, "true", "false"),
        "custom_attrs": {"data-query": MembersState.query},
    }


def _result_body() -> rx.Component:
    return rx.cond(
        (MembersState.error != "") & MembersState.loaded,
        rx.cond(
            can(*VIEW_MEMBERS),
            error_panel(),
            empty_panel("user-round", "Members are managed by the staff", MembersState.error),
        ),
        rx.cond(
            MembersState.loaded & (MembersState.total == 0) & ~MembersState.loading,
            no_members(),
            stacked(table(), pager(), gap="3"),
        ),
    )


@page(
    routes.MEMBERS,
    "Members",
    needs=VIEW_MEMBERS,
    on_load=[MembersState.open_directory],
    nav=Nav(2, "users"),
)
def members_page() -> rx.Component:
    return stacked(
        ui.page_styles(),
        _toolbar(),
        _filters(),
        _bulk_bar(),
        _results(),
        _bulk_dialog(),
        member_form_dialog(),
        import_dialog(),
    )
