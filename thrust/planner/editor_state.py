"""State of the planner page: the member being planned for, their plans, and the plan being written.

The plan's document lives on the server (`_doc`); every edit changes it through `editing.py`, checks it
at once (field messages beside each input) and rebuilds the visible week's rows. Nothing is saved until
"Save": the service checks it again, refuses a save over someone else's newer one (version), and
makes the plan its member's only active one when asked."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import reflex as rx

from thrust.auth.arguments import BadArgument, bool_arg, form_values, int_arg, text_arg, uuid_arg
from thrust.auth.guard import requires
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import Conflict, DomainError
from thrust.planner import editing, editor_io
from thrust.planner.capabilities import BUILD_PLANS, USE_TEMPLATES
from thrust.planner.document import DAYS_IN_WEEK, MAX_EXERCISES_PER_DAY, MAX_WEEKS
from thrust.planner.editor_view import DayCard, PlanCard, WeekTab, completion_label, day_cards, week_tabs
from thrust.planner.progress import Completion
from thrust.ui.feedback import error_toast, in_unit_of_work, refusals, saved_toast

UNSAVED = "Unsaved changes"
NOT_SAVED_YET = "New plan: not saved yet"
SAVE_FIRST = "Save or discard this plan's changes first."
MAX_QUERY = 100
MAX_TEXT = 5000  # the longest text an input sends (the service's limits are lower and named)


def _position(value: object, name: str, items: list[Any]) -> int:
    """A position in `items` sent by the page; BadArgument (a toast) when there is no such item."""
    index = int_arg(value, name, minimum=0, maximum=max(len(items) - 1, 0))
    if index >= len(items):
        raise BadArgument(name, "names nothing on the page")
    return index


@user_bound
class PlannerState(rx.State):
    """The planner (staff who build plans; the services keep each to the members they may see)."""

    # The member
    member_query: str = ""
    member_options: list[editor_io.MemberOption] = []
    member_id: str = ""
    member_name: str = ""
    plans: list[PlanCard] = []
    templates: list[editor_io.TemplateOption] = []
    # The plan being written ("" id: a new plan, not saved yet)
    editing: bool = False
    plan_id: str = ""
    version: int = 0
    title: str = ""
    starts_on: str = ""  # yyyy-mm-dd or ""
    make_active: bool = True  # a new plan: replace the member's active plan when saved
    is_active: bool = False
    may_delete: bool = False
    summary: str = ""
    progression_notes: str = ""
    tips: str = ""  # one a line
    week: int = 0
    week_focus: str = ""
    week_count: int = 0
    weeks: list[WeekTab] = []
    days: list[DayCard] = []
    can_add_day: bool = True
    # What is wrong and what is saved
    title_error: str = ""
    starts_on_error: str = ""
    plan_error: str = ""  # about the plan as a whole (its summary, tips, notes, weeks)
    focus_error: str = ""
    problem_count: int = 0
    dirty: bool = False
    saving: bool = False
    status: str = ""  # "Saved at 14:02", "Unsaved changes"
    conflict: str = ""  # someone else saved since this plan was opened
    progress_label: str = ""  # "5 of 12 days done · 80% of the days due so far"
    progress_percent: int = 0

    _doc: dict[str, Any] = {}
    _messages: dict[str, str] = {}
    _server_messages: dict[str, str] = {}
    _starts: date | None = None
    _done: set[tuple[int, int]] = set()
    _completion: Completion | None = None
    _dragged: tuple[int, int] | None = None

    # -- the view ------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Check the document and rebuild what the page shows of it."""
        self._messages = {**editing.problems_of(self._doc), **self._server_messages}
        weeks = self._doc.get("weeks") or []
        self.week_count = len(weeks)
        self.week = min(self.week, max(len(weeks) - 1, 0))
        self.weeks = week_tabs(self._doc, self._messages, self._completion)
        if weeks:
            current = weeks[self.week]
            self.week_focus = str(current.get("focus") or "")
            self.days = day_cards(self._doc, self.week, self._messages, self._starts, self._done)
            self.can_add_day = len(current.get("days") or []) < DAYS_IN_WEEK
        else:
            self.week_focus, self.days, self.can_add_day = "", [], False
        self.focus_error = self._messages.get(str(self.week), "") or self._messages.get(
            f"{self.week}.focus", ""
        )
        self.title_error = self._server_messages.get("title", "")
        self.starts_on_error = self._server_messages.get("startsOn", "")
        plan_level = [
            m for k, m in self._messages.items() if not k[:1].isdigit() and k not in ("title", "startsOn")
        ]
        self.plan_error = plan_level[0] if plan_level else ""
        self.problem_count = len(self._messages)

    def _edit(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Apply one edit to the document: checked at once, saved with "Save"."""
        self._doc = change(self._doc)
        self._server_messages = {}
        self.dirty = True
        self.status = UNSAVED if self.plan_id else NOT_SAVED_YET
        self._refresh()

    def _start(self, opened: editor_io.OpenedPlan | None, document: dict[str, Any], title: str) -> None:
        self.editing, self.week, self.conflict, self._server_messages = True, 0, "", {}
        self._doc = document
        self.title = title
        if opened is None:
            self.plan_id, self.version, self.is_active, self.may_delete = "", 0, False, False
            self._done, self._completion = set(), None  # the start date: as `start_plan` read it
            self.dirty, self.status = True, NOT_SAVED_YET
            self.progress_label, self.progress_percent = "", 0
        else:
            self.plan_id, self.version, self.is_active = opened.id, opened.version, opened.is_active
            self.may_delete = "delete" in opened.actions
            self._starts, self._done, self._completion = opened.starts_on, opened.done, opened.completion
            self.dirty, self.status = False, f"Saved · version {opened.version}"
            self.progress_label = completion_label(opened.completion)
            self.progress_percent = opened.completion.percent or 0
        self.starts_on = self._starts.isoformat() if self._starts else ""
        self.summary = str(document.get("planSummary") or "")
        self.progression_notes = str(document.get("progressionNotes") or "")
        self.tips = "\n".join(str(t) for t in document.get("nutritionTips") or [])
        self._refresh()

    # -- choosing the member ---------------------------------------------------------------------------

    @rx.event
    @requires(*USE_TEMPLATES)
    async def load_planner(self) -> Any:
        """On the page: the template library, and the member the address names (?member=<id>)."""
        actor = await acting_user(self)
        self.templates = await in_unit_of_work(lambda s: editor_io.template_choices(s, actor), read_only=True)
        wanted = self.router.url.query_parameters.get("member")
        if isinstance(wanted, str) and wanted and wanted != self.member_id:
            return await self._choose(wanted)
        if self.member_id:  # back on the page (a reload keeps this tab's state): the latest from the server
            with refusals(self) as refused:
                await self._reload_plans()
            if refused:
                self.member_id, self.editing = "", False
                return refused.toast
            if self.editing and self.plan_id and not self.dirty:
                return await self._open(self.plan_id)
        return None

    @rx.event
    @requires(*USE_TEMPLATES)
    async def search_members(self, query: str) -> None:
        self.member_query = text_arg(query, "query", max_length=MAX_QUERY)
        actor = await acting_user(self)
        text = self.member_query.strip()
        self.member_options = (
            await in_unit_of_work(lambda s: editor_io.member_choices(s, actor, text), read_only=True)
            if text
            else []
        )

    @rx.event
    @requires(*USE_TEMPLATES)
    async def choose_member(self, member_id: str) -> Any:
        uuid_arg(member_id, "member_id")
        if self.dirty and self.editing:
            return rx.toast.warning(SAVE_FIRST)
        return await self._choose(member_id)

    async def _choose(self, member_id: str) -> Any:
        actor = await acting_user(self)
        with refusals(self) as refused:
            found = await in_unit_of_work(
                lambda s: editor_io.member_plans(s, actor, uuid.UUID(member_id)), read_only=True
            )
        if refused:
            return refused.toast
        self.member_id, self.member_name, self.plans = found.id, found.name, found.plans
        self.member_query, self.member_options, self.editing, self.dirty = "", [], False, False
        active = next((plan for plan in found.plans if plan.active), None)
        return await self._open(active.id) if active else None

    async def _reload_plans(self) -> None:
        actor, member = await acting_user(self), uuid.UUID(self.member_id)
        found = await in_unit_of_work(lambda s: editor_io.member_plans(s, actor, member), read_only=True)
        self.plans = found.plans

    # -- opening and starting plans -------------------------------------------------------------------

    @rx.event
    @requires(*USE_TEMPLATES)
    async def open_plan(self, plan_id: str) -> Any:
        uuid_arg(plan_id, "plan_id")
        if self.dirty and self.editing:
            return rx.toast.warning(SAVE_FIRST)
        return await self._open(plan_id)

    async def _open(self, plan_id: str) -> Any:
        actor = await acting_user(self)
        with refusals(self) as refused:
            opened = await in_unit_of_work(
                lambda s: editor_io.open_plan(s, actor, uuid.UUID(plan_id)), read_only=True
            )
        if refused:
            return refused.toast
        self._start(opened, opened.document, opened.title)
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    async def start_plan(self, form: dict[str, Any]) -> Any:
        """A new plan for the member: blank, or a copy of a template ("" or a template's id)."""
        if not self.member_id:
            return rx.toast.error("Pick a member first.")
        if self.dirty and self.editing:
            return rx.toast.warning(SAVE_FIRST)
        values = form_values(form, {"source": 36, "startsOn": 10})
        source, starts = values.get("source", ""), values.get("startsOn", "")
        if source and source != "blank":
            actor, template_id = await acting_user(self), uuid_arg(source, "source")
            with refusals(self) as refused:
                title, document = await in_unit_of_work(
                    lambda s: editor_io.template_document(s, actor, template_id), read_only=True
                )
            if refused:
                return refused.toast
        else:
            title, document = "", editing.blank_document()
        try:
            self._starts = date.fromisoformat(starts) if starts else None
        except ValueError:
            self._starts = None
        self.make_active = True
        self._start(None, document, title or f"Plan for {self.member_name}")
        return None

    # -- plan fields -----------------------------------------------------------------------------------

    @rx.event
    @requires(*BUILD_PLANS)
    def set_title(self, value: str) -> None:
        self.title = text_arg(value, "title", max_length=MAX_TEXT, storable=False)
        self._server_messages.pop("title", None)
        self._edit(lambda doc: doc)

    @rx.event
    @requires(*BUILD_PLANS)
    def set_starts_on(self, value: str) -> None:
        self.starts_on = text_arg(value, "startsOn", max_length=10)
        try:
            self._starts = date.fromisoformat(self.starts_on) if self.starts_on else None
        except ValueError:
            self._starts = None
        self._edit(lambda doc: doc)

    @rx.event
    @requires(*BUILD_PLANS)
    def set_make_active(self, value: bool) -> None:
        self.make_active = bool_arg(value, "active")

    @rx.event
    @requires(*BUILD_PLANS)
    def set_plan_text(self, field: str, value: str) -> None:
        if field not in ("planSummary", "progressionNotes", "nutritionTips"):
            raise BadArgument("field", "is not one of the allowed values")
        text = text_arg(value, "value", max_length=MAX_TEXT, storable=False)
        if field == "planSummary":
            self.summary = text
        elif field == "progressionNotes":
            self.progression_notes = text
        else:
            self.tips = text
        self._edit(
            lambda doc: (
                editing.set_tips(doc, text)
                if field == "nutritionTips"
                else editing.set_text(doc, field, text)
            )
        )

    # -- weeks -----------------------------------------------------------------------------------------

    @rx.event
    @requires(*USE_TEMPLATES)
    def show_week(self, value: str) -> None:
        position = int_arg(
            int(value) if isinstance(value, str) and value.isdigit() else value,
            "week",
            minimum=0,
            maximum=MAX_WEEKS,
        )
        self.week = min(position, max(self.week_count - 1, 0))
        self._refresh()

    @rx.event
    @requires(*BUILD_PLANS)
    def set_focus(self, value: str) -> None:
        text = text_arg(value, "focus", max_length=MAX_TEXT, storable=False)
        self._edit(lambda doc: editing.set_week_focus(doc, self.week, text))

    @rx.event
    @requires(*BUILD_PLANS)
    def add_week(self) -> Any:
        if self.week_count >= MAX_WEEKS:
            return rx.toast.error(editing.PLAN_FULL)
        self._edit(editing.add_week)
        self.week = self.week_count - 1
        self._refresh()
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    def remove_last_week(self) -> None:
        if self.week_count > 1:
            self._edit(editing.remove_last_week)

    @rx.event
    @requires(*BUILD_PLANS)
    def copy_week_forward(self) -> Any:
        try:
            copied = editing.copy_forward(self._doc, self.week)
        except ValueError as problem:
            return rx.toast.error(str(problem))
        self._edit(lambda _doc: copied)
        self.week += 1
        self._refresh()
        return rx.toast.success(f"Week {self.week} copied to week {self.week + 1}.")

    # -- days ------------------------------------------------------------------------------------------

    def _days(self) -> list[Any]:
        return list(self._doc["weeks"][self.week]["days"]) if self._doc.get("weeks") else []

    @rx.event
    @requires(*BUILD_PLANS)
    def add_day(self) -> Any:
        if not self.can_add_day:
            return rx.toast.error(editing.WEEK_FULL)
        self._edit(lambda doc: editing.add_day(doc, self.week))
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    def remove_day(self, day: int) -> None:
        d = _position(day, "day", self._days())
        self._edit(lambda doc: editing.remove_day(doc, self.week, d))

    @rx.event
    @requires(*BUILD_PLANS)
    def set_day_title(self, day: int, value: str) -> None:
        d = _position(day, "day", self._days())
        text = text_arg(value, "title", max_length=MAX_TEXT, storable=False)
        self._edit(lambda doc: editing.set_day_title(doc, self.week, d, text))

    @rx.event
    @requires(*BUILD_PLANS)
    def set_day_number(self, day: int, value: str) -> None:
        d = _position(day, "day", self._days())
        number = int_arg(
            int(value) if isinstance(value, str) and value.isdigit() else value,
            "dayNumber",
            minimum=1,
            maximum=DAYS_IN_WEEK,
        )
        self._edit(lambda doc: editing.set_day_number(doc, self.week, d, number))

    # -- exercises -------------------------------------------------------------------------------------

    def _place(self, day: object, exercise: object) -> tuple[int, int]:
        days = self._days()
        d = _position(day, "day", days)
        return d, _position(exercise, "exercise", list(days[d].get("exercises") or []))

    @rx.event
    @requires(*BUILD_PLANS)
    def set_exercise_field(self, day: int, exercise: int, field: str, value: str) -> None:
        d, e = self._place(day, exercise)
        if field not in editing.EDITABLE_FIELDS:
            raise BadArgument("field", "is not one of the allowed values")
        text = text_arg(value, "value", max_length=MAX_TEXT, storable=False)
        self._edit(lambda doc: editing.set_exercise_field(doc, self.week, d, e, field, text))

    @rx.event
    @requires(*BUILD_PLANS)
    def remove_exercise(self, day: int, exercise: int) -> None:
        d, e = self._place(day, exercise)
        self._edit(lambda doc: editing.remove_exercise(doc, self.week, d, e))

    @rx.event
    @requires(*BUILD_PLANS)
    def move_exercise(self, day: int, exercise: int, step: int) -> None:
        """Up (-1) or down (+1) within its day: the keyboard's way to reorder."""
        d, e = self._place(day, exercise)
        step = int_arg(step, "step", minimum=-1, maximum=1)
        count = len(self._days()[d]["exercises"])
        if 0 <= e + step < count:
            self._edit(lambda doc: editing.move_exercise(doc, self.week, d, e, d, e + step))

    @rx.event
    @requires(*BUILD_PLANS)
    def drag_exercise(self, day: int, exercise: int) -> None:
        self._dragged = self._place(day, exercise)

    @rx.event
    @requires(*BUILD_PLANS)
    def drop_exercise(self, day: int, exercise: int) -> None:
        """Drop the dragged exercise at this place (`exercise` past the end: at the day's end)."""
        days = self._days()
        d = _position(day, "day", days)
        e = int_arg(exercise, "exercise", minimum=0, maximum=MAX_EXERCISES_PER_DAY)
        if self._dragged is None:
            return
        (from_d, from_e), self._dragged = self._dragged, None
        if from_d >= len(days) or from_e >= len(days[from_d].get("exercises") or []):
            return
        if (from_d, from_e) != (d, e):
            self._edit(lambda doc: editing.move_exercise(doc, self.week, from_d, from_e, d, e))

    def _add_from_catalog(self, day: int, name: str, exercise_id: str) -> Any:
        """Called by the catalog picker (a state of this page's): the exercise at the end of `day`."""
        d = _position(day, "day", self._days())
        if len(self._days()[d].get("exercises") or []) >= MAX_EXERCISES_PER_DAY:
            return rx.toast.error(f"A day has at most {MAX_EXERCISES_PER_DAY} exercises")
        self._edit(lambda doc: editing.add_exercise(doc, self.week, d, name, exercise_id))
        return None

    def _swap_from_catalog(self, day: int, exercise: int, name: str, exercise_id: str) -> None:
        d, e = self._place(day, exercise)
        self._edit(lambda doc: editing.swap_exercise(doc, self.week, d, e, name, exercise_id))

    # -- saving ----------------------------------------------------------------------------------------

    @rx.event
    @requires(*BUILD_PLANS)
    async def save(self) -> Any:
        if not self.editing or self.saving:
            return None
        actor = await acting_user(self)
        self.saving = True
        plan_id, member_id, version, title = self.plan_id, self.member_id, self.version, self.title
        starts_on, document, make_active = self.starts_on, self._doc, self.make_active

        def work(session: Any) -> tuple[str, int, str]:
            return editor_io.save_plan(
                session,
                actor,
                plan_id=plan_id,
                member_id=member_id,
                version=version,
                title=title,
                starts_on=starts_on,
                document=document,
                make_active=make_active,
            )

        try:
            plan_id, version, at = await in_unit_of_work(work)
        except Conflict as error:
            self.saving, self.conflict = False, error.message
            return rx.toast.error(error.message)
        except DomainError as error:
            self.saving = False
            self._server_messages = editing.messages_by_place(error.details)
            self._refresh()
            return error_toast(error)
        self.saving = False
        await self._reload_plans()
        await self._open(plan_id)
        self.status = f"Saved at {at} · version {version}"
        return saved_toast("Plan saved")

    @rx.event
    @requires(*BUILD_PLANS)
    async def discard_changes(self) -> Any:
        """Back to the plan as saved (a new plan: dropped)."""
        self.dirty = False
        if self.plan_id:
            return await self._open(self.plan_id)
        self.editing = False
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    async def reload_latest(self) -> Any:
        """After a conflict: the plan as the other trainer saved it (this page's changes are dropped)."""
        self.dirty, self.conflict = False, ""
        return await self._open(self.plan_id)

    @rx.event
    @requires(*BUILD_PLANS)
    async def set_active(self, value: bool) -> Any:
        active = bool_arg(value, "active")
        if not self.plan_id:
            self.make_active = active
            return None
        actor, plan_id = await acting_user(self), self.plan_id
        with refusals(self) as refused:
            await in_unit_of_work(lambda s: editor_io.set_active(s, actor, plan_id, active))
        if refused:
            return refused.toast
        self.is_active = active
        await self._reload_plans()
        return saved_toast("This is now the member's active plan" if active else "Plan deactivated")

    @rx.event
    @requires(*BUILD_PLANS)
    async def delete_plan(self) -> Any:
        if not self.plan_id:
            return None
        actor, plan_id = await acting_user(self), self.plan_id
        with refusals(self) as refused:
            await in_unit_of_work(lambda s: editor_io.delete_plan(s, actor, plan_id))
        if refused:
            return refused.toast
        self.editing, self.dirty, self.plan_id = False, False, ""
        await self._reload_plans()
        return saved_toast("Plan deleted")

    @rx.event
    @requires(*BUILD_PLANS)
    async def save_as_template(self) -> Any:
        actor, title, document = await acting_user(self), self.title, self._doc
        with refusals(self) as refused:
            await in_unit_of_work(lambda s: editor_io.save_template(s, actor, title, document))
        if refused:
            return refused.toast
        self.templates = await in_unit_of_work(lambda s: editor_io.template_choices(s, actor), read_only=True)
        return saved_toast(f"Saved as the template “{title}”")
