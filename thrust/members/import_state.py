"""State of the members import: upload a CSV, map its columns, check it (nothing written), then import
every row or none, with progress. The upload waits on disk (thrust/members/uploads.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import threading
import time
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import choice_arg
from thrust.auth.background import background_actor, background_requires
from thrust.auth.guard import requires
from thrust.auth.state import user_bound
from thrust.core.errors import DomainError
from thrust.gym.clock import today as clock_today
from thrust.members import csv_import
from thrust.members.capabilities import CREATE_MEMBERS
from thrust.members.directory_state import MembersState
from thrust.members.uploads import drop_upload, read_upload, store_upload
from thrust.ui.background import follow
from thrust.ui.feedback import in_unit_of_work, saved_toast
from thrust.ui.format import count_label

log = logging.getLogger("thrust.members")


@dataclasses.dataclass
class MappingRow:
    column: str = ""
    field: str = ""  # "" shows as "ignore"
    sample: str = ""


@dataclasses.dataclass
class ProblemRow:
    line: int = 0
    field: str = ""
    message: str = ""


IGNORE = "ignore"
MAX_PROBLEMS_SHOWN = 200
STALE_IMPORT_SECONDS = 15 * 60
PROGRESS_SECONDS = 0.25  # how often the running import reports its progress
IMPORT_STEPS = ("upload", "map", "report", "importing", "done")


def _first_problem(error: DomainError) -> str:
    """What is wrong with the file or the mapping, in one line: the first field's message, if any."""
    return error.details[0].message if error.details else error.message


