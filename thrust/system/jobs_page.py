"""The Jobs tab of the settings page (admins): what runs on its own, how it went, and "Run now"."""

from __future__ import annotations

import reflex as rx

from thrust.system.jobs_state import JobRow, JobsState
from thrust.ui.a11y import sr_only
from thrust.ui.badges import outcome_badge
from thrust.ui.buttons import action_button
from thrust.ui.forms import section
from thrust.ui.layout import column, end_row
from thrust.ui.tables import captioned_table
from thrust.ui.text import muted_text

_STATUS_COLORS = {"ok": "green", "failed": "red", "running": "blue", "interrupted": "amber"}


def _job(job: JobRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            column(
                rx.text(job.title, weight="medium"),
                muted_text(job.description, size="1"),
                muted_text(job.schedule, size="1"),
                gap="0",
            )
        ),
        rx.table.cell(
            column(
                outcome_badge(job.status_label, job.status, _STATUS_COLORS),
                muted_text(job.last_run, size="1"),
                rx.text(job.result, size="1"),
                gap="1",
            )
        ),
        rx.table.cell(rx.text(job.next_run, size="2")),
        rx.table.cell(
            action_button(
                "play",
                "Run now",
                size="1",
                variant="soft",
                disabled=job.status == "running",
                on_click=JobsState.run_now(job.name),
            ),
            justify="end",
        ),
        id="job-" + job.name,
    )


def jobs_tab() -> rx.Component:
    return section(
        "Jobs",
        "What THRUST does on its own. Each run happens once, whichever server runs it; a run missed "
        "while THRUST was stopped happens once when it starts again. Times are the gym's.",
        end_row(
            action_button("refresh-cw", "Refresh", size="1", variant="ghost", on_click=JobsState.load_jobs),
        ),
        rx.cond(
            ~JobsState.loaded,
            rx.skeleton(rx.box(height="10rem", width="100%"), loading=True),
            captioned_table(
                "Scheduled jobs",
                ("Job", "Last run", "Next run", rx.table.column_header_cell(sr_only("Run"))),
                JobsState.rows,
                _job,
                size="2",
                variant="surface",
                id="jobs-table",
            ),
        ),
    )
