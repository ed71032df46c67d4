"""The members pages: the directory (search, filters, bulk actions, export, import) and a member's
profile, with the add/edit form and the delete confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.members import components as ui
from thrust.members.capabilities import CREATE_MEMBERS, MANAGE_MEMBERSHIPS, VIEW_MEMBERS
from thrust.members.csv_import import DATE_FORMATS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from thrust.members.state import (
    ALL,
    EXPIRED,
    EXPIRING_DAYS,
    GENDER_CHOICES,
    NO_TRAINER,
    PAGE_SIZES,
    ImportState,
    MappingRow,
    MemberFormState,
    MemberRow,
    MembersState,
    ProblemRow,
    ProfileState,
    VisitRow,
)
from thrust.models import MembershipTier, MemberStatus
from thrust.reminders.components import reminders_card
from thrust.reminders.state import ReminderHistoryState
from thrust.ui import routes, styles
from thrust.ui.a11y import caption, scroll_region
from thrust.ui.forms import field, invalid_attrs, text_input
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav
from thrust.ui.shell import can

UPLOAD_ID = "members-import"
# Quick typists (keys ~100 ms apart) send one search per pause; a search takes a few ms on the server.
SEARCH_DEBOUNCE_MS = 100
MB = MAX_IMPORT_BYTES // 2**20
# The bulk actions on a selection: (action, label, icon, colour), in the status badges' colours.
BULK_BUTTONS = (
    ("activate", "Activate", "circle-check", "green"),
    ("deactivate", "Deactivate", "circle-pause", "gray"),
    ("freeze", "Freeze", "snowflake", "cyan"),
)


def member_href(member_id: Any) -> Any:
    return routes.MEMBERS + "/" + member_id


def _err(name: str) -> rx.Var:
    return MemberFormState.errors.get(name, "").to(str)


# -- the directory: toolbar and filters ---------------------------------------------------------------


def _search_box() -> rx.Component:
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        rx.input.slot(
            rx.cond(
                MembersState.loading,
                rx.spinner(size="2", class_name="thrust-delayed"),
                rx.cond(
                    MembersState.query != "",
                    rx.icon_button(
                        rx.icon("x", size=14),
                        variant="ghost",
                        size="1",
                        color_scheme="gray",
                        on_click=MembersState.search(""),
                        aria_label="Clear the search",
                    ),
                ),
            ),
            side="right",
        ),
        value=MembersState.query,
        on_change=MembersState.search,
        debounce_timeout=SEARCH_DEBOUNCE_MS,
        placeholder="Search name, email or phone…",
        aria_label="Search members",
        id="member-search",
        type="search",
        auto_complete="off",
        size="3",
        width="100%",
        max_width=["100%", "100%", "26rem"],
    )


def _export_button() -> rx.Component:
    return rx.button(
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
        variant="soft",
        color_scheme="gray",
        size="2",
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        _search_box(),
        rx.spacer(display=["none", "none", "block"]),
        rx.hstack(
            _export_button(),
            rx.cond(
                can(*CREATE_MEMBERS),
                rx.hstack(
                    rx.button(
                        rx.icon("upload", size=16),
                        "Import",
                        variant="soft",
                        color_scheme="gray",
                        on_click=ImportState.open_import,
                        id="import-members",
                    ),
                    rx.button(
                        rx.icon("user-plus", size=16),
                        "Add member",
                        on_click=MemberFormState.open_create,
                        id="add-member",
                    ),
                    spacing="2",
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        gap="0.75rem",
        align="center",
        width="100%",
        direction=rx.breakpoints(initial="column", md="row"),
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
    return rx.hstack(
        rx.icon("sliders-horizontal", size=16, color=styles.MUTED),
        _filter(
            "Status",
            MembersState.status,
            MembersState.filter_status,
            [
                rx.select.item("All statuses", value=ALL),
                *[rx.select.item(ui.STATUS_LABELS[s.value], value=s.value) for s in MemberStatus],
            ],
            "filter-status",
        ),
        _filter(
            "Tier",
            MembersState.tier,
            MembersState.filter_tier,
            [
                rx.select.item("All tiers", value=ALL),
                *[rx.select.item(ui.TIER_LABELS[t.value], value=t.value) for t in MembershipTier],
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
            ],
            "filter-membership",
        ),
        rx.cond(
            MembersState.has_filters,
            rx.button(
                rx.icon("x", size=14),
                "Clear filters",
                variant="ghost",
                color_scheme="gray",
                size="2",
                on_click=MembersState.clear_filters,
            ),
        ),
        rx.spacer(),
        rx.text(
            MembersState.count_summary, size="2", color=styles.MUTED, weight="medium", id="members-count"
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        width="100%",
    )


# -- the directory: selection and bulk actions -----------------------------------------------------------


def _bulk_bar() -> rx.Component:
    has_selection = (MembersState.selected.length() > 0) | MembersState.all_matching
    return rx.cond(
        can(*MANAGE_MEMBERSHIPS) & has_selection,
        rx.flex(
            rx.hstack(
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
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.spacer(),
            rx.hstack(
                *[
                    rx.button(
                        rx.icon(icon, size=15),
                        label,
                        variant="soft",
                        color_scheme=tone,
                        size="2",
                        on_click=MembersState.ask_bulk(action),
                    )
                    for action, label, icon, tone in BULK_BUTTONS
                ],
                rx.icon_button(
                    rx.icon("x", size=15),
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    on_click=MembersState.clear_selection,
                    aria_label="Clear the selection",
                ),
                spacing="2",
                wrap="wrap",
            ),
            gap="0.75rem",
            align="center",
            wrap="wrap",
            width="100%",
            padding="0.6rem 0.9rem",
            border_radius="var(--radius-4)",
            background="var(--accent-a3)",
            border="1px solid var(--accent-a6)",
            role="region",
            aria_label="Bulk actions",
        ),
    )


def _bulk_dialog() -> rx.Component:
    what = rx.match(
        MembersState.bulk_action,
        ("activate", "They become active at once and can check in again."),
        ("freeze", "Their memberships are paused: they cannot check in until activated again."),
        "They become inactive and cannot check in. Their history stays; you can activate them later.",
    )
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(MembersState.bulk_title),
            rx.alert_dialog.description(
                rx.vstack(
                    rx.text(what, size="2"),
                    rx.text("All of them change together, in one step.", size="2", color=styles.MUTED),
                    spacing="2",
                ),
            ),
            rx.hstack(
                # No handler of its own: Reflex would wrap it in a box that Radix then focuses instead
                # of the button (the dialog's on_open_change says it closed).
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    rx.match(
                        MembersState.bulk_action,
                        ("activate", "Activate"),
                        ("freeze", "Freeze"),
                        "Deactivate",
                    ),
                    " ",
                    MembersState.bulk_count.to_string(),
                    color_scheme=rx.match(
                        MembersState.bulk_action, ("activate", "green"), ("freeze", "cyan"), "red"
                    ),
                    loading=MembersState.bulk_busy,
                    on_click=MembersState.confirm_bulk,
                    id="confirm-bulk",
                ),
                spacing="3",
                justify="end",
                margin_top="1.25rem",
            ),
            max_width="30rem",
        ),
        open=MembersState.bulk_open,
        on_open_change=MembersState.cancel_bulk,  # only ever called to close: Cancel or Escape
    )


# -- the directory: the table ------------------------------------------------------------------------------


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


def _row(row: MemberRow) -> rx.Component:
    href = member_href(row.id)
    selected = MembersState.selected.contains(row.id)
    return rx.table.row(
        rx.cond(
            can(*MANAGE_MEMBERSHIPS),
            rx.table.cell(
                rx.box(
                    rx.checkbox(
                        checked=selected,
                        on_change=lambda checked: MembersState.toggle_row(row.id, checked),
                        aria_label="Select " + row.name,
                    ),
                    on_click=rx.stop_propagation,
                    display="flex",
                ),
            ),
        ),
        rx.table.cell(
            rx.hstack(
                ui.avatar(row.initials),
                rx.vstack(
                    rx.link(
                        row.name,
                        href=href,
                        weight="medium",
                        size="2",
                        color_scheme="gray",
                        high_contrast=True,
                        underline="hover",
                        on_click=rx.stop_propagation,
                    ),
                    rx.text(row.email, size="1", color=styles.MUTED, class_name="member-email"),
                    spacing="0",
                    min_width="0",
                ),
                align="center",
                spacing="3",
            ),
        ),
        rx.table.cell(ui.tier_badge(row.tier)),
        rx.table.cell(ui.status_badge(row.status)),
        rx.table.cell(
            rx.vstack(
                rx.text(row.end, size="2"),
                ui.cue_text(row.cue, row.cue_tone, quiet_too=False),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.cond(
                row.trainer != "",
                rx.text(row.trainer, size="2", white_space="nowrap"),
                rx.text("—", size="2", color=styles.MUTED),
            ),
            display=["none", "none", "table-cell"],
        ),
        rx.table.cell(
            # The exact time as the browser's own tooltip: a tooltip component per row would be mounted
            # again on every keystroke's new rows.
            rx.text(
                row.last_visit,
                size="2",
                white_space="nowrap",
                color=rx.cond(row.last_visit == "Never", styles.MUTED, "inherit"),
                custom_attrs={
                    "title": rx.cond(row.last_visit_exact != "", row.last_visit_exact, "No visit recorded")
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


def _table() -> rx.Component:
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


def _empty() -> rx.Component:
    return rx.card(
        rx.cond(
            MembersState.has_filters,
            ui.panel(
                "search-x",
                rx.cond(
                    MembersState.query != "",
                    "No members match “" + MembersState.query + "”",
                    "No members match these filters",
                ),
                "Check the spelling, search by phone or email instead, or clear the filters.",
                rx.button(
                    rx.icon("x", size=16),
                    "Clear filters",
                    on_click=MembersState.clear_filters,
                    id="clear-filters",
                ),
            ),
            ui.panel(
                "users",
                "No members yet",
                "Add your first member, or import everyone at once from your previous system's CSV.",
                rx.cond(
                    can(*CREATE_MEMBERS),
                    rx.hstack(
                        rx.button(
                            rx.icon("user-plus", size=16), "Add member", on_click=MemberFormState.open_create
                        ),
                        rx.button(
                            rx.icon("upload", size=16),
                            "Import CSV",
                            variant="soft",
                            color_scheme="gray",
                            on_click=ImportState.open_import,
                        ),
                        spacing="3",
                    ),
                ),
                tone="accent",
            ),
        ),
        size="1",
        width="100%",
        id="members-empty",
    )


def _error() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert", size=18)),
        rx.callout.text(
            rx.hstack(
                rx.text(MembersState.error),
                rx.spacer(),
                rx.button(
                    "Try again", size="1", variant="soft", color_scheme="red", on_click=MembersState.retry
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            width="100%",
        ),
        color_scheme="red",
        role="alert",
        width="100%",
        id="members-error",
    )


def _pager() -> rx.Component:
    return rx.flex(
        rx.text(MembersState.range_label, size="2", color=styles.MUTED, id="members-range"),
        rx.spacer(),
        rx.hstack(
            rx.text("Rows per page", size="2", color=styles.MUTED, display=["none", "inline"]),
            rx.select.root(
                rx.select.trigger(aria_label="Rows per page", variant="ghost"),
                rx.select.content(*[rx.select.item(size, value=size) for size in PAGE_SIZES]),
                value=MembersState.limit.to_string(),
                on_change=MembersState.set_page_size,
                size="2",
            ),
            rx.text(
                MembersState.page_label, size="2", color=styles.MUTED, min_width="6rem", text_align="center"
            ),
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                variant="soft",
                color_scheme="gray",
                disabled=(MembersState.page <= 1) | MembersState.loading,
                on_click=MembersState.go_to_page(MembersState.page - 1),
                aria_label="Previous page",
            ),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                variant="soft",
                color_scheme="gray",
                disabled=~MembersState.has_next | MembersState.loading,
                on_click=MembersState.go_to_page(MembersState.page + 1),
                aria_label="Next page",
            ),
            align="center",
            spacing="2",
        ),
        align="center",
        width="100%",
        gap="0.75rem",
        wrap="wrap",
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
            _error(),
            ui.panel("user-round", "Members are managed by the staff", MembersState.error),
        ),
        rx.cond(
            MembersState.loaded & (MembersState.total == 0) & ~MembersState.loading,
            _empty(),
            rx.vstack(_table(), _pager(), spacing="3", width="100%"),
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
    return rx.vstack(
        ui.page_styles(),
        _toolbar(),
        _filters(),
        _bulk_bar(),
        _results(),
        _bulk_dialog(),
        member_form_dialog(),
        import_dialog(),
        spacing="4",
        width="100%",
    )


# -- the member form (add and edit) -------------------------------------------------------------------------


def _select(
    name: str, control_id: str, default: rx.Var, items: list[rx.Component], **props: Any
) -> rx.Component:
    # The trigger is what takes focus: it says when its field has a message, and which.
    attrs = invalid_attrs(control_id, _err(name))
    return rx.select.root(
        rx.select.trigger(id=control_id, width="100%", custom_attrs=attrs),
        rx.select.content(*items, position="popper"),
        name=name,
        default_value=default,
        size="3",
        **props,
    )


def _two(*children: rx.Component) -> rx.Component:
    return rx.grid(*children, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%")


def _text_field(label: str, name: str, control_id: str, default: rx.Var, **props: Any) -> rx.Component:
    optional = props.pop("optional", False)
    hint = props.pop("hint", None)
    return field(
        label,
        text_input(name=name, control_id=control_id, error=_err(name), default_value=default, **props),
        control_id=control_id,
        error=_err(name),
        optional=optional,
        hint=hint,
    )


def _admin_field(label: str, name: str, control_id: str, default: rx.Var, **props: Any) -> rx.Component:
    """A field only admins change (the members service's ADMIN_ONLY_FIELDS): an input for them; for
    anyone else the value shown read-only, under a name no service field has, so it changes nothing."""
    locked_id = f"{control_id}-locked"
    locked = field(
        label,
        rx.input(
            id=locked_id,
            name=f"{name}ReadOnly",  # named: Reflex would send an unnamed one under its id (deprecated)
            default_value=default,
            read_only=True,
            size="3",
            width="100%",
            variant="soft",
            color_scheme="gray",
            type=props.get("type", "text"),
            custom_attrs={"aria-describedby": f"{locked_id}-hint"},
        ),
        control_id=locked_id,
        hint="Set by the gym's admins",
    )
    return rx.cond(
        MemberFormState.can_edit_membership, _text_field(label, name, control_id, default, **props), locked
    )


def _membership_fields() -> rx.Component:
    values = MemberFormState.values
    editable = _two(
        field(
            "Tier",
            _select(
                "membershipTier",
                "member-tier",
                values.membershipTier,
                [rx.select.item(ui.TIER_LABELS[t.value], value=t.value) for t in MembershipTier],
            ),
            control_id="member-tier",
            error=_err("membershipTier"),
        ),
        field(
            "Status",
            _select(
                "status",
                "member-status",
                values.status,
                [rx.select.item(ui.STATUS_LABELS[s.value], value=s.value) for s in MemberStatus],
            ),
            control_id="member-status",
            error=_err("status"),
        ),
    )
    trainer = field(
        "Trainer",
        _select(
            "assignedTrainerId",
            "member-trainer",
            values.assignedTrainerId,
            [
                rx.select.item("No trainer", value=NO_TRAINER),
                rx.foreach(MemberFormState.trainers, lambda t: rx.select.item(t.name, value=t.id)),
            ],
        ),
        control_id="member-trainer",
        error=_err("assignedTrainerId"),
        optional=True,
    )
    read_only = rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("lock", size=14, color=styles.MUTED),
                rx.text("Set by the gym's admins", size="1", color=styles.MUTED, weight="medium"),
                align="center",
                spacing="2",
            ),
            rx.hstack(
                ui.tier_badge(values.membershipTier, size="2"),
                ui.status_badge(values.status, size="2"),
                rx.text("Trainer: " + values.trainerName, size="2"),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
        ),
        variant="surface",
        width="100%",
        id="membership-read-only",
    )
    return rx.cond(
        MemberFormState.can_edit_membership,
        rx.vstack(editable, trainer, spacing="4", width="100%"),
        read_only,
    )


def member_form_dialog() -> rx.Component:
    values = MemberFormState.values
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(MemberFormState.editing, "Edit member", "Add a member")),
            rx.dialog.description(
                rx.cond(
                    MemberFormState.editing,
                    "Changes apply at once. The member's email is also their sign-in.",
                    "Creates the member and their login. They set a password through “Forgot password”.",
                ),
                size="2",
                color=styles.MUTED,
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    _two(
                        _text_field(
                            "Full name", "fullName", "member-name", values.fullName, auto_complete="off"
                        ),
                        _admin_field(
                            "Email",
                            "email",
                            "member-email",
                            values.email,
                            type="text",
                            input_mode="email",
                            auto_complete="off",
                        ),
                    ),
                    _two(
                        _text_field(
                            "Phone", "phone", "member-phone", values.phone, type="tel", optional=True
                        ),
                        _text_field(
                            "Date of birth",
                            "dateOfBirth",
                            "member-dob",
                            values.dateOfBirth,
                            type="date",
                            optional=True,
                        ),
                    ),
                    field(
                        "Gender",
                        _select(
                            "gender",
                            "member-gender",
                            values.gender,
                            [
                                rx.select.item(label, value=value)
                                for value, label in zip(
                                    GENDER_CHOICES, ("Not given", "Male", "Female", "Other"), strict=True
                                )
                            ],
                        ),
                        control_id="member-gender",
                        error=_err("gender"),
                        optional=True,
                    ),
                    rx.separator(size="4"),
                    rx.heading("Membership", size="3"),
                    _two(
                        _admin_field(
                            "Starts", "membershipStart", "member-start", values.membershipStart, type="date"
                        ),
                        _admin_field(
                            "Ends", "membershipEnd", "member-end", values.membershipEnd, type="date"
                        ),
                    ),
                    _membership_fields(),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                "Cancel",
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                                on_click=MemberFormState.close,
                            )
                        ),
                        rx.button(
                            rx.icon("check", size=16),
                            rx.cond(MemberFormState.editing, "Save changes", "Add member"),
                            type="submit",
                            loading=MemberFormState.saving,
                            id="save-member",
                        ),
                        spacing="3",
                        justify="end",
                        width="100%",
                        padding_top="0.5rem",
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=MemberFormState.save,
                reset_on_submit=False,
                key=MemberFormState.form_key,
                id="member-form",
                width="100%",
            ),
            max_width="40rem",
            on_escape_key_down=MemberFormState.close,
            on_interact_outside=rx.prevent_default,
        ),
        open=MemberFormState.open,
    )


# -- CSV import ----------------------------------------------------------------------------------------------


def _step(number: str, label: str, steps: tuple[str, ...]) -> rx.Component:
    current = ImportState.step
    active = rx.Var.create(list(steps)).contains(current)
    return rx.hstack(
        rx.center(
            rx.text(number, size="1", weight="bold"),
            width="1.5rem",
            height="1.5rem",
            border_radius="50%",
            background=rx.cond(active, "var(--accent-9)", "var(--gray-a4)"),
            color=rx.cond(active, "white", styles.MUTED),
        ),
        rx.text(
            label,
            size="2",
            weight=rx.cond(active, "bold", "regular"),
            color=rx.cond(active, "inherit", styles.MUTED),
        ),
        align="center",
        spacing="2",
    )


def _steps() -> rx.Component:
    line = rx.box(height="1px", flex="1", background="var(--gray-a5)", min_width="1rem")
    return rx.hstack(
        _step("1", "Upload", ("upload",)),
        line,
        _step("2", "Match columns", ("map",)),
        line,
        _step("3", "Check", ("report",)),
        line,
        _step("4", "Import", ("importing", "done")),
        align="center",
        spacing="3",
        width="100%",
        margin_bottom="1rem",
    )


def _import_alert(message: rx.Var, **props: Any) -> rx.Component:
    """A problem with the import so far (a file it cannot read, a mapping it cannot use), if any."""
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert", size=16)),
            rx.callout.text(message),
            color_scheme="red",
            size="1",
            width="100%",
            role="alert",
            **props,
        ),
    )


def _labelled_upload(upload: rx.Component, label: str) -> rx.Component:
    """Name the file input inside `rx.upload.root` (Reflex builds it, with no way to pass attributes).

    The keyboard reaches the zone's "Choose a file" button (the zone itself is left out of the tab
    order with `no_keyboard`: react-dropzone would make it a focusable element with no role).
    """
    zone = upload.children[0]
    file_input = zone.children[0]
    file_input.custom_attrs["aria-label"] = label
    return upload


def _upload_step() -> rx.Component:
    return rx.vstack(
        _labelled_upload(
            rx.upload.root(
                rx.vstack(
                    rx.center(
                        rx.icon("file-spreadsheet", size=26, color="var(--accent-11)"),
                        width="3.5rem",
                        height="3.5rem",
                        border_radius="50%",
                        background="var(--accent-a3)",
                    ),
                    rx.text("Drop a CSV file here, or choose one", size="3", weight="medium"),
                    # Its click reaches the zone, which opens the file chooser.
                    rx.button(
                        rx.icon("folder-open", size=16),
                        "Choose a file",
                        type="button",
                        variant="soft",
                        id="import-choose-file",
                    ),
                    rx.text(
                        f"At most {MB} MB and {MAX_IMPORT_ROWS:,} rows. Comma, semicolon or tab separated; "
                        "UTF-8 or Latin-1.",
                        size="2",
                        color=styles.MUTED,
                        text_align="center",
                    ),
                    align="center",
                    spacing="2",
                ),
                id=UPLOAD_ID,
                accept={
                    "text/csv": [".csv"],
                    "text/plain": [".csv", ".txt"],
                    "application/vnd.ms-excel": [".csv"],
                },
                max_files=1,
                multiple=False,
                max_size=MAX_IMPORT_BYTES,
                no_keyboard=True,
                on_drop=ImportState.upload(rx.upload_files(upload_id=UPLOAD_ID)),
                on_drop_rejected=rx.toast.error(
                    f"Choose one CSV file of at most {MB} MB.", title="That file was not accepted"
                ),
                border="2px dashed var(--gray-a7)",
                border_radius="var(--radius-4)",
                padding="2.5rem 1rem",
                width="100%",
                cursor="pointer",
                class_name="thrust-dropzone",
            ),
            "Choose a CSV file to import",
        ),
        _import_alert(ImportState.error),
        rx.flex(
            rx.hstack(
                rx.icon("lightbulb", size=15, color=styles.MUTED, min_width="15px", margin_top="0.2rem"),
                rx.text(
                    "Coming from another system? Any column names work: you match them to THRUST's fields "
                    "next. Nothing is saved until you confirm the import.",
                    size="2",
                    color=styles.MUTED,
                ),
                align="start",
                spacing="2",
                flex="1",
                min_width="16rem",
            ),
            rx.button(
                rx.icon("file-down", size=15),
                "Template CSV",
                variant="soft",
                color_scheme="gray",
                size="2",
                on_click=ImportState.download_template,
                id="import-template",
            ),
            gap="1rem",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def _mapping_row(row: MappingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.column, weight="medium", size="2")),
        rx.table.cell(
            rx.text(
                rx.cond(row.sample != "", row.sample, "—"), size="1", color=styles.MUTED, class_name="mono"
            )
        ),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(aria_label="Field for column " + row.column, width="100%"),
                rx.select.content(
                    rx.foreach(
                        ImportState.field_choices, lambda choice: rx.select.item(choice[1], value=choice[0])
                    )
                ),
                value=row.field,
                on_change=lambda value: ImportState.set_field(row.column, value),
                size="2",
            ),
            min_width="12rem",
        ),
        align="center",
    )


def _map_step() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("file-check", size=18, color="var(--green-11)"),
            rx.text(ImportState.file_name, weight="medium", size="2"),
            rx.text(
                ImportState.file_size + " · " + ImportState.row_count.to_string() + " rows",
                size="2",
                color=styles.MUTED,
            ),
            rx.spacer(),
            rx.button("Choose another file", variant="ghost", size="1", on_click=ImportState.start_over),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(
            "We guessed which field each column holds; check the guesses. Columns set to “Ignore” are "
            "skipped. Full name, email and membership end are required.",
            size="2",
            color=styles.MUTED,
        ),
        rx.scroll_area(
            rx.table.root(
                caption("Columns of your file and the THRUST field each one fills"),
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Column in your file"),
                        rx.table.column_header_cell("First row"),
                        rx.table.column_header_cell("THRUST field"),
                    )
                ),
                rx.table.body(rx.foreach(ImportState.mapping, _mapping_row)),
                size="1",
                variant="surface",
                width="100%",
                id="import-mapping",
            ),
            max_height="18rem",
            type="auto",
            scrollbars="vertical",
        ),
        rx.hstack(
            rx.text("Dates in the file look like", size="2"),
            rx.select.root(
                rx.select.trigger(aria_label="Date format", id="import-date-format"),
                rx.select.content(*[rx.select.item(f, value=f) for f in DATE_FORMATS]),
                value=ImportState.date_format,
                on_change=ImportState.set_date_format,
                size="2",
            ),
            align="center",
            spacing="3",
        ),
        _import_alert(ImportState.mapping_error, id="import-mapping-error"),
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("list-checks", size=16),
                "Check the file",
                on_click=ImportState.check,
                loading=ImportState.checking,
                id="import-check",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _count_tile(icon: str, tone: str, value: Any, label: Any, tile_id: str) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(icon, size=20, color=f"var(--{tone}-11)"),
            rx.vstack(
                rx.text(value, size="5", weight="bold", line_height="1.1"),
                rx.text(label, size="1", color=styles.MUTED),
                spacing="0",
            ),
            align="center",
            spacing="3",
        ),
        size="1",
        width="100%",
        id=tile_id,
    )


def _problem_row(problem: ProblemRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(problem.line.to_string(), size="2", weight="medium")),
        rx.table.cell(rx.text(problem.field, size="2")),
        rx.table.cell(rx.text(problem.message, size="2")),
    )


def _report_step() -> rx.Component:
    return rx.vstack(
        rx.grid(
            _count_tile(
                "circle-check",
                "green",
                ImportState.ready.to_string(),
                rx.cond(ImportState.ready == 1, "row ready", "rows ready"),
                "import-ready",
            ),
            _count_tile(
                "circle-x",
                "red",
                ImportState.rows_with_errors.to_string(),
                rx.cond(ImportState.rows_with_errors == 1, "row with problems", "rows with problems"),
                "import-bad",
            ),
            _count_tile(
                "copy",
                "amber",
                ImportState.duplicate_emails.length().to_string(),
                rx.cond(ImportState.duplicate_emails.length() == 1, "duplicate email", "duplicate emails"),
                "import-dupes",
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        _import_alert(ImportState.error),
        rx.cond(
            ImportState.problems.length() > 0,
            rx.vstack(
                rx.callout.root(
                    rx.callout.icon(rx.icon("shield-alert", size=16)),
                    rx.callout.text(
                        "Nothing was saved. Fix these rows in your file (or change the column matches) and "
                        "check again: the import runs only when every row is ready."
                    ),
                    color_scheme="amber",
                    size="1",
                    width="100%",
                ),
                scroll_region(
                    "Problems found",
                    rx.table.root(
                        caption("Problems found in the file"),
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Line", width="4.5rem"),
                                rx.table.column_header_cell("Field", width="9rem"),
                                rx.table.column_header_cell("Problem"),
                            )
                        ),
                        rx.table.body(rx.foreach(ImportState.problems, _problem_row)),
                        size="1",
                        variant="surface",
                        width="100%",
                        id="import-problems",
                    ),
                    max_height="16rem",
                    width="100%",
                ),
                rx.cond(
                    ImportState.problems_hidden > 0,
                    rx.text(
                        "…and " + ImportState.problems_hidden.to_string() + " more problems.",
                        size="1",
                        color=styles.MUTED,
                    ),
                ),
                rx.cond(
                    ImportState.duplicate_emails.length() > 0,
                    rx.text(
                        "Duplicate emails: " + ImportState.duplicate_emails.join(", "),
                        size="1",
                        color=styles.MUTED,
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check", size=16)),
                rx.callout.text(
                    "Every row is ready. Nothing has been saved yet: the import adds all "
                    + ImportState.ready.to_string()
                    + " members in one step, or none if anything goes wrong."
                ),
                color_scheme="green",
                size="1",
                width="100%",
            ),
        ),
        rx.hstack(
            rx.button(
                rx.icon("arrow-left", size=16),
                "Back to columns",
                variant="soft",
                color_scheme="gray",
                on_click=ImportState.back_to_mapping,
            ),
            rx.spacer(),
            rx.button(
                rx.icon("upload", size=16),
                ImportState.import_label,
                disabled=~ImportState.can_import,
                on_click=ImportState.start_import,
                id="import-run",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _importing_step() -> rx.Component:
    return rx.vstack(
        rx.text(ImportState.progress_label, size="2", weight="medium", id="import-progress-label"),
        rx.progress(value=ImportState.progress, max=100, size="3", width="100%", id="import-progress"),
        rx.text(
            "The members are added in one transaction: all of them, or none if something fails. "
            "You can close this window; the import continues.",
            size="2",
            color=styles.MUTED,
        ),
        spacing="3",
        width="100%",
        padding_y="1rem",
    )


def _done_step() -> rx.Component:
    return ui.panel(
        "party-popper",
        "Imported " + ImportState.imported.to_string() + " members",
        "They are in the directory now, each with a login that works once they set a password.",
        rx.button("Show the directory", on_click=ImportState.close_import, id="import-done"),
        tone="green",
        id="import-finished",
    )


def import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title("Import members from a CSV file", margin="0"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("x", size=16),
                    variant="ghost",
                    color_scheme="gray",
                    on_click=ImportState.close_import,
                    aria_label="Close",
                ),
                align="center",
                width="100%",
                margin_bottom="0.75rem",
            ),
            _steps(),
            rx.match(
                ImportState.step,
                ("map", _map_step()),
                ("report", _report_step()),
                ("importing", _importing_step()),
                ("done", _done_step()),
                _upload_step(),
            ),
            max_width="52rem",
            width="100%",
            on_escape_key_down=ImportState.close_import,
            on_interact_outside=rx.prevent_default,
            id="import-dialog",
        ),
        open=ImportState.open,
    )


# -- a member's profile ---------------------------------------------------------------------------------


def _status_actions() -> rx.Component:
    status = ProfileState.member.status
    return rx.cond(
        ProfileState.can_edit_membership,
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
                rx.cond(
                    status != "ACTIVE",
                    rx.menu.item(
                        rx.hstack(rx.icon("circle-check", size=15), rx.text("Activate"), align="center"),
                        on_select=ProfileState.change_status("activate"),
                    ),
                ),
                rx.cond(
                    status != "FROZEN",
                    rx.menu.item(
                        rx.hstack(rx.icon("snowflake", size=15), rx.text("Freeze"), align="center"),
                        on_select=ProfileState.change_status("freeze"),
                    ),
                ),
                rx.cond(
                    status != "INACTIVE",
                    rx.menu.item(
                        rx.hstack(rx.icon("circle-pause", size=15), rx.text("Deactivate"), align="center"),
                        on_select=ProfileState.change_status("deactivate"),
                    ),
                ),
            ),
        ),
    )


def _profile_header() -> rx.Component:
    m = ProfileState.member
    return rx.card(
        rx.flex(
            rx.hstack(
                rx.avatar(fallback=m.initials, size="6", radius="full", variant="soft"),
                rx.vstack(
                    rx.hstack(
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
                        align="center",
                        spacing="3",
                        wrap="wrap",
                    ),
                    rx.hstack(
                        ui.tier_badge(m.tier, size="2"),
                        ui.status_badge(m.status, size="2"),
                        ui.cue_text(m.cue, m.cue_tone, size="2"),
                        align="center",
                        spacing="2",
                        wrap="wrap",
                    ),
                    rx.text(
                        m.email,
                        rx.cond(m.phone != "", " · " + m.phone, ""),
                        size="2",
                        color=styles.MUTED,
                    ),
                    spacing="2",
                    align="start",
                ),
                spacing="4",
                align="center",
            ),
            rx.spacer(),
            rx.hstack(
                rx.cond(
                    ProfileState.can_edit,
                    rx.button(
                        rx.icon("pencil", size=16),
                        "Edit",
                        on_click=MemberFormState.open_edit(m.id),
                        id="edit-member",
                    ),
                ),
                _status_actions(),
                rx.cond(
                    ProfileState.can_delete,
                    rx.button(
                        rx.icon("trash-2", size=16),
                        "Delete",
                        variant="soft",
                        color_scheme="red",
                        on_click=ProfileState.ask_delete,
                        id="delete-member",
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            gap="1rem",
            align=rx.breakpoints(initial="start", md="center"),
            direction=rx.breakpoints(initial="column", md="row"),
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _stats() -> rx.Component:
    m = ProfileState.member
    return rx.grid(
        ui.stat_tile("calendar-check", "Visits, last 30 days", m.visits_30.to_string()),
        ui.stat_tile("timer", "Average visit", m.average_visit, tone="iris"),
        ui.stat_tile("history", "Last visit", m.last_visit, tone="green"),
        ui.stat_tile(
            "calendar-clock",
            "Membership ends",
            m.end,
            m.ends_in,
            tone=rx.match(m.cue_tone, ("red", "red"), ("amber", "amber"), "gray"),
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="3",
        width="100%",
    )


def _section(title: str, icon: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=17, color="var(--accent-11)"), rx.heading(title, size="3"), align="center"
            ),
            rx.vstack(*children, spacing="0", width="100%"),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _details() -> rx.Component:
    m = ProfileState.member
    return rx.grid(
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
            ui.detail_row("Tier", ui.tier_badge(m.tier)),
            ui.detail_row("Status", ui.status_badge(m.status)),
            ui.detail_row("Started", m.start),
            ui.detail_row(
                "Ends",
                rx.hstack(
                    ui.cue_text(m.cue, m.cue_tone, quiet_too=False),
                    rx.text(m.end, size="2", weight="medium"),
                    spacing="2",
                    align="center",
                ),
            ),
            ui.detail_row("Trainer", rx.cond(m.trainer != "", m.trainer, "No trainer")),
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )


def _visit_row(visit: VisitRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(visit.day, size="2", weight="medium")),
        rx.table.cell(visit.checked_in),
        rx.table.cell(
            rx.cond(
                visit.open,
                rx.badge("Still inside", color_scheme="green", variant="soft"),
                rx.hstack(
                    rx.text(visit.checked_out),
                    rx.cond(
                        visit.automatic,
                        rx.tooltip(
                            rx.badge("auto", color_scheme="gray", variant="outline", size="1"),
                            content="Checked out automatically",
                        ),
                    ),
                    spacing="2",
                    align="center",
                ),
            )
        ),
        rx.table.cell(rx.cond(visit.duration != "", visit.duration, "—")),
        align="center",
    )


def _visits() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("footprints", size=17, color="var(--accent-11)"),
                rx.heading("Visit history", size="3"),
                rx.spacer(),
                rx.text(ProfileState.visits_label, size="2", color=styles.MUTED, id="visits-range"),
                align="center",
                width="100%",
            ),
            rx.cond(
                ProfileState.visits_total > 0,
                rx.vstack(
                    rx.table.root(
                        caption("Visit history"),
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Day"),
                                rx.table.column_header_cell("In"),
                                rx.table.column_header_cell("Out"),
                                rx.table.column_header_cell("Length"),
                            )
                        ),
                        rx.table.body(rx.foreach(ProfileState.visits, _visit_row)),
                        size="1",
                        width="100%",
                        id="visits-table",
                    ),
                    rx.hstack(
                        rx.spacer(),
                        rx.icon_button(
                            rx.icon("chevron-left", size=16),
                            variant="soft",
                            color_scheme="gray",
                            size="1",
                            disabled=ProfileState.visits_page <= 1,
                            on_click=ProfileState.show_visits_page(ProfileState.visits_page - 1),
                            aria_label="Newer visits",
                        ),
                        rx.icon_button(
                            rx.icon("chevron-right", size=16),
                            variant="soft",
                            color_scheme="gray",
                            size="1",
                            disabled=ProfileState.visits_page >= ProfileState.visits_pages,
                            on_click=ProfileState.show_visits_page(ProfileState.visits_page + 1),
                            aria_label="Older visits",
                        ),
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.text(
                    "No visits yet. They appear here from the first check-in.", size="2", color=styles.MUTED
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete " + ProfileState.member.name + "?"),
            rx.alert_dialog.description(
                rx.vstack(
                    rx.text(ProfileState.delete_summary, size="2", id="delete-impact"),
                    rx.callout.root(
                        rx.callout.icon(rx.icon("lightbulb", size=16)),
                        rx.callout.text(
                            "Leaving or taking a break? Deactivate instead: they can no longer check in, "
                            "and their history stays."
                        ),
                        color_scheme="amber",
                        size="1",
                    ),
                    spacing="3",
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.spacer(),
                rx.button(
                    rx.icon("circle-pause", size=16),
                    "Deactivate instead",
                    variant="soft",
                    on_click=ProfileState.deactivate_instead,
                    id="deactivate-instead",
                ),
                rx.button(
                    rx.icon("trash-2", size=16),
                    "Delete for good",
                    color_scheme="red",
                    on_click=ProfileState.confirm_delete,
                    id="confirm-delete",
                ),
                gap="0.75rem",
                margin_top="1.25rem",
                wrap="wrap",
            ),
            max_width="32rem",
        ),
        open=ProfileState.delete_open,
        on_open_change=ProfileState.cancel_delete,  # only ever called to close: Cancel or Escape
    )


def _back_link() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("arrow-left", size=15), rx.text("All members", size="2"), align="center", spacing="1"
        ),
        href=routes.MEMBERS,
        color_scheme="gray",
        underline="hover",
        id="back-to-members",
    )


def _profile_skeleton() -> rx.Component:
    return rx.vstack(
        rx.skeleton(rx.box(height="7rem", width="100%")),
        rx.grid(
            *[rx.skeleton(rx.box(height="4.5rem")) for _ in range(4)], columns="4", spacing="3", width="100%"
        ),
        rx.skeleton(rx.box(height="14rem", width="100%")),
        spacing="3",
        width="100%",
    )


# Anyone signed in: the members service decides whose profile each viewer may see.
@page(
    routes.MEMBER,
    "Member",
    needs=SIGNED_IN,
    on_load=[ProfileState.open_profile, ReminderHistoryState.load_reminders],
)
def member_page() -> rx.Component:
    return rx.vstack(
        ui.page_styles(),
        _back_link(),
        rx.cond(
            ~ProfileState.loaded,
            _profile_skeleton(),
            rx.cond(
                ProfileState.error != "",
                rx.card(
                    ui.panel(
                        "user-x",
                        "Member not available",
                        ProfileState.error,
                        rx.button(
                            rx.icon("arrow-left", size=16),
                            "Back to the members",
                            on_click=rx.redirect(routes.MEMBERS),
                        ),
                    ),
                    width="100%",
                    id="member-missing",
                ),
                rx.vstack(
                    _profile_header(),
                    _stats(),
                    _details(),
                    _visits(),
                    reminders_card(),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        _delete_dialog(),
        member_form_dialog(),
        spacing="4",
        width="100%",
    )
