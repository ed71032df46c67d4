"""The Jobs tab of the settings page (admins): what runs on its own, how it went, and "Run now"."""

from __future__ import annotations

import reflex as rx

from thrust.system.jobs_state import JobRow, JobsState
from thrust.ui import styles
from thrust.ui.a11y import caption, sr_only
from thrust.ui.badges import outcome_badge
from thrust.ui.buttons import action_button
from thrust.ui.forms import section

_STATUS_COLORS = {"ok": "green", "failed": "red", "running": "blue", "interrupted": "amber"}


def _job(row: JobRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.title, weight="medium"),
                rx.text(row.description, size="1", color=styles.MUTED),
                rx.text(row.schedule, size="1", color=styles.MUTED),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                outcome_badge(row.status_label, row.status, _STATUS_COLORS),
                rx.text(row.last_run, size="1", color=styles.MUTED),
                rx.text(row.result, size="1"),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(row.next_run, size="2")),
        rx.table.cell(
            action_button(
                "play",
                "Run now",
                size="1",
                variant="soft",
                disabled=row.status == "running",
                on_click=JobsState.run_now(row.name),
            ),
            justify="end",
        ),
        id="job-" + row.name,
    )


def jobs_tab() -> rx.Component:
    return section(
        "Jobs",
        "What THRUST does on its own. Each run happens once, whichever server runs it; a run missed "
        "while THRUST was stopped happens once when it starts again. Times are the gym's.",
        rx.hstack(
            rx.spacer(),
            action_button("refresh-cw", "Refresh", size="1", variant="ghost", on_click=JobsState.load_jobs),
            width="100%",
        ),
        rx.cond(
            ~JobsState.loaded,
            rx.skeleton(rx.box(height="10rem", width="100%"), loading=True),
            rx.table.root(
                caption("Scheduled jobs"),
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Job"),
                        rx.table.column_header_cell("Last run"),
                        rx.table.column_header_cell("Next run"),
                        rx.table.column_header_cell(sr_only("Run")),
                    )
                ),
                rx.table.body(rx.foreach(JobsState.rows, _job)),
                variant="surface",
                size="2",
                width="100%",
                id="jobs-table",
            ),
        ),
    )
