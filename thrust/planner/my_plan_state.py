"""State of the member's "My plan" page: their active plan by week and day, marking a day done (or not)
with what they did of each exercise, and their earlier plans, read-only. Only the caller's own plans
(thrust/planner/my_plan.py); every write goes through progress.record_progress, as the API's does."""

from __future__ import annotations

import dataclasses
import re
import uuid
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import BadArgument, form_values, int_arg, text_arg, uuid_arg
from thrust.auth.guard import signed_in
from thrust.auth.rbac import allowed
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import DomainError
from thrust.gym.clock import GymClock, gym_clock
from thrust.planner import progress
from thrust.planner.capabilities import BUILD_PLANS
from thrust.planner.document import DAYS_IN_WEEK, MAX_EXERCISES_PER_DAY, MAX_WEEKS
from thrust.planner.my_plan import MyPlan, read_my_plan, week_of
from thrust.planner.my_plan_rows import (
    FIELDS,
    LOGGED_KEYS,
    DayCard,
    EarlierRow,
    WeekTab,
    completion_words,
    day_card,
    done_note,
    earlier_row,
    today_line,
    week_progress,
    week_tabs,
    with_logged,
)
from thrust.planner.progress import Completion, DayProgress
from thrust.ui.feedback import FIX_FIELDS, in_unit_of_work, refusals, saved_toast
from thrust.ui.format import DAY, day_label

READ_ONLY = "This is an earlier plan: it can no longer be changed."
NO_PLAN = "Open your plan first."
MAX_INPUT = 20  # characters of one logged number
# exercises[2].actualSets: a problem with the third exercise sent, by the service's path.
_LOGGED_PATH = re.compile(r"^exercises\[(\d+)\]\.(\w+)$")
_FIELD_OF = {value: key for key, value in LOGGED_KEYS.items()}


def _form_limits() -> dict[str, int]:
    limits = {"week": 2, "day": 2}
    for index in range(MAX_EXERCISES_PER_DAY):
        limits.update({f"{name}-{index}": MAX_INPUT for name in FIELDS})
    return limits


FORM_LIMITS = _form_limits()


def logged_number(text: str) -> Any:
    """What a member typed, as the service reads it: a number when it is one ("22,5" too), the text
    itself otherwise (the service names what is wrong with it), None when empty."""
    text = text.strip()
    if not text:
        return None
    candidate = text.replace(",", ".")
    if re.fullmatch(r"\d{1,6}", candidate):
        return int(candidate)
    if re.fullmatch(r"\d{1,6}\.\d{1,3}", candidate):
        return float(candidate)
    return text


def logged_entries(card: DayCard, values: dict[str, str]) -> tuple[list[dict[str, Any]], list[int]]:
    """The exercises with anything typed, as the service takes them, and each one's place in the day."""
    entries, places = [], []
    for row in card.exercises:
        typed = {field: logged_number(values.get(f"{field}-{row.index}", "")) for field in FIELDS}
        if all(value is None for value in typed.values()):
            continue
        entry = {"exerciseIndex": row.index}
        entry |= {LOGGED_KEYS[field]: value for field, value in typed.items() if value is not None}
        entries.append(entry)
        places.append(row.index)
    return entries, places


def with_problems(card: DayCard, error: DomainError, places: list[int]) -> DayCard:
    """The card with the service's messages next to the inputs they name (the rest on the day)."""
    rows = {
        row.index: dataclasses.replace(row, sets_error="", reps_error="", load_error="")
        for row in card.exercises
    }
    general = []
    for problem in error.details:
        found = _LOGGED_PATH.match(problem.field)
        field = _FIELD_OF.get(found.group(2)) if found else None
        if found and field and int(found.group(1)) < len(places):
            row = rows[places[int(found.group(1))]]
            rows[row.index] = dataclasses.replace(row, **{f"{field}_error": problem.message})  # type: ignore[arg-type]  # a str field by name
        elif problem.message not in general:
            general.append(problem.message)
    if not error.details:
        general.append(error.message)
    return dataclasses.replace(card, exercises=list(rows.values()), error="\n".join(general), saved_note="")