class _Progress:
    """Shared between the import's worker thread and the background event that reports it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = 0
        self.total = 0

    def update(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, total

    def read(self) -> tuple[int, int]:
        with self.lock:
            return self.done, self.total


@user_bound
class ImportState(rx.State):
    """Upload a CSV, map its columns, check it (nothing written), then import every row or none."""

    open: bool = False
    step: str = "upload"
    file_name: str = ""
    file_size: str = ""
    row_count: int = 0
    mapping: list[MappingRow] = []
    date_format: str = "YYYY-MM-DD"
    mapping_error: str = ""
    checking: bool = False

    ready: int = 0
    rows_with_errors: int = 0
    problems: list[ProblemRow] = []
    problems_hidden: int = 0
    duplicate_emails: list[str] = []
    can_import: bool = False

    progress: int = 0
    progress_label: str = ""
    imported: int = 0
    error: str = ""

    _upload: str = ""
    _checked: str = ""  # the mapping + format a clean dry run approved; the import must match it
    _running: bool = False
    _running_since: float = 0.0

    def _busy(self) -> bool:
        """An import is running (one that started long ago died with its server: forget it)."""
        if self._running and time.time() - self._running_since > STALE_IMPORT_SECONDS:
            self._running = False
        return self._running

    @rx.var
    def import_label(self) -> str:
        return f"Import {count_label(self.ready, 'member')}"

    @rx.var
    def field_choices(self) -> list[list[str]]:
        return [[IGNORE, "Ignore this column"], *[[key, label] for key, label in csv_import.FIELDS.items()]]

    # -- opening and closing -----------------------------------------------------------------------

    def _clear(self) -> None:
        drop_upload(self._upload)
        self._upload = self._checked = ""
        self.step = "upload"
        self.file_name = self.file_size = self.mapping_error = self.error = ""
        self.row_count = self.ready = self.rows_with_errors = self.problems_hidden = 0
        self.mapping, self.problems, self.duplicate_emails = [], [], []
        self.can_import = self.checking = False
        self.progress, self.progress_label, self.imported = 0, "", 0

    @rx.event
    @requires(*CREATE_MEMBERS)
    def open_import(self) -> None:
        if not self._busy():
            self._clear()
        self.open = True

    @rx.event
    @requires(*CREATE_MEMBERS)
    def close_import(self) -> Any:
        self.open = False
        if self._busy():
            return rx.toast.info("The import continues; it finishes as one transaction.")
        finished = self.step == "done"
        self._clear()
        return MembersState.retry if finished else None

    @rx.event
    @requires(*CREATE_MEMBERS)
    def start_over(self) -> None:
        if not self._busy():
            self._clear()

    @rx.event
    @requires(*CREATE_MEMBERS)
    async def download_template(self) -> Any:
        today = await in_unit_of_work(clock_today, read_only=True)
        return rx.download(data=csv_import.template_csv(today), filename="thrust-members-template.csv")

    # -- upload and mapping ------------------------------------------------------------------------

    @rx.event
    @requires(*CREATE_MEMBERS)
    async def upload(self, files: list[rx.UploadFile]) -> Any:
        """Keep the file (at most 5 MB, checked before parsing) and suggest a column for each field."""
        if self._busy():
            return rx.toast.info("An import is running; wait for it to finish.")
        if not isinstance(files, list) or len(files) != 1:
            return rx.toast.error("Choose one CSV file.")
        upload = files[0]
        data = await upload.read(csv_import.MAX_IMPORT_BYTES + 1)
        if len(data) > csv_import.MAX_IMPORT_BYTES:
            return rx.toast.error(f"The file is larger than {csv_import.MAX_IMPORT_BYTES // 2**20} MB.")

        def work() -> tuple[str, csv_import.CsvFile, dict[str, str]]:
            stored, parsed = store_upload(data)
            return stored, parsed, csv_import.suggest_mapping(parsed.headers)

        try:
            stored, parsed, suggested = await asyncio.to_thread(work)
        except DomainError as error:
            self.error = _first_problem(error)
            return rx.toast.error(self.error)
        self._clear()
        self._upload = stored
        self.file_name = (upload.name or "members.csv")[:120]
        self.file_size = f"{len(data) / 1024:,.0f} KB" if len(data) >= 1024 else f"{len(data)} bytes"
        self.row_count = len(parsed.rows)
        samples = parsed.rows[0] if parsed.rows else []
        self.mapping = [
            MappingRow(
                column=header,
                field=suggested.get(header) or IGNORE,
                sample=(samples[index] if index < len(samples) else "")[:60],
            )
            for index, header in enumerate(parsed.headers)
        ]
        self.step = "map"
        return None

    @rx.event
    @requires(*CREATE_MEMBERS)
    def set_field(self, column: str, field: str) -> None:
        column = choice_arg(column, "column", [row.column for row in self.mapping] or [""])
        field = choice_arg(field, "field", (IGNORE, *csv_import.FIELDS))
        self.mapping = [
            dataclasses.replace(row, field=field if row.column == column else row.field)
            for row in self.mapping
        ]
        self.mapping_error = ""
        self.can_import = False

    @rx.event
    @requires(*CREATE_MEMBERS)
    def set_date_format(self, value: str) -> None:
        self.date_format = choice_arg(value, "date format", tuple(csv_import.DATE_FORMATS))
        self.can_import = False

    def _mapping_dict(self) -> dict[str, str]:
        return {row.column: ("" if row.field == IGNORE else row.field) for row in self.mapping}

    def _job(self) -> tuple[str, dict[str, str], str]:
        """What a dry run or the import reads: the stored upload, the column mapping, the date format."""
        return self._upload, self._mapping_dict(), self.date_format

    def _fingerprint(self) -> str:
        return json.dumps([self._upload, self._mapping_dict(), self.date_format], sort_keys=True)

    # -- the dry run -------------------------------------------------------------------------------

    @rx.event
    @requires(*CREATE_MEMBERS)
    def check(self) -> Any:
        """The dry run: every row checked as the form would, duplicates found; nothing written.

        20,000 rows take seconds, so it runs as a background event (the tab stays responsive).
        """
        if self._busy() or not self._upload or self.checking:
            return None
        self.checking = True
        self.mapping_error = ""
        return ImportState.run_check

    @rx.event(background=True)
    @background_requires(*CREATE_MEMBERS, on_refusal=lambda state: setattr(state, "checking", False))
    async def run_check(self) -> Any:
        actor = background_actor()
        async with self:
            if not self.checking or not self._upload:
                self.checking = False
                return None
            name, mapping, date_format = self._job()
            checked = self._fingerprint()

        def work(session: Session) -> csv_import.ImportPlan:
            return csv_import.plan_import(session, actor, read_upload(name), mapping, date_format)

        try:
            plan = await in_unit_of_work(work, read_only=True)
        except DomainError as error:
            async with self:
                self.checking = False
                self.mapping_error = _first_problem(error)
                return rx.toast.error(self.mapping_error)
        async with self:
            self.checking = False
            self.ready = plan.ready
            self.rows_with_errors = plan.rows_with_errors
            self.problems = [
                ProblemRow(p.line, csv_import.FIELDS.get(p.field, p.field), p.message)
                for p in plan.problems[:MAX_PROBLEMS_SHOWN]
            ]
            self.problems_hidden = max(0, len(plan.problems) - MAX_PROBLEMS_SHOWN)
            self.duplicate_emails = plan.duplicate_emails[:50]
            # Approved only for exactly what was checked (a change of mapping meanwhile withdraws it).
            self.can_import = plan.can_import and checked == self._fingerprint()
            self._checked = checked if self.can_import else ""
            self.row_count = plan.total_rows
            self.error = ""
            self.step = "report"
        return None

    @rx.event
    @requires(*CREATE_MEMBERS)
    def back_to_mapping(self) -> None:
        if not self._busy() and self._upload:
            self.step = "map"

    # -- the import --------------------------------------------------------------------------------

    @rx.event
    @requires(*CREATE_MEMBERS)
    def start_import(self) -> Any:
        """Only what a clean dry run approved, unchanged since, may be imported."""
        if self._busy():
            return None
        if not self.can_import or not self._checked or self._checked != self._fingerprint():
            return rx.toast.error("Check the file first; only a file without problems can be imported.")
        self._running, self._running_since = True, time.time()
        self.step = "importing"
        self.progress, self.progress_label, self.error = 0, "Checking every row once more…", ""
        return ImportState.run_import

    @rx.event(background=True)
    @background_requires(*CREATE_MEMBERS, on_refusal=lambda state: setattr(state, "_running", False))
    async def run_import(self) -> Any:
        """Import in one transaction in a worker thread, reporting progress as the rows go in."""
        actor = background_actor()
        async with self:
            if not self._running:
                return None
            name, mapping, date_format = self._job()

        progress = _Progress()

        def work(session: Session) -> int:
            data = read_upload(name)
            return csv_import.run_import(
                session, actor, data, mapping, date_format, on_progress=progress.update
            )

        async def report(_task: asyncio.Future[Any]) -> None:
            done, total = progress.read()
            if total:
                async with self:
                    self.progress = min(99, round(100 * done / total))
                    self.progress_label = f"Importing {done:,} of {total:,} members…"

        task = asyncio.ensure_future(in_unit_of_work(work))
        await follow(task, every=PROGRESS_SECONDS, tick=report)
        async with self:
            self._running = False
            try:
                imported = task.result()
            except DomainError as error:
                self.step = "report"
                self.can_import = False
                self._checked = ""
                self.error = error.message + " Nothing was imported."
                return rx.toast.error(self.error)
            except Exception:
                log.exception("a members import failed")
                self.step = "report"
                self.can_import = False
                self.error = "The import failed and was rolled back; nothing was imported."
                return rx.toast.error(self.error)
            drop_upload(self._upload)
            self._upload = self._checked = ""
            self.imported = imported
            self.progress, self.progress_label = 100, f"Imported {imported:,} members"
            self.step = "done"
            return saved_toast(f"Imported {count_label(imported, 'member')}")
