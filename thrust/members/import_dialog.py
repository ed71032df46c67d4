"""The members import dialog: upload a CSV, match its columns, check it, import it (four steps)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.members.csv_import import DATE_FORMATS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from thrust.members.import_state import ImportState, MappingRow, ProblemRow
from thrust.ui import styles
from thrust.ui.a11y import scroll_region
from thrust.ui.buttons import dismiss_button, page_action, quiet_action
from thrust.ui.cards import alert_notice, empty_panel, notice, wide_card
from thrust.ui.dialogs import work_dialog
from thrust.ui.layout import column, end_row, flow, grid, row, stacked, toolbar
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text

UPLOAD_ID = "members-import"
MB = MAX_IMPORT_BYTES // 2**20


def _step(number: str, label: str, steps: tuple[str, ...]) -> rx.Component:
    current = ImportState.step
    active = rx.Var.create(list(steps)).contains(current)
    return row(
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
    )


def _steps() -> rx.Component:
    line = rx.box(height="1px", flex="1", background="var(--gray-a5)", min_width="1rem")
    return row(
        _step("1", "Upload", ("upload",)),
        line,
        _step("2", "Match columns", ("map",)),
        line,
        _step("3", "Check", ("report",)),
        line,
        _step("4", "Import", ("importing", "done")),
        gap="3",
        width="100%",
        margin_bottom="1rem",
    )


def _import_alert(message: rx.Var, **props: Any) -> rx.Component:
    """A problem with the import so far (a file it cannot read, a mapping it cannot use), if any."""
    return rx.cond(
        message != "",
        alert_notice("circle-alert", message, size="1", **props),
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
    return stacked(
        _labelled_upload(
            rx.upload.root(
                column(
                    rx.center(
                        rx.icon("file-spreadsheet", size=26, color="var(--accent-11)"),
                        width="3.5rem",
                        height="3.5rem",
                        border_radius="50%",
                        background="var(--accent-a3)",
                    ),
                    rx.text("Drop a CSV file here, or choose one", size="3", weight="medium"),
                    # Its click reaches the zone, which opens the file chooser.
                    page_action(
                        "folder-open",
                        "Choose a file",
                        type="button",
                        variant="soft",
                        id="import-choose-file",
                    ),
                    muted_text(
                        f"At most {MB} MB and {MAX_IMPORT_ROWS:,} rows. Comma, semicolon or tab separated; "
                        "UTF-8 or Latin-1.",
                        text_align="center",
                    ),
                    align="center",
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
        flow(
            row(
                rx.icon("lightbulb", size=15, color=styles.MUTED, min_width="15px", margin_top="0.2rem"),
                muted_text(
                    "Coming from another system? Any column names work: you match them to THRUST's fields "
                    "next. Nothing is saved until you confirm the import.",
                ),
                align="start",
                flex="1",
                min_width="16rem",
            ),
            quiet_action(
                "file-down",
                "Template CSV",
                icon_size=15,
                size="2",
                on_click=ImportState.download_template,
                id="import-template",
            ),
        ),
        gap="3",
    )


def _mapping_row(mapped: MappingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(mapped.column, weight="medium", size="2")),
        rx.table.cell(
            muted_text(rx.cond(mapped.sample != "", mapped.sample, "—"), size="1", class_name="mono")
        ),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(aria_label="Field for column " + mapped.column, width="100%"),
                rx.select.content(
                    rx.foreach(
                        ImportState.field_choices, lambda choice: rx.select.item(choice[1], value=choice[0])
                    )
                ),
                value=mapped.field,
                on_change=lambda value: ImportState.set_field(mapped.column, value),
                size="2",
            ),
            min_width="12rem",
        ),
        align="center",
    )


def _map_step() -> rx.Component:
    return stacked(
        toolbar(
            rx.icon("file-check", size=18, color="var(--green-11)"),
            rx.text(ImportState.file_name, weight="medium", size="2"),
            muted_text(ImportState.file_size + " · " + ImportState.row_count.to_string() + " rows"),
            rx.spacer(),
            rx.button("Choose another file", variant="ghost", size="1", on_click=ImportState.start_over),
            gap="3",
        ),
        muted_text(
            "We guessed which field each column holds; check the guesses. Columns set to “Ignore” are "
            "skipped. Full name, email and membership end are required.",
        ),
        rx.scroll_area(
            captioned_table(
                "Columns of your file and the THRUST field each one fills",
                ("Column in your file", "First row", "THRUST field"),
                ImportState.mapping,
                _mapping_row,
                variant="surface",
                id="import-mapping",
            ),
            max_height="18rem",
            type="auto",
            scrollbars="vertical",
        ),
        row(
            rx.text("Dates in the file look like", size="2"),
            rx.select.root(
                rx.select.trigger(aria_label="Date format", id="import-date-format"),
                rx.select.content(*[rx.select.item(f, value=f) for f in DATE_FORMATS]),
                value=ImportState.date_format,
                on_change=ImportState.set_date_format,
                size="2",
            ),
            gap="3",
        ),
        _import_alert(ImportState.mapping_error, id="import-mapping-error"),
        end_row(
            page_action(
                "list-checks",
                "Check the file",
                on_click=ImportState.check,
                loading=ImportState.checking,
                id="import-check",
            ),
        ),
        gap="3",
    )


def _count_tile(icon: str, tone: str, count: Any, one: str, many: str, tile_id: str) -> rx.Component:
    """How many rows (or emails) the check found of one kind: "1 row ready", "12 rows with problems"."""
    value, label = count.to_string(), rx.cond(count == 1, one, many)
    return wide_card(
        row(
            rx.icon(icon, size=20, color=f"var(--{tone}-11)"),
            column(
                rx.text(value, size="5", weight="bold", line_height="1.1"),
                muted_text(label, size="1"),
                gap="0",
            ),
            gap="3",
        ),
        size="1",
        id=tile_id,
    )


def _problem_row(problem: ProblemRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(problem.line.to_string(), size="2", weight="medium")),
        rx.table.cell(rx.text(problem.field, size="2")),
        rx.table.cell(rx.text(problem.message, size="2")),
    )


def _report_step() -> rx.Component:
    return stacked(
        grid(
            _count_tile(
                "circle-check", "green", ImportState.ready, "row ready", "rows ready", "import-ready"
            ),
            _count_tile(
                "circle-x",
                "red",
                ImportState.rows_with_errors,
                "row with problems",
                "rows with problems",
                "import-bad",
            ),
            _count_tile(
                "copy",
                "amber",
                ImportState.duplicate_emails.length(),
                "duplicate email",
                "duplicate emails",
                "import-dupes",
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            gap="3",
        ),
        _import_alert(ImportState.error),
        rx.cond(
            ImportState.problems.length() > 0,
            stacked(
                notice(
                    "shield-alert",
                    "Nothing was saved. Fix these rows in your file (or change the column matches) and "
                    "check again: the import runs only when every row is ready.",
                    tone="amber",
                    size="1",
                    width="100%",
                ),
                scroll_region(
                    "Problems found",
                    captioned_table(
                        "Problems found in the file",
                        (("Line", "4.5rem"), ("Field", "9rem"), "Problem"),
                        ImportState.problems,
                        _problem_row,
                        variant="surface",
                        id="import-problems",
                    ),
                    max_height="16rem",
                    width="100%",
                ),
                rx.cond(
                    ImportState.problems_hidden > 0,
                    muted_text(
                        "…and " + ImportState.problems_hidden.to_string() + " more problems.", size="1"
                    ),
                ),
                rx.cond(
                    ImportState.duplicate_emails.length() > 0,
                    muted_text("Duplicate emails: " + ImportState.duplicate_emails.join(", "), size="1"),
                ),
                gap="2",
            ),
            notice(
                "circle-check",
                "Every row is ready. Nothing has been saved yet: the import adds all "
                + ImportState.ready.to_string()
                + " members in one step, or none if anything goes wrong.",
                tone="green",
                size="1",
                width="100%",
            ),
        ),
        rx.hstack(
            quiet_action("arrow-left", "Back to columns", icon_size=16, on_click=ImportState.back_to_mapping),
            rx.spacer(),
            page_action(
                "upload",
                ImportState.import_label,
                disabled=~ImportState.can_import,
                on_click=ImportState.start_import,
                id="import-run",
            ),
            width="100%",
        ),
        gap="3",
    )


def _importing_step() -> rx.Component:
    return stacked(
        rx.text(ImportState.progress_label, size="2", weight="medium", id="import-progress-label"),
        rx.progress(value=ImportState.progress, max=100, size="3", width="100%", id="import-progress"),
        muted_text(
            "The members are added in one transaction: all of them, or none if something fails. "
            "You can close this window; the import continues.",
        ),
        gap="3",
        padding_y="1rem",
    )


def _done_step() -> rx.Component:
    return empty_panel(
        "party-popper",
        "Imported " + ImportState.imported.to_string() + " members",
        "They are in the directory now, each with a login that works once they set a password.",
        rx.button("Show the directory", on_click=ImportState.close_import, id="import-done"),
        tone="green",
        id="import-finished",
    )


def import_dialog() -> rx.Component:
    return work_dialog(
        row(
            rx.dialog.title("Import members from a CSV file", margin="0"),
            rx.spacer(),
            dismiss_button("Close", on_click=ImportState.close_import),
            gap="3",
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
        open=ImportState.open,
        on_close=ImportState.close_import,
        max_width="52rem",
        width="100%",
        id="import-dialog",
    )