@user_bound
class MyPlanState(rx.State):
    """The member's own plan; the service decides which plans are theirs."""

    loaded: bool = False
    has_plan: bool = False
    current: bool = True  # the active plan; an earlier one is read-only
    can_log: bool = False
    title: str = ""
    summary: str = ""
    starts: str = ""  # Starts 3 Nov 2026
    author: str = ""
    today_line: str = ""
    percent: int = 0
    overall: str = ""
    adherence: int = 0
    adherence_words: str = ""
    weeks: list[WeekTab] = []
    week: int = 1
    days: list[DayCard] = []
    nutrition_tips: list[str] = []
    progression_notes: str = ""
    earlier: list[EarlierRow] = []

    _plan_id: str = ""
    _cards: dict[int, list[DayCard]] = {}  # every week's cards; `days` shows one week's

    @rx.var
    def week_focus(self) -> str:
        return next((tab.focus for tab in self.weeks if tab.number == self.week), "")

    def _show(self, view: MyPlan, clock: GymClock) -> None:
        self.earlier = [earlier_row(plan) for plan in view.earlier]
        detail = view.detail
        self.has_plan, self.current = detail is not None, view.current
        if detail is None:
            self._plan_id, self._cards, self.days, self.weeks = "", {}, [], []
            self.loaded = True
            return
        summary, data = detail.summary, detail.plan_data
        self._plan_id = str(summary.id)
        self.can_log = view.current and "recordProgress" in detail.allowed_actions
        self.title, self.summary = summary.title, str(data.get("planSummary") or "")
        self.starts = f"Starts {day_label(summary.starts_on, DAY)}" if summary.starts_on else "No start date"
        self.author = f"By {summary.author_name}" if summary.author_name else ""
        self.today_line = today_line(view)
        self.nutrition_tips = [str(tip) for tip in data.get("nutritionTips") or []]
        self.progression_notes = str(data.get("progressionNotes") or "")
        records = {(d.week_number, d.day_number): d for d in detail.progress}
        cards: dict[int, list[DayCard]] = {}
        for week in data.get("weeks") or []:
            number = int(week.get("weekNumber", 0))
            cards[number] = [
                day_card(
                    raw,
                    number,
                    summary.starts_on,
                    view.today,
                    view.exercises,
                    records.get((number, raw.get("dayNumber"))),
                    _local_day(records.get((number, raw.get("dayNumber"))), clock),
                )
                for raw in week.get("days") or []
            ]
        self._cards = cards
        self.weeks = week_tabs(data, detail.completion, summary.starts_on, view.today)
        self._show_completion(detail.completion)
        self._pick_week(week_of(summary.starts_on, view.today, len(self.weeks)))
        self.loaded = True

    def _show_completion(self, done: Completion) -> None:
        self.percent, self.overall, self.adherence, self.adherence_words = completion_words(done)
        counts = {w.week_number: (w.planned_days, w.completed_days) for w in done.weeks}
        self.weeks = [
            dataclasses.replace(tab, progress=week_progress(*counts.get(tab.number, (0, 0))))
            for tab in self.weeks
        ]

    def _pick_week(self, week: int) -> None:
        self.week = week if week in self._cards else min(self._cards, default=1)
        self.days = self._cards.get(self.week, [])

    def _replace_card(self, card: DayCard) -> None:
        self._cards = {
            **self._cards,
            card.week: [card if c.key == card.key else c for c in self._cards[card.week]],
        }
        if card.week == self.week:
            self.days = self._cards[card.week]

    def _card(self, week: int, day: int) -> DayCard | None:
        return next((c for c in self._cards.get(week, []) if c.day == day), None)

    async def _open(self, plan_id: uuid.UUID | None) -> Any:
        actor = await acting_user(self)
        if allowed(actor, BUILD_PLANS):
            return None  # staff build plans on the planner; the page tells them so
        with refusals(self) as refused:
            view, clock = await in_unit_of_work(
                lambda session: (read_my_plan(session, actor, plan_id), gym_clock(session)), read_only=True
            )
        if refused:
            return refused.toast
        self._show(view, clock)
        return None

    @rx.event
    @signed_in
    async def load_my_plan(self) -> Any:
        """On the page: the member's active plan and their earlier ones (nothing for staff)."""
        return await self._open(None)

    @rx.event
    @signed_in
    async def open_plan(self, plan_id: str) -> Any:
        """Show one of the member's plans: an earlier one, read-only ("" for the active one)."""
        text = text_arg(plan_id, "plan_id", max_length=36)
        return await self._open(uuid_arg(text, "plan_id") if text else None)

    @rx.event
    @signed_in
    def show_week(self, week: int) -> None:
        """Show another week of the plan open on the page."""
        self._pick_week(int_arg(week, "week", minimum=1, maximum=MAX_WEEKS))

    @rx.event
    @signed_in
    async def save_day(self, form_data: dict[str, Any]) -> Any:
        """Mark a day done with what was done of each exercise (a day already done: save what changed)."""
        values = form_values(form_data, FORM_LIMITS)
        try:
            week = int_arg(int(values["week"] or 0), "week", minimum=1, maximum=MAX_WEEKS)
            day = int_arg(int(values["day"] or 0), "day", minimum=1, maximum=DAYS_IN_WEEK)
        except ValueError:
            raise BadArgument("form", "names no plan day") from None
        card = self._card(week, day)
        if card is None or not self._plan_id:
            return rx.toast.error(NO_PLAN)
        if not self.can_log:
            return rx.toast.error(READ_ONLY)
        entries, places = logged_entries(card, values)
        body = {"weekNumber": week, "dayNumber": day, "completed": True, "exercises": entries}
        result = await self._record(card, body, places)
        if isinstance(result, DayCard):
            self._replace_card(dataclasses.replace(result, saved_note=f"Saved: {card.title} is done."))
            return saved_toast(f"{card.title} marked done")
        return result

    @rx.event
    @signed_in
    async def undo_day(self, week: int, day: int) -> Any:
        """Mark a day not done after all (what was logged of it stays)."""
        week = int_arg(week, "week", minimum=1, maximum=MAX_WEEKS)
        day = int_arg(day, "day", minimum=1, maximum=DAYS_IN_WEEK)
        card = self._card(week, day)
        if card is None or not self._plan_id:
            return rx.toast.error(NO_PLAN)
        if not self.can_log:
            return rx.toast.error(READ_ONLY)
        result = await self._record(card, {"weekNumber": week, "dayNumber": day, "completed": False}, [])
        if isinstance(result, DayCard):
            self._replace_card(dataclasses.replace(result, saved_note=f"Saved: {card.title} is not done."))
            return saved_toast(f"{card.title} marked not done")
        return result

    async def _record(self, card: DayCard, body: dict[str, Any], places: list[int]) -> Any:
        """Record the day; the card as it now stands, or the refusal's toast (messages on the card)."""
        actor = await acting_user(self)
        plan_id = uuid.UUID(self._plan_id)

        def work(session: Session) -> tuple[progress.DayRecorded, Any]:
            recorded = progress.record_progress(session, actor, plan_id, body)
            return recorded, _local_day(recorded.day, gym_clock(session))

        with refusals(self) as refused:
            recorded, done_on = await in_unit_of_work(work)
        if refused:
            assert refused.error is not None
            self._replace_card(with_problems(card, refused.error, places))
            return rx.toast.error(FIX_FIELDS) if refused.error.details else refused.toast
        self._show_completion(recorded.completion)
        return _updated(card, recorded.day, done_on)


def _local_day(record: DayProgress | None, clock: GymClock) -> Any:
    if record is None or record.completed_at is None:
        return None
    return clock.local(record.completed_at).date()


def _updated(card: DayCard, record: DayProgress, done_on: Any) -> DayCard:
    """The card after a save: done or not, the values as recorded, no messages."""
    logged = {entry.get("exerciseIndex"): entry for entry in record.exercises}
    rows = [with_logged(row, logged.get(row.index) or {}) for row in card.exercises]
    stamp = "|".join(f"{r.sets_value},{r.reps_value},{r.load_value}" for r in rows)
    return dataclasses.replace(
        card,
        exercises=rows,
        done=record.completed,
        done_note=done_note(record, done_on),
        error="",
        form_key=f"{card.key}:{record.completed}:{stamp}",
    )
